"""Structured logs: one JSON object per line when SHARELYTICS_LOG_FORMAT=json, for API requests, jobs and
pingback deliveries (never for each redirect: those are counted in /metrics instead).

Fields beyond the message are passed as `extra=` and written as top-level keys, so a log pipeline can filter on
`event`, `status`, `task` or `delivery_id` without parsing text.
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Attributes every LogRecord has: whatever else is on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
QUIET_PREFIXES = ("/dashboard/static/", "/metrics")  # scraped or cached: logging them would be noise

http_log = logging.getLogger("sharelytics.http")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_json_logging(level: str) -> None:
    """Route every logger (ours, uvicorn's, huey's) through one JSON handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper() if level.lower() != "trace" else "DEBUG")
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "huey"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


class RequestLog:
    """Pure ASGI: one log line per API or dashboard request, with method, path, status and duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(QUIET_PREFIXES):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_seen(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_seen)
        finally:
            if http_log.isEnabledFor(logging.INFO):  # building the record's fields costs more than the check
                _log_request(scope, status, started)


def _log_request(scope: Scope, status: int, started: float) -> None:
    client = scope.get("client")
    http_log.info("%s %s %d", scope["method"], scope["path"], status, extra={
        "event": "request", "method": scope["method"], "path": scope["path"], "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        "client": client[0] if client else None})
