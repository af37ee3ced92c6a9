"""Job metrics and logs from huey's signals: each run's outcome counted by task and logged with its duration."""

from __future__ import annotations

import logging
import time
from typing import Any

from huey import Huey
from huey.signals import (
    SIGNAL_COMPLETE,
    SIGNAL_ERROR,
    SIGNAL_EXECUTING,
    SIGNAL_RETRYING,
)

from sharelytics.metrics import JOBS

log = logging.getLogger("sharelytics.jobs")
OUTCOMES = {SIGNAL_COMPLETE: "complete", SIGNAL_ERROR: "error", SIGNAL_RETRYING: "retrying"}


def observe(huey: Huey) -> None:
    started: dict[str, float] = {}  # task id -> perf_counter at start; each id runs in one consumer thread at a time

    @huey.signal(SIGNAL_EXECUTING)
    def executing(_signal: str, task: Any) -> None:
        started[task.id] = time.perf_counter()

    @huey.signal(SIGNAL_COMPLETE, SIGNAL_ERROR, SIGNAL_RETRYING)
    def finished(signal: str, task: Any, exc: BaseException | None = None) -> None:
        outcome = OUTCOMES[signal]
        JOBS.labels(task.name, outcome).inc()
        begun = started.pop(task.id, None) if signal != SIGNAL_RETRYING else started.get(task.id)
        level = logging.WARNING if signal == SIGNAL_ERROR else logging.INFO
        log.log(level, "job %s %s", task.name, outcome, extra={
            "event": "job", "task": task.name, "task_id": task.id, "outcome": outcome, "task_args": list(task.args or ()),
            "duration_ms": round((time.perf_counter() - begun) * 1000, 2) if begun else None,
            "error": repr(exc) if exc else None})
