"""SQLite WAL checkpoints for the click writer, on a thread of their own.

By default the connection that commits runs the checkpoint (copying the WAL back into the database, then fsync)
inside its commit once the WAL passes 1,000 pages, which every batch does: about a sixth of the writer's time at
1M clicks, and a third at 10M, where each 20,000-click batch dirties tens of thousands of pages scattered over a
multi-gigabyte file. Here the writer's connection only checkpoints as a safety net (`SAFETY_NET_PAGES`), and a
daemon thread with its own connection runs a PASSIVE checkpoint after each commit. SQLite releases the GIL while it
checkpoints, so the copy runs on the second core while the writer classifies the next batch. PASSIVE never blocks
the writer or readers; a checkpoint cut short by a crash is redone from the WAL at the next open.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from sqlalchemy import Connection, Engine

log = logging.getLogger("sharelytics.clicks")

# Pages the WAL may reach before the writer's own connection checkpoints (when the thread lags or has died):
# several batches' worth, so in the normal case only the thread checkpoints. At 20,000 pages, a 10M-click database
# had the writer checkpointing inside most commits (11,800 clicks/s against 17,900/s at 250,000): a backlog
# batch dirties about 15,000 pages there, and the thread's copy into the big file lags a few batches behind.
SAFETY_NET_PAGES = 250_000  # about 1 GB of WAL at 4 KiB pages
# What the WAL file is cut back to once a checkpoint lets it restart: no more than the safety net lets it reach.
# Not less: at 10M clicks a batch writes ~170 MB of frames, and a WAL cut below that regrows every batch, each
# frame then landing in new file space the kernel zeroes first (a seventh of the writer's CPU at 256 MB).
WAL_SIZE_LIMIT = SAFETY_NET_PAGES * 4096


class Checkpointer:
    """One daemon thread per database file, woken after each commit of the click writer."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._wanted = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sharelytics-checkpoint", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._wanted.set()

    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            while True:
                self._wanted.wait()
                self._wanted.clear()
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:  # e.g. the file went away; the writer's safety net still checkpoints
                    log.exception("background WAL checkpoint failed")
        finally:
            db.close()


_checkpointers: dict[str, Checkpointer] = {}
_lock = threading.Lock()


def checkpointer_for(engine: Engine) -> Checkpointer | None:
    """The checkpointer of the engine's database file; None for PostgreSQL and in-memory SQLite."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    with _lock:
        found = _checkpointers.get(path)
        if found is None or not found.alive():
            found = _checkpointers[path] = Checkpointer(path)
        return found


def defer_checkpoints(conn: Connection) -> None:
    """On the writer's connection: leave checkpoints to the thread, up to the safety net."""
    conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")
    conn.exec_driver_sql(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
