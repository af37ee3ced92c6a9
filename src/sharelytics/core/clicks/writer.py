"""The batch writer: raw journaled clicks -> classified rows in `clicks` plus both rollups, in one transaction.

`ClickWriter.write` is the one function that stores a batch; the embedded journal drain below and the Redis stream
consumer (`stream.py`) both call it. Idempotent: a click id already in `clicks` is skipped and not counted again,
so a batch replayed after a crash between the commit and the segment deletion (or the XACK) changes nothing.
"""

from __future__ import annotations

import gc
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError

from sharelytics.core.clicks.checkpoint import Checkpointer, checkpointer_for, defer_checkpoints
from sharelytics.core.clicks.classify import (
    HUMAN,
    classify_agent,
    country_of,
    first_language,
    referrer_host,
)
from sharelytics.core.clicks.journal import ClickRecord
from sharelytics.core.clicks.privacy import protect_ip, visitor_key
from sharelytics.core.clicks.rollups import StoredClick, second_to_db, upsert_rollups
from sharelytics.core.clicks.segments import ClaimedSegment, claim_segments
from sharelytics.core.stats.cube import link_cells
from sharelytics.storage.tables import clicks, link_visitors, projects
from sharelytics.storage.upsert import insert_returning

log = logging.getLogger("sharelytics.clicks")

DEFAULT_PRIVACY_MODE = "truncated"
MAX_ATTEMPTS = 10
# PostgreSQL: deadlock, serialization failure, and a link deleted between our lookup and our insert.
RETRYABLE_SQLSTATES = {"40P01", "40001", "23503"}
# SQLite page cache of a connection that stores clicks (Settings.click_writer_cache_mb): the B-trees it inserts
# into outgrow the default 2 MiB within a million clicks, and every miss is a read from the OS cache inside the
# write lock. Filled only as pages are read, so a small database never uses it all.
DEFAULT_CACHE_MB = 512


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


CLICK_COLUMNS = ("click_id", "link_id", "project_id", "clicked_at", "kind", "agent_name", "ip", "country", "referrer",
                 "referrer_host", "browser", "os", "device", "accept_language", "user_agent", "hour")


@lru_cache(maxsize=262_144)
def _address(raw: str | None, privacy_mode: str, secret: str) -> tuple[str | None, str | None]:
    """(country, the IP as the privacy mode keeps it), once per distinct address and mode."""
    return country_of(raw), protect_ip(raw, privacy_mode, secret)


@lru_cache(maxsize=65_536)
def _agent_parts(user_agent: str | None) -> tuple[str, str | None, str | None, str | None, str | None, str, str, str]:
    """classify_agent's answer as the row takes it: kind, agent, browser, os, device, then the last three as the
    rollups key them ("" for unknown)."""
    agent = classify_agent(user_agent)
    return (agent.kind, agent.agent_name, agent.browser, agent.os, agent.device,
            agent.browser or "", agent.os or "", agent.device or "")


@lru_cache(maxsize=16_384)
def _referrer_parts(referrer: str | None) -> tuple[str | None, str | None, str]:
    """The referrer as stored, its host, and the host as the rollups key it."""
    host = referrer_host(referrer)
    return referrer or None, host, host or ""


def click_rows(records: Iterable[ClickRecord], owners: Mapping[int, tuple[int, str]], secret: str,
               to_db: Callable[[int], Any]) -> tuple[list[tuple[Any, ...]], list[StoredClick]]:
    """The `clicks` rows of journaled clicks (tuples in CLICK_COLUMNS order): classified, geolocated on the raw IP,
    then the IP protected; and what the rollups need of each. `owners`: link id -> (project id, privacy mode).
    One loop for the batch, not a call per click: the calls were a tenth of this work."""
    rows = []
    stored = []
    for record in records:
        kind, agent_name, browser, os_name, device, browser_key, os_key, device_key = _agent_parts(record.user_agent)
        link_id = record.link_id
        project_id, privacy_mode = owners[link_id]
        country, ip = _address(record.ip, privacy_mode, secret)
        referrer, host, host_key = _referrer_parts(record.referrer)
        second = int(record.ts)
        hour = second - second % 3600
        rows.append((record.click_id, link_id, project_id, to_db(second), kind, agent_name, ip, country, referrer,
                     host, browser, os_name, device, first_language(record.accept_language),
                     record.user_agent or None, to_db(hour)))
        facet = (link_id, hour, kind, country or "", host_key, browser_key, os_key, device_key)
        stored.append(_stored((record.click_id, second, facet)))
    return rows, stored


_stored = StoredClick._make  # no keyword handling: a tenth of a microsecond per click


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


