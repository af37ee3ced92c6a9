"""awe.sm "stubified" labels: a-z0-9_- only."""

from __future__ import annotations

import re

_NOT_STUB = re.compile(r"[^a-z0-9_-]+")


def stubify(text: str) -> str:
    """`Spring Sale 2012!` -> `spring-sale-2012`: lower case, other runs become one dash, no dash at the ends."""
    return _NOT_STUB.sub("-", text.strip().lower()).strip("-")


def is_stub(text: str) -> bool:
    return bool(text) and stubify(text) == text
