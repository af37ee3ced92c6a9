"""Build a snapshot: read every pending publication (in parallel, within each network's rate budget), store each
result the moment it is known, and finish the snapshot once none is pending.

Resumable and idempotent: progress is the `state` of each publication row, results are written only onto rows
still `pending`, and finishing happens once (guarded by the status). A consumer holds a lease on the snapshot while
it works (renewed with every write); a killed consumer's lease runs out and the next build task takes over where
it stopped. Rate-limited publications wait in `not_before`; the build then asks to be run again at that time.
"""

from __future__ import annotations

import logging
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import Connection, Engine, and_, func, or_, select, update

from sharelytics.core.clock import utcnow
from sharelytics.core.providers.registry import ProviderRegistry
from sharelytics.core.sharing.identities import sealed_credentials
from sharelytics.core.sharing.vault import CredentialVault
from sharelytics.core.snapshots.events import Event, SnapshotBuilt, SnapshotDeferred
from sharelytics.core.snapshots.finish import Render, finish_snapshot
from sharelytics.core.snapshots.read import Reading, ToRead, read_publication
from sharelytics.core.snapshots.record import record_reading
from sharelytics.core.snapshots.model import PROCESSED, PROCESSING
from sharelytics.storage.tables_snapshots import snapshot_publications, snapshots

log = logging.getLogger("sharelytics.snapshots")


@dataclass(frozen=True)
class Builder:
    """What a build needs; `registry` is read when the build runs (tests swap the services' registry)."""

    engine: Engine
    registry: Callable[[], ProviderRegistry]
    vault: CredentialVault
    owner: str  # this consumer's lease name
    lease: timedelta
    parallel: int
    render_pingback: Render


def build_snapshot(builder: Builder, snapshot_id: int) -> list[Event]:
    now = utcnow()
    claimed = _claim(builder, snapshot_id, now)
    if claimed is not True:
        return claimed
    jobs = _due(builder.engine, snapshot_id, now)
    if jobs and not _read_all(builder, snapshot_id, jobs):
        return []  # deleted meanwhile, or our lease was taken over: someone else has it
    return _conclude(builder, snapshot_id)


def _claim(builder: Builder, snapshot_id: int, now: datetime) -> list[Event] | bool:
    """True when this consumer may build now; otherwise the events saying what happens instead."""
    with builder.engine.begin() as conn:
        taken = conn.execute(update(snapshots).where(
            snapshots.c.id == snapshot_id, snapshots.c.status != PROCESSED,
            or_(snapshots.c.lease_until.is_(None), snapshots.c.lease_until < now,
                snapshots.c.lease_owner == builder.owner),
        ).values(status=PROCESSING, started_at=func.coalesce(snapshots.c.started_at, now),
                 lease_owner=builder.owner, lease_until=now + builder.lease)).rowcount
        if taken:
            return True
        row = conn.execute(select(snapshots.c.status, snapshots.c.lease_until)
                           .where(snapshots.c.id == snapshot_id)).first()
    if row is None or row.status == PROCESSED:
        return []  # deleted, or finished by whoever held it
    # Another consumer holds it: look again when its lease would run out, in case it died.
    return [SnapshotDeferred(snapshot_id, row.lease_until + timedelta(seconds=1))]


def _due(engine: Engine, snapshot_id: int, now: datetime) -> list[ToRead]:
    p = snapshot_publications
    with engine.connect() as conn:
        rows = conn.execute(select(p.c.position, p.c.provider, p.c.post_id, p.c.identity_id).where(
            p.c.snapshot_id == snapshot_id, p.c.state == "pending",
            or_(p.c.not_before.is_(None), p.c.not_before <= now)).order_by(p.c.position)).all()
        sealed = sealed_credentials(conn, sorted({r.identity_id for r in rows if r.identity_id is not None}))
    return [ToRead(r.position, r.provider, r.post_id, sealed.get(r.identity_id) if r.identity_id else None)
            for r in rows]


def _read_all(builder: Builder, snapshot_id: int, jobs: list[ToRead]) -> bool:
    """Read in parallel, write as results come (in small batches, one writer). False when we must stop."""
    registry = builder.registry()
    with ThreadPoolExecutor(max_workers=max(1, min(builder.parallel, len(jobs))),
                            thread_name_prefix=f"snapshot-{snapshot_id}") as pool:
        pending: set[Future[Reading]] = {pool.submit(read_publication, registry, builder.vault, j) for j in jobs}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            if not _write(builder, snapshot_id, [f.result() for f in done]):
                for future in pending:
                    future.cancel()
                return False
    return True


def _write(builder: Builder, snapshot_id: int, readings: list[Reading]) -> bool:
    now = utcnow()
    with builder.engine.begin() as conn:
        kept = conn.execute(update(snapshots).where(snapshots.c.id == snapshot_id,
                                                    snapshots.c.lease_owner == builder.owner)
                            .values(lease_until=now + builder.lease)).rowcount
        if not kept:
            log.info("snapshot %s was deleted or taken over; this build stops", snapshot_id)
            return False
        for reading in readings:
            record_reading(conn, snapshot_id, reading, now)
    return True


def _conclude(builder: Builder, snapshot_id: int) -> list[Event]:
    with builder.engine.begin() as conn:
        waiting = _next_due(conn, snapshot_id)
        if waiting is None:
            delivery_id = finish_snapshot(conn, snapshot_id, builder.render_pingback)
            return [SnapshotBuilt(snapshot_id, delivery_id)] if delivery_id is not False else []
        # Let any consumer pick it up when the budget allows, rather than this one sleeping on it.
        conn.execute(update(snapshots).where(snapshots.c.id == snapshot_id, snapshots.c.lease_owner == builder.owner)
                     .values(lease_owner=None, lease_until=None, wake_at=waiting))
    return [SnapshotDeferred(snapshot_id, waiting)]


def _next_due(conn: Connection, snapshot_id: int) -> datetime | None:
    """When the earliest pending publication may be read again; None when nothing is pending."""
    p = snapshot_publications
    mine = and_(p.c.snapshot_id == snapshot_id, p.c.state == "pending")
    if not conn.execute(select(func.count()).where(mine)).scalar_one():
        return None
    earliest = conn.execute(select(func.min(p.c.not_before)).where(mine, p.c.not_before.is_not(None))).scalar_one()
    return max(earliest, utcnow()) if earliest is not None else utcnow()
