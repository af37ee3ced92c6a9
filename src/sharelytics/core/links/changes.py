"""Changes that cached redirects must learn of, whichever process makes them.

Three things can change under a cached redirect (core/links/cache.py): a link is deleted, a project's settings
change (its redirect status), a domain is added or changed (root and not-found redirects). Each is written as a row
of `redirect_changes` in the transaction that makes it (`record_*`), and every serving process polls the table
about once a second (`ChangeWatcher`: one indexed read of the last `WINDOW` seconds, nearly always empty) and drops
what it cached for the change. A change thus reaches every redirect within about a second, and cached links need no
short expiry: re-reading them in the background cost the event loop a third of its throughput over 100,000 random
links (docs/decisions/2026-11-23-redirect-cache-learns-changes-from-a-change-log.md).

Polling by time, not by "id greater than the last seen": on PostgreSQL ids are handed out before commit, so a lower id
can become visible after a higher one. A change seen twice is applied twice, harmlessly.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import Connection, Engine, delete, insert, select

from sharelytics.core.clock import utcnow
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables import projects, redirect_changes

if TYPE_CHECKING:
    from sharelytics.core.links.cache import LinkCache

log = logging.getLogger("sharelytics.redirect")

LINK: Final = "link"
PROJECT: Final = "project"
DOMAIN: Final = "domain"
POLL_INTERVAL: Final = 1.0  # seconds between two reads of the change log
WINDOW: Final = 120.0  # seconds of changes each read covers: late commits and clock skew between processes
KEPT: Final = timedelta(days=1)  # rows older than this are deleted by the next change recorded


def record_link_deleted(conn: Connection, awesm_id: str) -> None:
    _record(conn, LINK, awesm_id)


def record_project_changed(conn: Connection, project_id: int) -> None:
    _record(conn, PROJECT, str(project_id))


def record_domain_changed(conn: Connection, host_key: str) -> None:
    _record(conn, DOMAIN, host_key.lower())


def _record(conn: Connection, kind: str, subject: str) -> None:
    now = utcnow()
    conn.execute(delete(redirect_changes).where(redirect_changes.c.changed_at < now - KEPT))
    conn.execute(insert(redirect_changes).values(kind=kind, subject=subject, changed_at=now))


class ChangeWatcher:
    """Applies the change log to one process's link cache: `poll()` once, or `start()` a thread that polls."""

    def __init__(self, engine: Engine, cache: "LinkCache", interval: float = POLL_INTERVAL) -> None:
        self.engine = read_only(engine)  # deferred on SQLite: never queues behind the click writer
        self.cache = cache
        self.interval = interval
        self._applied: dict[int, float] = {}  # change id -> when it was applied (UTC seconds)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> int:
        """Drop from the cache what the changes of the last WINDOW seconds touched; returns how many were new."""
        now = utcnow()
        query = select(redirect_changes.c.id, redirect_changes.c.kind, redirect_changes.c.subject).where(
            redirect_changes.c.changed_at >= now - timedelta(seconds=WINDOW))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        stamp = now.timestamp()
        new = [row for row in rows if row.id not in self._applied]
        for row in new:
            self._apply(row.kind, row.subject)
            self._applied[row.id] = stamp
        self._applied = {change: at for change, at in self._applied.items() if at > stamp - 2 * WINDOW}
        return len(new)

    def _apply(self, kind: str, subject: str) -> None:
        if kind == LINK:
            self.cache.forget(subject)
        elif kind == PROJECT:
            project_id = int(subject)
            with self.engine.connect() as conn:
                status = conn.execute(select(projects.c.redirect_status).where(projects.c.id == project_id)).scalar()
            if status is None:
                self.cache.forget_project(project_id)
            else:
                self.cache.set_project_status(project_id, int(status))
        elif kind == DOMAIN:
            self.cache.forget_domain(subject)

    def start(self) -> "ChangeWatcher":
        """Poll on a daemon thread until `stop()`. The first read applies the whole window again: a change that
        committed while the cache was being warmed is not missed, at the price of a few re-reads."""
        self._thread = threading.Thread(target=self._run, name="sharelytics-redirect-changes", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception:  # the database is away: cached entries stand until it is back (or they expire)
                log.exception("reading the redirect change log failed")
