"""Idempotency for networks without an idempotency header (X, Facebook, LinkedIn).

Per identity and idempotency key the store keeps when the first attempt started and, once known, what it
published. An attempt whose answer was lost stays *pending*: the next call looks for the post on the network
(posted since the attempt started, with the same text) before it sends anything again
(docs/decisions/2026-11-23-idempotent-publishing-without-an-idempotency-header.md).

`MemoryIdempotencyStore` serves one process (tests, the embedded server's in-process jobs);
`SqliteIdempotencyStore` keeps entries in a file so a job retried by another process after a crash still finds
the pending attempt.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sharelytics.core.clock import utcnow
from sharelytics.core.providers.model import Published

KEEP = timedelta(days=7)  # longer than any job's retry schedule; older entries are pruned


@dataclass(frozen=True)
class Attempt:
    started_at: datetime  # naive UTC
    published: Published | None = None


class IdempotencyStore(Protocol):
    def get(self, identity: str, key: str) -> Attempt | None: ...

    def begin(self, identity: str, key: str, started_at: datetime) -> Attempt:
        """Record a pending attempt; an existing entry keeps its earlier start (the window to search)."""
        ...

    def complete(self, identity: str, key: str, published: Published) -> None: ...

    def forget(self, identity: str, key: str) -> None: ...

    def post_ids(self, identity: str) -> frozenset[str]:
        """Posts already credited to some key of the identity (never credited to another one)."""
        ...


class MemoryIdempotencyStore:
    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], Attempt] = {}
        self._lock = threading.Lock()

    def get(self, identity: str, key: str) -> Attempt | None:
        with self._lock:
            return self._entries.get((identity, key))

    def begin(self, identity: str, key: str, started_at: datetime) -> Attempt:
        with self._lock:
            self._prune(started_at)
            entry = self._entries.get((identity, key))
            if entry is None:
                entry = Attempt(started_at)
                self._entries[(identity, key)] = entry
            return entry

    def complete(self, identity: str, key: str, published: Published) -> None:
        with self._lock:
            entry = self._entries.get((identity, key))
            self._entries[(identity, key)] = Attempt(entry.started_at if entry else utcnow(), published)

    def forget(self, identity: str, key: str) -> None:
        with self._lock:
            self._entries.pop((identity, key), None)

    def post_ids(self, identity: str) -> frozenset[str]:
        with self._lock:
            return frozenset(a.published.post_id for (who, _), a in self._entries.items()
                             if who == identity and a.published is not None)

    def _prune(self, now: datetime) -> None:
        for entry_key in [k for k, a in self._entries.items() if a.started_at < now - KEEP]:
            del self._entries[entry_key]


_SCHEMA = """CREATE TABLE IF NOT EXISTS provider_idempotency (
    identity TEXT NOT NULL, key TEXT NOT NULL, started_at TEXT NOT NULL,
    post_id TEXT, post_url TEXT, published_at TEXT, reach INTEGER,
    PRIMARY KEY (identity, key))"""


class SqliteIdempotencyStore:
    """One small SQLite file (WAL), shared by the processes of one host; a connection per call keeps threads
    apart and lets SQLite serialise writers."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level="IMMEDIATE")

    def get(self, identity: str, key: str) -> Attempt | None:
        with self._connect() as conn:
            row = conn.execute("SELECT started_at, post_id, post_url, published_at, reach FROM provider_idempotency"
                               " WHERE identity = ? AND key = ?", (identity, key)).fetchone()
        return _attempt(row) if row else None

    def begin(self, identity: str, key: str, started_at: datetime) -> Attempt:
        with self._connect() as conn:
            conn.execute("DELETE FROM provider_idempotency WHERE started_at < ?",
                         ((started_at - KEEP).isoformat(),))
            conn.execute("INSERT OR IGNORE INTO provider_idempotency (identity, key, started_at) VALUES (?, ?, ?)",
                         (identity, key, started_at.isoformat()))
            row = conn.execute("SELECT started_at, post_id, post_url, published_at, reach FROM provider_idempotency"
                               " WHERE identity = ? AND key = ?", (identity, key)).fetchone()
        return _attempt(row)

    def complete(self, identity: str, key: str, published: Published) -> None:
        with self._connect() as conn:
            conn.execute("INSERT INTO provider_idempotency (identity, key, started_at, post_id, post_url,"
                         " published_at, reach) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (identity, key) DO UPDATE"
                         " SET post_id = excluded.post_id, post_url = excluded.post_url,"
                         " published_at = excluded.published_at, reach = excluded.reach",
                         (identity, key, utcnow().isoformat(), published.post_id, published.post_url,
                          published.published_at.isoformat(), published.reach))

    def forget(self, identity: str, key: str) -> None:
        with self._connect() as conn:
            conn.execute("DELETE FROM provider_idempotency WHERE identity = ? AND key = ?", (identity, key))

    def post_ids(self, identity: str) -> frozenset[str]:
        with self._connect() as conn:
            rows = conn.execute("SELECT post_id FROM provider_idempotency WHERE identity = ? AND post_id IS NOT NULL",
                                (identity,)).fetchall()
        return frozenset(r[0] for r in rows)


def _attempt(row: tuple[str, str | None, str | None, str | None, int | None]) -> Attempt:
    started, post_id, post_url, published_at, reach = row
    published = None
    if post_id is not None:
        published = Published(post_id=post_id, post_url=post_url or "",
                              published_at=datetime.fromisoformat(published_at or started), reach=reach)
    return Attempt(datetime.fromisoformat(started), published)
