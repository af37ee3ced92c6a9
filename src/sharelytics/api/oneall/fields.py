"""Reading the objects of a `{"request": …}` body, leniently where real clients differ (iOS sends flags as "1",
a third-party client sends `providers` as a plain string) and strictly where a wrong type means a wrong request."""

from __future__ import annotations

from typing import Any

from sharelytics.core.sharing.errors import InvalidRequest

MAX_TEXT = 100_000
MAX_VALUE = 4096
MAX_LIST = 50


def node(parent: dict[str, Any], name: str, *, path: str, required: bool = True) -> dict[str, Any]:
    value = parent.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise InvalidRequest(f"{path}.{name} must be an object" if value is not None else f"{path}.{name} is required",
                             name)
    return value


def string(parent: dict[str, Any], name: str, *, path: str, required: bool = False, limit: int = MAX_VALUE) -> str:
    value = parent.get(name)
    if value is None or value == "":
        if required:
            raise InvalidRequest(f"{path}.{name} is required", name)
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidRequest(f"{path}.{name} must be a string", name)
    text = str(value)
    if len(text) > limit:
        raise InvalidRequest(f"{path}.{name} is longer than {limit} characters", name)
    if "\x00" in text:
        raise InvalidRequest(f"{path}.{name} contains a NUL character", name)
    return text


def flag(value: Any, name: str) -> bool:
    """1/0, "1"/"0", true/false, "true"/"false" (clients send all of them)."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return value.strip().lower() in ("1", "true", "yes", "on")
    raise InvalidRequest(f"{name} must be 1 or 0", name)


def string_list(value: Any, name: str) -> tuple[str, ...]:
    """A list of strings; one plain string is taken as a list of one."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise InvalidRequest(f"{name} must be a non-empty list of provider keys", name)
    if len(items) > MAX_LIST or not all(isinstance(i, str) and 0 < len(i) <= 64 for i in items):
        raise InvalidRequest(f"{name} must list at most {MAX_LIST} provider keys", name)
    return tuple(dict.fromkeys(i.strip().lower() for i in items))
