"""What tests and demos turn on a network: artificial latency, a rate limit with the network's own headers, and
forced failures (429, 5xx) for the next N matching requests. A pure ASGI middleware applies them."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NetworkName = str


@dataclass
class Fault:
    status: int
    remaining: int
    retry_after: int = 1
    path: str = ""  # only requests whose path (after the network prefix) contains this


@dataclass
class Controls:
    """Per network. `limit` requests per `window` seconds per token (or per client without one)."""

    limit: int = 300
    window: int = 300
    latency: float = 0.0
    faults: list[Fault] = field(default_factory=list)
    _counters: dict[str, tuple[float, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self._counters.clear()

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.path in path:
                    fault.remaining -= 1
                    return fault
            self.faults = [f for f in self.faults if f.remaining > 0]
        return None

    def spend(self, key: str, now: float) -> tuple[int, float, bool]:
        """(remaining, reset epoch, allowed) for one request in a fixed window."""
        with self._lock:
            start, used = self._counters.get(key, (now, 0))
            if now >= start + self.window:
                start, used = now, 0
            used += 1
            self._counters[key] = (start, used)
            return max(self.limit - used, 0), start + self.window, used <= self.limit


@dataclass(frozen=True)
class Dialect:
    """How a network spells rate headers and errors."""

    headers: Callable[[int, int, float], list[tuple[str, str]]]
    rate_limited: dict[str, str]
    server_error: Callable[[int], dict[str, str]]


def _mastodon_headers(limit: int, remaining: int, reset: float) -> list[tuple[str, str]]:
    iso = datetime.fromtimestamp(reset, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # ISO 8601, 6 fractional digits
    return [("x-ratelimit-limit", str(limit)), ("x-ratelimit-remaining", str(remaining)), ("x-ratelimit-reset", iso)]


def _bluesky_headers_for(window: Callable[[], int]) -> Callable[[int, int, float], list[tuple[str, str]]]:
    def headers(limit: int, remaining: int, reset: float) -> list[tuple[str, str]]:
        return [("ratelimit-limit", str(limit)), ("ratelimit-remaining", str(remaining)),
                ("ratelimit-reset", str(int(reset))), ("ratelimit-policy", f"{limit};w={window()}")]
    return headers


MASTODON = Dialect(_mastodon_headers, {"error": "Too many requests"},
                   lambda status: {"error": "Remote data could not be fetched" if status == 503 else
                                   "We're sorry, but something went wrong on our end."})
_BLUESKY_ERRORS = {500: "InternalServerError", 502: "UpstreamFailure", 503: "NotEnoughResources",
                   504: "UpstreamTimeout"}


def bluesky_dialect(controls: Controls) -> Dialect:
    return Dialect(_bluesky_headers_for(lambda: controls.window),
                   {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                   lambda status: {"error": _BLUESKY_ERRORS.get(status, "InternalServerError"),
                                   "message": "Internal Server Error"})


class ControlsMiddleware:
    def __init__(self, app: ASGIApp, controls: Controls, dialect: Dialect) -> None:
        self.app, self.controls, self.dialect = app, controls, dialect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.controls.latency > 0:
            await asyncio.sleep(self.controls.latency)
        now = time.time()
        fault = self.controls.take_fault(relative_path(scope))
        remaining, reset, allowed = self.controls.spend(caller(scope), now)
        if fault is not None and fault.status == 429:
            headers = self.dialect.headers(self.controls.limit, 0, now + fault.retry_after)
            await reply(send, 429, self.dialect.rate_limited, headers + [("retry-after", str(fault.retry_after))])
        elif fault is not None:
            await reply(send, fault.status, self.dialect.server_error(fault.status), [])
        elif not allowed:
            headers = self.dialect.headers(self.controls.limit, 0, reset)
            await reply(send, 429, self.dialect.rate_limited, headers + [("retry-after", str(max(int(reset - now), 1)))])
        else:
            await self.app(scope, receive, with_headers(send, self.dialect.headers(self.controls.limit, remaining,
                                                                                     reset)))


def relative_path(scope: Scope) -> str:
    """The path below the network's mount point (`/mastodon/api/v1/…` -> `/api/v1/…`)."""
    root, path = scope.get("root_path", ""), scope["path"]
    return path[len(root):] if root and path.startswith(root) else path


def caller(scope: Scope) -> str:
    """Who spends the rate budget: the Authorization header, else the client address."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return value.decode("latin-1")
    client = scope.get("client")
    return f"ip:{client[0] if client else '-'}"


def with_headers(send: Send, extra: list[tuple[str, str]]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []),
                                              *((k.encode(), v.encode()) for k, v in extra)]}
        await send(message)
    return wrapped


async def reply(send: Send, status: int, body: dict[str, object], headers: list[tuple[str, str]]) -> None:
    payload = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})
