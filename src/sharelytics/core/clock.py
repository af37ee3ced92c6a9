"""One clock for the core, so tests and replays can reason about time in naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC, second precision: the form every table stores."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def from_timestamp(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC).replace(tzinfo=None)
