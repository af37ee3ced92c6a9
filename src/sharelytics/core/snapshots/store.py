"""Snapshots in storage: read one (with its publications once processed), list with filters, delete."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from sqlalchemy import Connection, Engine, delete, exists, func, select

from sharelytics.core.sharing.pages import Page, PageRequest, fetch_page
from sharelytics.core.sharing.tokens import is_token
from sharelytics.core.snapshots.codec import decode_result, decode_shorturls
from sharelytics.core.snapshots.errors import SnapshotNotFound
from sharelytics.core.snapshots.model import (MessageRef, PublicationOutcome, PublicationResult, Snapshot,
                                              SnapshotFilter, SnapshotPublication)
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables_snapshots import snapshot_publications, snapshots


def snapshot_from_row(row: Mapping[str, Any], done: int,
                      found: Sequence[SnapshotPublication] = ()) -> Snapshot:
    return Snapshot(
        id=row["id"], project_id=row["project_id"], snapshot_token=row["snapshot_token"], status=row["status"],
        message=MessageRef(row["message_token"], row["message_created_at"], row["message_last_published_at"]),
        pingback_uri=row["pingback_uri"], initiated_at=row["initiated_at"], started_at=row["started_at"],
        finished_at=row["finished_at"], publications_total=row["publications_total"], publications_done=done,
        publications=tuple(found))


def publication_from_row(row: Mapping[str, Any]) -> SnapshotPublication:
    result = None
    if row["state"] == "done" and row["result"] is not None:
        urls, reactions = decode_result(row["result"])
        outcome = PublicationOutcome(row["status_flag"], row["status_code"], row["status_info"])
        result = PublicationResult(row["processed_at"], outcome, urls, reactions)
    return SnapshotPublication(position=row["position"], provider=row["provider"], user_token=row["user_token"],
                               identity_token=row["identity_token"], post_id=row["post_id"],
                               published_at=row["published_at"], shorturls=decode_shorturls(row["shorturls"]),
                               result=result)


def publications_of(conn: Connection, snapshot_id: int) -> list[SnapshotPublication]:
    rows = conn.execute(select(snapshot_publications).where(snapshot_publications.c.snapshot_id == snapshot_id)
                        .order_by(snapshot_publications.c.position)).mappings().all()
    return [publication_from_row(r) for r in rows]


def done_counts(conn: Connection, snapshot_ids: Sequence[int]) -> dict[int, int]:
    if not snapshot_ids:
        return {}
    rows = conn.execute(select(snapshot_publications.c.snapshot_id, func.count())
                        .where(snapshot_publications.c.snapshot_id.in_(list(snapshot_ids)),
                               snapshot_publications.c.state == "done")
                        .group_by(snapshot_publications.c.snapshot_id)).all()
    return {int(snapshot_id): int(count) for snapshot_id, count in rows}


def snapshot_row(conn: Connection, project_id: int, token: str) -> Mapping[str, Any]:
    row = None
    if is_token(token):
        row = conn.execute(select(snapshots).where(snapshots.c.project_id == project_id,
                                                   snapshots.c.snapshot_token == token.lower())).mappings().first()
    if row is None:
        raise SnapshotNotFound(f"there is no sharing analytics snapshot with the token {token[:64]!r}",
                               "sharing_analytics_snapshot_token")
    return row


def load_snapshot(conn: Connection, row: Mapping[str, Any], *, with_publications: bool) -> Snapshot:
    done = done_counts(conn, [row["id"]]).get(row["id"], 0)
    found = publications_of(conn, row["id"]) if with_publications else ()
    return snapshot_from_row(row, done, found)


def get_snapshot(engine: Engine, project_id: int, token: str) -> Snapshot:
    """The snapshot; its publications only once processed (a pending one has no results to show yet)."""
    with read_only(engine).connect() as conn:
        row = snapshot_row(conn, project_id, token)
        return load_snapshot(conn, row, with_publications=row["status"] == "processed")


def _filtered(project_id: int, where: SnapshotFilter) -> Any:
    query = select(snapshots).where(snapshots.c.project_id == project_id)
    for column, value in ((snapshot_publications.c.user_token, where.user_token),
                          (snapshot_publications.c.identity_token, where.identity_token)):
        if value is not None:
            query = query.where(exists().where(snapshot_publications.c.snapshot_id == snapshots.c.id,
                                               column == value.lower()))
    return query


def list_snapshots(engine: Engine, project_id: int, where: SnapshotFilter, request: PageRequest) -> Page[Snapshot]:
    with read_only(engine).connect() as conn:
        rows, total = fetch_page(conn, _filtered(project_id, where), snapshots.c.initiated_at, snapshots.c.id, request)
        done = done_counts(conn, [r["id"] for r in rows])
    return Page(request, [snapshot_from_row(r, done.get(r["id"], 0)) for r in rows], total)


def delete_snapshot(engine: Engine, project_id: int, token: str) -> Snapshot:
    """Gone at once with its results and pingback record; a build still running finds it gone and stops."""
    with engine.begin() as conn:
        row = snapshot_row(conn, project_id, token)
        found = load_snapshot(conn, row, with_publications=False)
        conn.execute(delete(snapshots).where(snapshots.c.id == row["id"]))
    return found
