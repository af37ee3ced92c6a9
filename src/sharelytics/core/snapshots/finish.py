"""Finishing a snapshot, once: processed, its pending slot freed (a new snapshot of the message may start), and
the pingback to announce it recorded in the same transaction (an outbox), so it is sent even if the process dies
right after."""

from __future__ import annotations

from typing import Callable, Literal

from sqlalchemy import Connection, insert, select, update

from sharelytics.core.clock import utcnow
from sharelytics.core.sharing.tokens import new_token
from sharelytics.core.snapshots.model import PROCESSED, Snapshot
from sharelytics.core.snapshots.store import load_snapshot
from sharelytics.storage.tables_snapshots import pingback_deliveries, snapshots

# The pingback body for a processed snapshot, rendered by the API adapter (the core knows no wire format).
Render = Callable[[Snapshot], bytes]


def finish_snapshot(conn: Connection, snapshot_id: int, render: Render) -> int | None | Literal[False]:
    """The new delivery's id, None without a pingback_uri, False when it was already finished (or is gone)."""
    now = utcnow()
    finished = conn.execute(update(snapshots).where(snapshots.c.id == snapshot_id, snapshots.c.status != PROCESSED)
                            .values(status=PROCESSED, finished_at=now, pending_message_id=None, lease_owner=None,
                                    lease_until=None)).rowcount
    if not finished:
        return False
    row = conn.execute(select(snapshots).where(snapshots.c.id == snapshot_id)).mappings().one()
    if not row["pingback_uri"]:
        return None
    body = render(load_snapshot(conn, row, with_publications=False))
    return int(conn.execute(insert(pingback_deliveries).values(
        delivery_token=new_token(), snapshot_id=snapshot_id, project_id=row["project_id"], url=row["pingback_uri"],
        body=body.decode("utf-8"), state="pending", attempts=0, created_at=now, next_attempt_at=now,
    )).inserted_primary_key[0])
