"""The click pipeline of one serve process: a background thread that moves journaled clicks onward.

Embedded mode: journal -> database (`ClickWriter.drain_journal`), by a child process (`writer_process.py`) while
this thread only seals segments, or by this thread itself with `SHARELYTICS_CLICK_WRITER=thread`. Redis mode: journal -> Redis stream
(`ClickForwarder`), consumed by `sharelytics worker`; `flush()` consumes too, so a lone serve process works.
Every step first seals this process's current segment, then takes every claimable segment in the journal
directory: its own, those of sibling worker processes that sealed theirs, and orphans of dead processes.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import redis

from sharelytics.core.clicks.journal import ClickJournal
from sharelytics.core.clicks.segments import sweep_unpublished
from sharelytics.core.clicks.stream import ClickConsumer, ClickForwarder
from sharelytics.core.clicks.writer import ClickWriter
from sharelytics.core.clicks.writer_process import WriterProcess
from sharelytics.metrics import fold_counts, stored_clicks

if TYPE_CHECKING:
    from sharelytics.app import Services

log = logging.getLogger("sharelytics.clicks")

# Longest pause after a failed step (the database or Redis is down): retried, never given up.
MAX_BACKOFF = 10.0


class ClickPipeline:
    """Drains the journal on a background thread; `flush()` and `stop()` drain synchronously."""

    def __init__(
        self,
        journal: ClickJournal,
        writer: ClickWriter,
        *,
        batch_size: int,
        interval: float,
        forwarder: ClickForwarder | None = None,
        consumer: ClickConsumer | None = None,
        writer_process: WriterProcess | None = None,
    ) -> None:
        self.journal = journal
        self.writer = writer
        self.batch_size = batch_size
        self.interval = interval
        self.forwarder = forwarder
        self.consumer = consumer
        self.writer_process = writer_process  # embedded: the child that stores clicks; this thread only seals
        self._lock = threading.Lock()  # one drain at a time in this process
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def redis_mode(self) -> bool:
        return self.forwarder is not None

    def start(self) -> "ClickPipeline":
        sweep_unpublished(self.journal.directory)
        if self.writer_process is not None:
            try:
                self.writer_process.start()
            except (AssertionError, OSError) as exc:  # e.g. a daemonic parent may not have children
                log.warning("click writer process unavailable (%s); storing clicks in a thread instead", exc)
                self.writer_process = None
        self._thread = threading.Thread(target=self._run, name="sharelytics-clicks", daemon=True)
        self._thread.start()
        return self

    def flush(self) -> int:
        """Move everything journaled so far into the database; returns how many clicks were newly stored."""
        with self._lock:
            self.journal.rotate()
            if self.forwarder is None:
                return stored_clicks(self.writer.drain_journal(self.journal.directory, self.batch_size))
            self.forwarder.forward()
            return self.consumer.drain() if self.consumer is not None else 0

    def stop(self) -> None:
        """Stop the thread, then drain: to the database (embedded) or into the stream (Redis). Never raises."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.writer_process is not None:
            self.writer_process.stop()
        try:
            with self._lock:
                self.journal.rotate()
                self._step()
        except Exception:
            # Nothing is lost: the segments stay in the journal and the next start replays them.
            log.exception("could not drain the click journal at shutdown; it is replayed at the next start")
        finally:
            if self.forwarder is not None:
                self.forwarder.client.close()

    def _step(self) -> int:
        if self.forwarder is not None:
            return self.forwarder.forward()
        return stored_clicks(self.writer.drain_journal(self.journal.directory, self.batch_size))

    def _background_step(self) -> None:
        """Seal this process's segment and open its next one (off the event loop: see `ClickJournal.rotate`); store
        clicks here only when no writer process does it."""
        if self.writer_process is not None:
            self.journal.rotate(reopen=True)
            self.writer_process.ensure_running()
            return
        with self._lock:
            self.journal.rotate(reopen=True)
            self._step()

    def _run(self) -> None:
        # The first step runs at once: it recovers what dead processes left in the journal.
        delay = 0.0
        while not self._stopping.wait(delay):
            fold_counts()  # this process's redirect counts into its metric file, for whichever process is scraped
            try:
                self._background_step()
                delay = self.interval
            except Exception:
                delay = min(MAX_BACKOFF, max(self.interval, delay * 2))
                log.exception("click pipeline step failed; retrying in %.1fs", delay)


def start_pipeline(services: "Services") -> ClickPipeline:
    """Build this process's pipeline from the services and start its thread."""
    settings = services.settings
    writer = ClickWriter(services.engine, settings.secret, cache_mb=settings.click_writer_cache_mb)
    forwarder = consumer = None
    if settings.redis_url:
        client = redis.Redis.from_url(settings.redis_url)
        forwarder = ClickForwarder(client, services.journal.directory, settings.flush_batch)
        consumer = ClickConsumer(client, writer, settings.flush_batch)
    process = WriterProcess(settings) if forwarder is None and settings.click_writer == "process" else None
    pipeline = ClickPipeline(
        services.journal,
        writer,
        batch_size=settings.flush_batch,
        interval=settings.flush_interval,
        forwarder=forwarder,
        consumer=consumer,
        writer_process=process,
    )
    return pipeline.start()