def _tune(conn: Connection, checkpointer: Checkpointer | None, cache_mb: int) -> None:
    """Once per pooled SQLite connection: a page cache the size of the writer's working set, and WAL checkpoints
    left to the checkpoint thread."""
    if conn.dialect.name == "sqlite" and not conn.info.get("click_writer"):
        conn.exec_driver_sql(f"PRAGMA cache_size=-{max(int(cache_mb), 2) * 1024}")
        if checkpointer is not None:
            defer_checkpoints(conn)
        conn.info["click_writer"] = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one batch. A batch allocates a few hundred thousand tuples that
    live until its end; each few hundred allocations start a collection, and the survivors push the older
    generations (the classification caches: the whole heap) into full collections, a tenth of the writer's CPU.
    The batch makes no reference cycles: reference counting frees it all when it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def links_checked_here(conn: Connection) -> Iterator[None]:
    """SQLite: foreign keys unchecked for the writer's transaction, restored before the connection goes back to the
    pool. The checks are redundant here, and a B-tree search of `links` (or `projects`) for each of the 4-5 rows a
    click inserts: every link id written was just read from `links` by `link_cells` in the same transaction, which
    holds the write lock from its BEGIN IMMEDIATE (storage/engine.py), so no link can go away before the commit.
    Deleting a link still cascades: that is the deleting connection's check. PostgreSQL: unchanged (no such switch;
    a link deleted concurrently fails the insert with 23503, retried)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    dbapi_connection = conn.connection.dbapi_connection
    assert dbapi_connection is not None  # checked out: pool reset ended any transaction (the PRAGMA needs none)
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        try:
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            conn.invalidate()  # never back to the pool unchecked
            raise


@dataclass
class WriteResult:
    stored: int  # newly stored clicks
    duplicates: int  # already stored (a replay)
    dropped: int  # for links that no longer exist


def first_visits(conn: Connection, stored: Sequence[StoredClick], records: Mapping[str, ClickRecord],
                 secret: str) -> set[str]:
    """The ids of the stored human clicks that were their visitor's first on the link (recorded in link_visitors,
    so unique clicks add up across batches and time). `records`: the journaled click of each stored click id."""
    wanted: dict[tuple[int, str], str] = {}
    for click_id, _, facet in sorted(stored, key=_second):
        if facet[2] == HUMAN:
            record = records[click_id]
            visitor = visitor_key(record.ip, record.user_agent, secret)
            if visitor:
                wanted.setdefault((facet[0], visitor), click_id)
    if not wanted:
        return set()
    inserted = insert_returning(conn, link_visitors, ("link_id", "visitor"), ("link_id", "visitor"),
                                "link_id, visitor", sorted(wanted))
    return {wanted[(int(link_id), visitor)] for link_id, visitor in inserted}


_second = itemgetter(1)  # StoredClick.second


class ClickWriter:
    """Stores batches of journaled clicks on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine, secret: str, *, privacy_ttl: float = 30.0,
                 cache_mb: int = DEFAULT_CACHE_MB) -> None:
        self.engine = engine
        self.secret = secret
        self.cache_mb = cache_mb
        self.privacy = ProjectPrivacy(privacy_ttl)
        self.checkpointer = checkpointer_for(engine)

    def write(self, records: Sequence[ClickRecord]) -> int:
        """Store a batch in one transaction, retrying on lock contention; returns how many clicks were new."""
        batch = _unique(records)
        if not batch:
            return 0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with collector_paused(), self.engine.connect() as conn, links_checked_here(conn), conn.begin():
                    result = self._write(conn, batch)
                break
            except DBAPIError as exc:
                if attempt == MAX_ATTEMPTS or not _is_retryable(exc):
                    raise
                # Another process holds the SQLite write lock, or PostgreSQL picked us as a deadlock victim.
                time.sleep(min(2.0, 0.02 * 2**attempt) * random.uniform(0.5, 1.5))
        if self.checkpointer is not None:
            self.checkpointer.request()
        if result.dropped:
            log.warning("dropped %d click(s) for links that no longer exist", result.dropped)
        return result.stored

    def _write(self, conn: Connection, batch: list[ClickRecord]) -> WriteResult:
        _tune(conn, self.checkpointer, self.cache_mb)
        cells = link_cells(conn, {r.link_id for r in batch}, lock=True)
        kept = [r for r in batch if r.link_id in cells]
        modes = self.privacy.modes(conn, {project_id for project_id, _ in cells.values()})
        owners = {link_id: (project_id, modes[project_id]) for link_id, (project_id, _) in cells.items()}
        rows, made = click_rows(kept, owners, self.secret, second_to_db(conn))
        stored = self._insert_new(conn, rows, made)
        records = {r.click_id: r for r in kept}
        upsert_rollups(conn, stored, cells, first_visits(conn, stored, records, self.secret))
        return WriteResult(len(stored), len(kept) - len(stored), len(batch) - len(kept))

    def _insert_new(self, conn: Connection, rows: list[tuple[Any, ...]],
                    made: list[StoredClick]) -> list[StoredClick]:
        """Insert the rows whose click id is new; the others (a replay) are skipped by the unique index. Returns
        the `made` entries (one per row, in order) of the rows inserted."""
        if not rows:
            return []
        inserted = set(insert_returning(conn, clicks, CLICK_COLUMNS, ("click_id",), "click_id", rows))
        if len(inserted) == len(rows):
            return made
        return [stored for stored in made if stored.click_id in inserted]

    def drain_journal(self, directory: Path, batch_size: int, stop: threading.Event | None = None) -> int:
        """Store every sealed or orphaned segment in `directory`; returns how many clicks were new. A set `stop`
        ends the drain between transactions: whatever is not stored stays in the journal for the next drain."""
        total = 0
        while stop is None or not stop.is_set():
            claimed = list(claim_segments(directory, batch_size))
            if not claimed:
                break
            total += self._store_segments(claimed, batch_size, stop)
        return total

    def _store_segments(self, claimed: list[ClaimedSegment], batch_size: int, stop: threading.Event | None) -> int:
        records = [record for segment in claimed for record in segment.records]
        stored = written = 0
        try:
            while written < len(records) and not (written and stop is not None and stop.is_set()):
                stored += self.write(records[written : written + batch_size])
                written = min(len(records), written + batch_size)
        except BaseException:
            for segment in claimed:  # left in place: the next drain replays them, idempotently
                segment.release()
            raise
        end = 0
        for segment in claimed:
            end += len(segment.records)
            if end <= written:
                segment.consume()
            else:  # stopped part-way: given back whole; its replay skips the clicks already stored
                segment.release()
        return stored
