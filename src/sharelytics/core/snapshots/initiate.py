"""Initiate a snapshot of a message: at most one pending per message, enforced by a unique column
(`snapshots.pending_message_id`), so concurrent requests agree on a single winner and the others are told which
snapshot is pending. The snapshot covers the message's publications as they are now (every user, network and
re-publication that reached its network), copied so that later changes to the message do not rewrite history."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError

from sharelytics.core.clock import utcnow
from sharelytics.core.sharing.messages import message_row
from sharelytics.core.sharing.tokens import new_token
from sharelytics.core.snapshots.addresses import AllowList, check_target
from sharelytics.core.snapshots.codec import encode_shorturls
from sharelytics.core.snapshots.events import SnapshotInitiated
from sharelytics.core.snapshots.model import SCHEDULED, Initiated, SnapshotUrl
from sharelytics.core.snapshots.store import load_snapshot
from sharelytics.storage.tables import domains, links, publication_links, publications
from sharelytics.storage.tables_snapshots import snapshot_publications, snapshots


def initiate_snapshot(engine: Engine, project_id: int, message_token: str, pingback_uri: str | None,
                      allow: AllowList) -> tuple[Initiated, list[SnapshotInitiated]]:
    """The new snapshot and the event that schedules its build, or the pending one and no event."""
    if pingback_uri is not None:
        check_target(pingback_uri, allow)  # refused before anything is stored
    try:
        with engine.begin() as conn:
            message = message_row(conn, project_id, message_token)
            pending = _pending(conn, message["id"])
            if pending is not None:
                return Initiated(load_snapshot(conn, pending, with_publications=False), True), []
            snapshot_id = _insert(conn, project_id, message, pingback_uri)
            row = conn.execute(select(snapshots).where(snapshots.c.id == snapshot_id)).mappings().one()
            return Initiated(load_snapshot(conn, row, with_publications=False), False), [SnapshotInitiated(snapshot_id)]
    except IntegrityError:
        # Another request initiated one for this message between our check and our insert: it is the pending one.
        with engine.begin() as conn:
            message = message_row(conn, project_id, message_token)
            pending = _pending(conn, message["id"])
            if pending is None:
                raise
            return Initiated(load_snapshot(conn, pending, with_publications=False), True), []


def _pending(conn: Connection, message_id: int) -> Mapping[str, Any] | None:
    return conn.execute(select(snapshots).where(snapshots.c.pending_message_id == message_id)).mappings().first()


def _insert(conn: Connection, project_id: int, message: Mapping[str, Any], pingback_uri: str | None) -> int:
    rows = conn.execute(select(publications).where(publications.c.message_id == message["id"],
                                                   publications.c.post_id.is_not(None))
                        .order_by(publications.c.id)).mappings().all()
    snapshot_id = int(conn.execute(insert(snapshots).values(
        project_id=project_id, message_id=message["id"], snapshot_token=new_token(),
        message_token=message["message_token"], message_created_at=message["created_at"],
        message_last_published_at=message["last_published_at"], status=SCHEDULED,
        pending_message_id=message["id"], pingback_uri=pingback_uri, publications_total=len(rows),
        initiated_at=utcnow(),
    )).inserted_primary_key[0])
    urls = _shorturls(conn, [r["id"] for r in rows])
    if rows:
        conn.execute(insert(snapshot_publications), [_copy(snapshot_id, n, r, urls.get(r["id"], []))
                                                     for n, r in enumerate(rows)])
    return snapshot_id


def _copy(snapshot_id: int, position: int, row: Mapping[str, Any], urls: list[SnapshotUrl]) -> dict[str, Any]:
    return {"snapshot_id": snapshot_id, "position": position, "publication_id": row["id"],
            "identity_id": row["identity_id"], "provider": row["provider"], "user_token": row["user_token"],
            "identity_token": row["identity_token"], "post_id": row["post_id"], "published_at": row["published_at"],
            "shorturls": encode_shorturls(urls), "state": "pending", "attempts": 0}


def _shorturls(conn: Connection, publication_ids: Sequence[int]) -> dict[int, list[SnapshotUrl]]:
    """Each publication's tracked links with their ids (the click store counts by link id)."""
    found: dict[int, list[SnapshotUrl]] = {}
    for start in range(0, len(publication_ids), 500):  # bounded IN lists for large messages
        rows = conn.execute(
            select(publication_links.c.publication_id, publication_links.c.original_url, links.c.id, links.c.path,
                   domains.c.scheme, domains.c.hostname)
            .join(links, links.c.id == publication_links.c.link_id).join(domains, domains.c.id == links.c.domain_id)
            .where(publication_links.c.publication_id.in_(list(publication_ids[start:start + 500])))
            .order_by(publication_links.c.publication_id, publication_links.c.position)).all()
        for row in rows:
            found.setdefault(row.publication_id, []).append(
                SnapshotUrl(row.id, row.path, f"{row.scheme}://{row.hostname}/{row.path}", row.original_url))
    return found
