"""Facebook Graph API conventions: error bodies and what they mean, and the usage-percentage headers turned into
the remaining/reset budget `ProviderHttp` keeps per identity.

Graph throttles with an error body (codes 4, 17, 32, 613, 80001…, usually HTTP 400) rather than a 429, and
reports usage as percentages: `X-App-Usage` / `X-Page-Usage` `{"call_count", "total_cputime", "total_time"}` and
`X-Business-Use-Case-Usage` `{"<id>": [{"type", "call_count", …, "estimated_time_to_regain_access"}]}` (minutes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

GRAPH_VERSION = "v23.0"
TOKEN_CODES = frozenset({102, 190})  # expired, revoked or invalid token: the page must be reconnected
PERMISSION_CODES = frozenset({10, *range(200, 300)})  # a permission was removed: reconnect with it
THROTTLE_CODES = frozenset({4, 17, 32, 341, 613, *range(80000, 80015)})
GONE_SUBCODES = frozenset({33})  # "Object with ID … does not exist, cannot be loaded due to missing permissions"
DUPLICATE_CODE = 506
WINDOW = 3600  # Graph's usage windows roll over one hour
THROTTLE_WAIT = 300  # when a throttled answer tells no time to regain access, probe again after this long
USAGE_HEADERS = ("x-app-usage", "x-page-usage", "x-ad-account-usage")


@dataclass(frozen=True)
class GraphError:
    code: int
    subcode: int
    message: str
    type: str = ""
    trace: str = ""

    @property
    def throttled(self) -> bool:
        return self.code in THROTTLE_CODES

    @property
    def token_refused(self) -> bool:
        return self.code in TOKEN_CODES or self.code in PERMISSION_CODES

    @property
    def gone(self) -> bool:
        return self.code == 803 or (self.code == 100 and self.subcode in GONE_SUBCODES)

    def __str__(self) -> str:
        trace = f", fbtrace_id {self.trace}" if self.trace else ""
        return f"{self.message} (code {self.code}{f'/{self.subcode}' if self.subcode else ''}{trace})"


def graph_error(body: Any) -> GraphError | None:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    return GraphError(code=_int(error.get("code")), subcode=_int(error.get("error_subcode")),
                      message=str(error.get("message", "")), type=str(error.get("type", "")),
                      trace=str(error.get("fbtrace_id", "")))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _usage(headers: httpx.Headers) -> tuple[float | None, float]:
    """(highest usage percentage of any counter, longest announced wait in seconds); None without headers."""
    entries: list[dict[str, Any]] = []
    for name in USAGE_HEADERS:
        if name in headers:
            entries.append(_load(headers[name]))
    if "x-business-use-case-usage" in headers:
        for per_object in _load(headers["x-business-use-case-usage"]).values():
            if isinstance(per_object, list):
                entries.extend(e for e in per_object if isinstance(e, dict))
    if not entries:
        return None, 0.0
    percent = max(float(e.get(k) or 0) for e in entries for k in ("call_count", "total_cputime", "total_time"))
    wait = max(float(e.get("estimated_time_to_regain_access") or 0) for e in entries) * 60
    return percent, wait


def _load(value: str) -> dict[str, Any]:
    try:
        loaded = json.loads(value)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def rate_aliases(response: httpx.Response) -> dict[str, str]:
    """Usage as `x-ratelimit-remaining` (percentage points left, re-read on every answer) and `x-ratelimit-reset`
    (seconds from now): at 100 % or on a throttling error nothing is left until access is regained."""
    percent, wait = _usage(response.headers)
    error = graph_error(_json(response)) if response.status_code >= 400 else None
    if error is not None and error.throttled:
        return {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(wait or THROTTLE_WAIT))}
    if percent is None:
        return {}
    if percent >= 100:
        return {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(wait or THROTTLE_WAIT))}
    return {"x-ratelimit-limit": "100", "x-ratelimit-remaining": str(int(100 - percent)),
            "x-ratelimit-reset": str(WINDOW)}


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
