"""The embedded click writer as a child process of a serve process.

Classifying and storing clicks costs tens of microseconds each; in a thread of the server it would take the GIL
from the redirect. A child process at the lowest scheduling priority drains the journal instead, and holds off
while the server is saturated (`ServerLoad`), for up to `click_writer_defer` seconds of unstored clicks: even an
idle-priority writer took a third of a CPU from the gaps of a saturating load and cost the redirect 10-25 % of its
throughput (2 vCPUs share caches, maybe a core). The durable journal absorbs the burst, which drains when the load
drops or the deferral runs out (docs/decisions/2026-11-23-click-writer-holds-off-while-the-server-is-saturated.md).
Segments are claimed with flock, so the child, the parent's own `flush()` and other processes never store one
twice. A child whose parent died exits; the next start recovers whatever was left.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

from sharelytics.config import Settings
from sharelytics.core.clicks.segments import oldest_segment_age
from sharelytics.metrics import stored_clicks

log = logging.getLogger("sharelytics.clicks")

NICENESS = 19  # the lowest: under saturation the redirect keeps the CPU, the durable journal absorbs the backlog
BUSY_SHARE = 0.75  # of one CPU, used by the server process over the probe: its event loop is near its limit
# Seconds over which the server's load is read just before each step. A window reaching back to the previous step
# could start before a burst and read it as idle: the writer would then take a CPU from the burst's first second.
LOAD_PROBE = 0.2
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
    writer = ClickWriter(engine, settings.secret, cache_mb=settings.click_writer_cache_mb)
    server = ServerLoad(parent_pid)
    delay = 0.0
    try:
        while not stop.wait(delay):
            if os.getppid() != parent_pid:
                return  # the server is gone; whoever starts next recovers the journal
            server.busy()  # opens a fresh window
            if stop.wait(LOAD_PROBE):
                break
            if holding_off(server.busy(), oldest_segment_age(settings.journal_dir), settings.click_writer_defer):
                delay = settings.flush_interval
                continue
            try:
                stored_clicks(writer.drain_journal(settings.journal_dir, settings.flush_batch, stop))
                delay = settings.flush_interval
            except Exception:
                delay = min(MAX_BACKOFF, max(settings.flush_interval, delay * 2))
                log.exception("click writer step failed; retrying in %.1fs", delay)
    finally:
        engine.dispose()


def holding_off(server_busy: bool, waited: float, defer: float) -> bool:
    """Whether the writer skips this step: the server is saturated and the oldest click has waited under `defer`."""
    return defer > 0 and server_busy and waited < defer


class ServerLoad:
    """How busy a process was between two looks, from /proc/<pid>/stat (Linux); elsewhere never busy."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._last = self._sample()

    def _sample(self) -> tuple[float, float] | None:
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), time.monotonic()  # utime + stime

    def busy(self) -> bool:
        """Whether the process used at least BUSY_SHARE of a CPU since the previous call (or construction)."""
        now, last = self._sample(), self._last
        self._last = now
        if now is None or last is None or now[1] <= last[1]:
            return False
        return (now[0] - last[0]) / (now[1] - last[1]) >= BUSY_SHARE


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
