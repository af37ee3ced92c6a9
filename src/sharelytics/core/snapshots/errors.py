"""Snapshot errors: plain classes without status codes (`api/oneall/errors.py` maps them)."""

from __future__ import annotations

from sharelytics.core.sharing.errors import InvalidRequest, NotFound


class SnapshotNotFound(NotFound):
    """No snapshot with that token in this project."""


class PingbackRefused(InvalidRequest):
    """The pingback URL is not http(s), does not resolve, or reaches a private address that is not allow-listed."""
