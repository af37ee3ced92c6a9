"""The embedded click writer as a child process of a serve process.

Classifying and storing clicks costs tens of microseconds each; in a thread of the server it would take the GIL
from the redirect. A child process at a lower scheduling priority drains the journal instead: under saturation
the redirect keeps the CPU and the (durable) journal absorbs the backlog, which drains as soon as load drops.
Segments are claimed with flock, so the child, the parent's own `flush()` and other processes never store one
twice. A child whose parent died exits; the next start recovers whatever was left.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading

from sharelytics.config import Settings
from sharelytics.metrics import stored_clicks

log = logging.getLogger("sharelytics.clicks")

NICENESS = 19  # the lowest: under saturation the redirect keeps the CPU, the durable journal absorbs the backlog
MAX_BACKOFF = 10.0
STOP_TIMEOUT = 60.0


def _drain_until_stopped(settings: Settings, parent_pid: int) -> None:
    from sharelytics.core.clicks.writer import ClickWriter
    from sharelytics.storage.engine import make_engine

    # SIGTERM (from the parent, or sent to the whole process group) finishes the transaction in hand, then exits,
    # leaving the rest of the backlog in the journal (the parent drains it at full priority, or the next start);
    # Ctrl-C in a terminal reaches the whole group, and the parent decides. No shared multiprocessing primitive: one
    # whose waiter dies can hang whoever signals it.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.nice(NICENESS)
    except OSError:  # not permitted here: run at the same priority
        pass
    engine = make_engine(settings.effective_database_url)
    writer = ClickWriter(engine, settings.secret)
    delay = 0.0
    try:
        while not stop.wait(delay):
            if os.getppid() != parent_pid:
                return  # the server is gone; whoever starts next recovers the journal
            try:
                stored_clicks(writer.drain_journal(settings.journal_dir, settings.flush_batch, stop))
                delay = settings.flush_interval
            except Exception:
                delay = min(MAX_BACKOFF, max(settings.flush_interval, delay * 2))
                log.exception("click writer step failed; retrying in %.1fs", delay)
    finally:
        engine.dispose()


class WriterProcess:
    """Start, supervise and stop the child that drains the journal into the database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._context = multiprocessing.get_context("spawn")  # no inherited threads, locks or connections
        self._stopping = False
        self._process: multiprocessing.process.BaseProcess | None = None

    def start(self) -> None:
        self._process = self._context.Process(
            target=_drain_until_stopped,
            args=(self.settings, os.getpid()),
            name="sharelytics-click-writer",
            daemon=True,
        )
        self._process.start()

    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def ensure_running(self) -> None:
        """Restart a child that died (it never should: its loop catches everything)."""
        if self._process is not None and not self._process.is_alive() and not self._stopping:
            log.warning("click writer process exited (code %s); starting a new one", self._process.exitcode)
            self.start()

    def stop(self) -> None:
        """Ask the child to finish its transaction and exit (one batch, not the backlog: the journal keeps the
        rest); a child that does not is killed (the kernel releases its segment locks, and the segments are
        replayed idempotently)."""
        self._stopping = True
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.terminate()  # SIGTERM: the child's handler lets it finish its batch
        self._process.join(STOP_TIMEOUT)
        if self._process.is_alive():
            log.warning("click writer process did not stop in %.0fs; killing it", STOP_TIMEOUT)
            self._process.kill()
            self._process.join(5)
        self._process = None
