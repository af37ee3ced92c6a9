"""The batch writer: raw journaled clicks -> classified rows in `clicks` plus both rollups, in one transaction.

`ClickWriter.write` is the one function that stores a batch; the embedded journal drain below and the Redis stream
consumer (`stream.py`) both call it. Idempotent: a click id already in `clicks` is skipped and not counted again,
so a batch replayed after a crash between the commit and the segment deletion (or the XACK) changes nothing.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError

from sharelytics.core.clicks.classify import HUMAN, classify_agent, country_of, first_language, referrer_host
from sharelytics.core.clicks.journal import ClickRecord
from sharelytics.core.clicks.privacy import protect_ip, visitor_key
from sharelytics.core.clicks.rollups import upsert_rollups
from sharelytics.core.clicks.segments import ClaimedSegment, claim_segments
from sharelytics.core.clock import from_timestamp
from sharelytics.core.stats.cube import link_cells
from sharelytics.storage.tables import clicks, link_visitors, projects
from sharelytics.storage.upsert import dialect_insert

log = logging.getLogger("sharelytics.clicks")

DEFAULT_PRIVACY_MODE = "truncated"
MAX_ATTEMPTS = 10
# PostgreSQL: deadlock, serialization failure, and a link deleted between our lookup and our insert.
RETRYABLE_SQLSTATES = {"40P01", "40001", "23503"}


class ProjectPrivacy:
    """Privacy mode per project, read from the database and kept `ttl` seconds (a mode change applies soon)."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._modes: dict[int, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def modes(self, conn: Connection, project_ids: Iterable[int]) -> dict[int, str]:
        now = time.monotonic()
        with self._lock:
            wanted = set(project_ids)
            stale = [p for p in wanted if p not in self._modes or now - self._modes[p][1] > self.ttl]
            if stale:
                query = select(projects.c.id, projects.c.privacy_mode).where(projects.c.id.in_(stale))
                for project_id, mode in conn.execute(query):
                    self._modes[project_id] = (mode, now)
            return {p: self._modes[p][0] if p in self._modes else DEFAULT_PRIVACY_MODE for p in wanted}


def click_row(record: ClickRecord, project_id: int, privacy_mode: str, secret: str) -> dict[str, Any]:
    """The `clicks` row for one journaled click: classified, geolocated on the raw IP, then the IP protected."""
    agent = classify_agent(record.user_agent)
    return {
        "click_id": record.click_id,
        "link_id": record.link_id,
        "project_id": project_id,
        "clicked_at": from_timestamp(record.ts).replace(microsecond=0),
        "kind": agent.kind,
        "agent_name": agent.agent_name,
        "ip": protect_ip(record.ip, privacy_mode, secret),
        "country": country_of(record.ip),
        "referrer": record.referrer or None,
        "referrer_host": referrer_host(record.referrer),
        "browser": agent.browser,
        "os": agent.os,
        "device": agent.device,
        "accept_language": first_language(record.accept_language),
        "user_agent": record.user_agent or None,
    }


def _unique(records: Sequence[ClickRecord]) -> list[ClickRecord]:
    """One record per click id (a segment forwarded twice can put a click twice in one batch)."""
    seen: dict[str, ClickRecord] = {}
    for record in records:
        seen.setdefault(record.click_id, record)
    return list(seen.values())


def _is_retryable(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    if "database is locked" in message or "database table is locked" in message:
        return True
    return getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


@dataclass
class WriteResult:
    stored: int  # newly stored clicks
    duplicates: int  # already stored (a replay)
    dropped: int  # for links that no longer exist


def first_visits(conn: Connection, stored: Sequence[Mapping[str, Any]], visitors: Mapping[str, str | None]) -> set[str]:
    """The ids of the stored human clicks that were their visitor's first on the link (recorded in link_visitors,
    so unique clicks add up across batches and time)."""
    wanted: dict[tuple[int, str], str] = {}
    for row in sorted(stored, key=lambda r: r["clicked_at"]):
        visitor = visitors.get(row["click_id"])
        if row["kind"] == HUMAN and visitor:
            wanted.setdefault((row["link_id"], visitor), row["click_id"])
    if not wanted:
        return set()
    stmt = dialect_insert(conn)(link_visitors).on_conflict_do_nothing(
        index_elements=[link_visitors.c.link_id, link_visitors.c.visitor]
    ).returning(link_visitors.c.link_id, link_visitors.c.visitor)
    params = [{"link_id": link_id, "visitor": visitor} for link_id, visitor in sorted(wanted)]
    return {wanted[(link_id, visitor)] for link_id, visitor in conn.execute(stmt, params)}


class ClickWriter:
    """Stores batches of journaled clicks on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine, secret: str, *, privacy_ttl: float = 30.0) -> None:
        self.engine = engine
        self.secret = secret
        self.privacy = ProjectPrivacy(privacy_ttl)

    def write(self, records: Sequence[ClickRecord]) -> int:
        """Store a batch in one transaction, retrying on lock contention; returns how many clicks were new."""
        batch = _unique(records)
        if not batch:
            return 0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self.engine.begin() as conn:
                    result = self._write(conn, batch)
                break
            except DBAPIError as exc:
                if attempt == MAX_ATTEMPTS or not _is_retryable(exc):
                    raise
                # Another process holds the SQLite write lock, or PostgreSQL picked us as a deadlock victim.
                time.sleep(min(2.0, 0.02 * 2**attempt) * random.uniform(0.5, 1.5))
        if result.dropped:
            log.warning("dropped %d click(s) for links that no longer exist", result.dropped)
        return result.stored

    def _write(self, conn: Connection, batch: list[ClickRecord]) -> WriteResult:
        cells = link_cells(conn, {r.link_id for r in batch}, lock=True)
        project_of = {link_id: project_id for link_id, (project_id, _) in cells.items()}
        kept = [r for r in batch if r.link_id in project_of]
        modes = self.privacy.modes(conn, set(project_of.values()))
        rows = [click_row(r, project_of[r.link_id], modes[project_of[r.link_id]], self.secret) for r in kept]
        stored = self._insert_new(conn, rows)
        visitors = {r.click_id: visitor_key(r.ip, r.user_agent, self.secret) for r in kept}
        upsert_rollups(conn, stored, cells, first_visits(conn, stored, visitors))
        return WriteResult(len(stored), len(kept) - len(stored), len(batch) - len(kept))

    def _insert_new(self, conn: Connection, rows: list[dict[str, Any]]) -> list[Mapping[str, Any]]:
        """Insert the rows whose click id is new; the others (a replay) are skipped by the unique index."""
        if not rows:
            return []
        stmt = dialect_insert(conn)(clicks).on_conflict_do_nothing(index_elements=[clicks.c.click_id])
        inserted = {cid for (cid,) in conn.execute(stmt.returning(clicks.c.click_id), rows)}
        return [row for row in rows if row["click_id"] in inserted]

    def drain_journal(self, directory: Path, batch_size: int) -> int:
        """Store every sealed or orphaned segment in `directory`; returns how many clicks were new."""
        total = 0
        while True:
            claimed = list(claim_segments(directory, batch_size))
            if not claimed:
                return total
            total += self._store_segments(claimed, batch_size)

    def _store_segments(self, claimed: list[ClaimedSegment], batch_size: int) -> int:
        records = [record for segment in claimed for record in segment.records]
        stored = 0
        try:
            for start in range(0, len(records), batch_size):
                stored += self.write(records[start : start + batch_size])
        except BaseException:
            for segment in claimed:  # left in place: the next drain replays them, idempotently
                segment.release()
            raise
        for segment in claimed:
            segment.consume()
        return stored
