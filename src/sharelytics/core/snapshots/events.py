"""What happened to snapshots and pingbacks (past tense). `jobs/table.py` says what runs on each, inline or
queued; the core only returns these, it never schedules anything itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SnapshotInitiated:
    snapshot_id: int


@dataclass(frozen=True)
class SnapshotDeferred:
    """Some publications wait for a network's rate budget (or a lease held elsewhere) until `until`."""

    snapshot_id: int
    until: datetime


@dataclass(frozen=True)
class SnapshotBuilt:
    snapshot_id: int
    delivery_id: int | None  # the pingback to send, when the snapshot named a pingback_uri


@dataclass(frozen=True)
class PingbackDeferred:
    """An attempt failed; the next one is due at `until`."""

    delivery_id: int
    until: datetime


@dataclass(frozen=True)
class PingbackDelivered:
    delivery_id: int


@dataclass(frozen=True)
class PingbackAbandoned:
    """Retried for the whole window without a 2xx answer."""

    delivery_id: int


Event = SnapshotInitiated | SnapshotDeferred | SnapshotBuilt | PingbackDeferred | PingbackDelivered | PingbackAbandoned
