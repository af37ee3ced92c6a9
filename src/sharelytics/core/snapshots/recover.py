"""Finding work whose task was lost: a consumer killed mid-build took its dequeued task with it. When a consumer
starts, every unfinished snapshot and pending pingback is queued again (a duplicate is harmless: builds and
deliveries are idempotent and leased); every minute after that, only those nobody has touched for a while."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, select

from sharelytics.core.clock import utcnow
from sharelytics.core.snapshots.events import Event, PingbackDeferred, SnapshotDeferred
from sharelytics.core.snapshots.model import UNFINISHED
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables_snapshots import pingback_deliveries, snapshots

STALE = timedelta(seconds=60)  # overdue by this much, a scheduled task is taken for lost


def lost_work(engine: Engine, *, at_start: bool) -> list[Event]:
    now = utcnow()
    margin = timedelta(0) if at_start else STALE
    s, d = snapshots, pingback_deliveries
    query = select(s.c.id, s.c.lease_until).where(s.c.status.in_(UNFINISHED),
                                                  or_(s.c.wake_at.is_(None), s.c.wake_at < now - margin))
    if not at_start:  # a live consumer renews its lease; only an expired one means nobody is on it
        query = query.where(or_(s.c.lease_until.is_(None), s.c.lease_until < now - margin))
    with read_only(engine).connect() as conn:
        found: list[Event] = [SnapshotDeferred(row.id, _after(row.lease_until, now)) for row in conn.execute(query)]
        due = conn.execute(select(d.c.id, d.c.next_attempt_at).where(
            d.c.state == "pending", or_(d.c.next_attempt_at.is_(None), d.c.next_attempt_at < now - margin)
            if not at_start else d.c.state == "pending"))
        found += [PingbackDeferred(row.id, row.next_attempt_at or now) for row in due]
    return found


def _after(lease_until: datetime | None, now: datetime) -> datetime:
    """Now, or just after the lease a killed consumer left behind runs out."""
    return max(now, lease_until + timedelta(seconds=1)) if lease_until is not None else now
