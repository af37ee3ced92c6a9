"""Prometheus metrics: counters the hot paths bump, and gauges computed when /metrics is scraped.

Several processes count: `serve`'s uvicorn workers and the click-writer child. With PROMETHEUS_MULTIPROC_DIR set
(`serve` sets it under the data dir before any worker starts), prometheus_client keeps each process's values in a
memory-mapped file there and /metrics sums them; without it (tests, one process) the values live in memory.
Gauges of shared state (journal backlog, job queue) are read at scrape time, so no process has to keep them.
See docs/decisions/2026-11-23-metrics-multiprocess-files-and-scrape-time-gauges.md.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector

if TYPE_CHECKING:
    from sharelytics.app import Services

from sharelytics.metrics_dir import MULTIPROC_ENV

# prometheus_client chose in-memory or file-backed values when it was imported (just above): read the same answer.
MULTIPROCESS = bool(os.environ.get(MULTIPROC_ENV))

REDIRECTS = Counter("sharelytics_redirects_total", "Short-link answers by HTTP status (HEAD included).", ["status"])
# Bound children: the redirect does a dict look-up and one increment, never a label resolution.
REDIRECT_BY_STATUS = {status: REDIRECTS.labels(str(status)) for status in (301, 302, 404)}
CLICKS_CAPTURED = Counter("sharelytics_clicks_captured_total", "Clicks appended to the click journal.")
CLICKS_STORED = Counter("sharelytics_clicks_stored_total", "Clicks stored by the click writer (new ones only).")
JOBS = Counter("sharelytics_jobs_total", "Job runs by task and outcome (complete, error, retrying).",
               ["task", "outcome"])
PINGBACKS = Counter("sharelytics_pingbacks_total", "Pingback deliveries that ended: delivered or abandoned.",
                    ["outcome"])


def stored_clicks(count: int) -> int:
    """Count clicks the writer stored (where its batches are driven: pipeline, writer process, stream consumer)."""
    CLICKS_STORED.inc(count)
    return count


# Hot-path counts are plain per-process ints: in multiprocess mode a Counter's inc() writes its memory-mapped file
# (about 3 µs, as much as the rest of a redirect's Python), an int costs tens of nanoseconds. They are folded into
# the Counters when this process renders /metrics, at every click-pipeline step (0.5 s) and at exit, so /metrics
# sums every process's counts exactly, the other processes' within one step.
_redirects: dict[int, int] = {}  # status -> answers since start; written by the event loop only
_captured = [0]  # clicks journaled since start; written under the journal's lock
_folded: dict[int | str, int] = {}  # what the Counters already hold of the above
_fold_lock = threading.Lock()


def count_redirect(status: int) -> None:
    _redirects[status] = _redirects.get(status, 0) + 1


def count_captured() -> None:
    _captured[0] += 1


def _fold(key: int | str, total: int, counter: Counter) -> None:
    delta = total - _folded.get(key, 0)
    if delta:
        counter.inc(delta)
        _folded[key] = total


def fold_counts() -> None:
    """Move the hot-path counts not yet in the Counters into them (and so into this process's metric file)."""
    with _fold_lock:
        for status, total in _redirects.copy().items():  # copy(): atomic, while the event loop adds statuses
            _fold(status, total, REDIRECT_BY_STATUS.get(status) or REDIRECTS.labels(str(status)))
        _fold("captured", _captured[0], CLICKS_CAPTURED)


atexit.register(fold_counts)  # a worker that exits leaves its last counts in its file


class BacklogCollector(Collector):
    """Journal segments and bytes not yet stored, and jobs waiting, read when scraped."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterable[Metric]:
        segments, size = _journal_backlog(self.services.settings.journal_dir)
        yield GaugeMetricFamily("sharelytics_journal_segments", "Click-journal segments waiting for the writer.",
                                value=segments)
        yield GaugeMetricFamily("sharelytics_journal_bytes", "Bytes of click journal waiting for the writer.",
                                value=size)
        jobs = self.services.jobs
        if jobs is not None:
            yield GaugeMetricFamily("sharelytics_jobs_pending", "Jobs queued and not yet started.",
                                    value=jobs.huey.pending_count())
            yield GaugeMetricFamily("sharelytics_jobs_scheduled", "Jobs scheduled for later (retries, backoffs).",
                                    value=jobs.huey.scheduled_count())


def _journal_backlog(directory: Path) -> tuple[int, int]:
    segments = size = 0
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return 0, 0
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            size += entry.stat().st_size
            segments += 1
        except FileNotFoundError:  # stored and removed while we looked
            continue
    return segments, size


def render(services: Services) -> tuple[bytes, str]:
    """The exposition text: every process's counters (multiprocess) or this one's, plus the backlog gauges."""
    fold_counts()
    registry = CollectorRegistry()
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
        extra: list[CollectorRegistry] = []
    else:
        extra = [REGISTRY]
    registry.register(BacklogCollector(services))
    body = generate_latest(registry) + b"".join(generate_latest(r) for r in extra)
    return body, CONTENT_TYPE_LATEST
