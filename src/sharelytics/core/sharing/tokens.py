"""Tokens: lowercase hyphenated UUIDs, as OneAll hands them out."""

from __future__ import annotations

import uuid


def new_token() -> str:
    return str(uuid.uuid4())


def is_token(value: str) -> bool:
    """Only well-formed tokens reach a query: anything else is unknown without a database round trip."""
    if len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False
