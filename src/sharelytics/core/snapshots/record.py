"""Storing what reading one publication gave: its result (with the referrals counted now, from the click rollups:
humans as referrals, bots and link previews apart), or when to try again. Only rows still `pending` are written, so
a result, once stored, never changes and a repeated build cannot overwrite it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import Connection, select, update

from sharelytics.core.snapshots.codec import decode_shorturls, encode_result
from sharelytics.core.snapshots.model import PublicationOutcome, SnapshotUrl, UrlReferrals
from sharelytics.core.snapshots.read import Reading
from sharelytics.storage.tables import link_totals
from sharelytics.storage.tables_snapshots import snapshot_publications

MAX_UNEXPECTED = 5  # attempts after an unexpected error (a bug, a database hiccup) before giving up on it
UNEXPECTED_DELAY = timedelta(seconds=15)
GAVE_UP = PublicationOutcome("error", 500, "The publication could not be processed because of an internal error")


def referrals(conn: Connection, urls: Sequence[SnapshotUrl]) -> tuple[UrlReferrals, ...]:
    ids = [u.link_id for u in urls]
    totals = {row.link_id: row for row in conn.execute(
        select(link_totals.c.link_id, link_totals.c.humans, link_totals.c.bots, link_totals.c.unfurlers)
        .where(link_totals.c.link_id.in_(ids)))} if ids else {}
    found = []
    for url in urls:
        row = totals.get(url.link_id)
        found.append(UrlReferrals(target=url.original_url, short_url=url.short_url,
                                  num_referrals=int(row.humans or 0) if row else 0,
                                  num_bot_referrals=int(row.bots or 0) if row else 0,
                                  num_unfurler_referrals=int(row.unfurlers or 0) if row else 0))
    return tuple(found)


def record_reading(conn: Connection, snapshot_id: int, reading: Reading, now: datetime) -> None:
    p = snapshot_publications
    mine = (p.c.snapshot_id == snapshot_id) & (p.c.position == reading.position) & (p.c.state == "pending")
    row = conn.execute(select(p.c.shorturls, p.c.attempts).where(mine)).first()
    if row is None:
        return  # already done by another build
    if reading.outcome is None and reading.retry_at is not None:
        conn.execute(update(p).where(mine).values(not_before=reading.retry_at, attempts=row.attempts + 1))
        return
    outcome = reading.outcome
    if outcome is None:  # unexpected: a few more tries, spaced out, then an error status
        if row.attempts + 1 < MAX_UNEXPECTED:
            conn.execute(update(p).where(mine).values(not_before=now + UNEXPECTED_DELAY * (row.attempts + 1),
                                                      attempts=row.attempts + 1))
            return
        outcome = GAVE_UP
    urls = referrals(conn, decode_shorturls(row.shorturls))
    conn.execute(update(p).where(mine).values(
        state="done", processed_at=now, status_flag=outcome.flag, status_code=outcome.code,
        status_info=outcome.info, result=encode_result(urls, reading.reactions), attempts=row.attempts + 1))
