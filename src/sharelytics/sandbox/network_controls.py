"""Controls for the X, Facebook and LinkedIn fakes, and lost answers for every network.

`NetworkControlsMiddleware` applies the same `Controls` (latency, rate limit per token, forced 429/5xx) as the
Mastodon/Bluesky middleware, but each network spells the outcome its own way: X sends `x-rate-limit-*` on every
answer and no Retry-After; Graph reports usage percentages and throttles with an error body (HTTP 400, code 32);
LinkedIn sends no budget headers and answers 429 with Retry-After. A `RestDialect` says how.

`LostAnswersMiddleware` lets a request through (the network acts on it) and then loses the answer: it replies
504 from "the gateway", optionally after a delay that outlasts the client's timeout. That is the case an
idempotency scheme has to survive.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sharelytics.sandbox.controls import Controls, caller, relative_path, reply, with_headers

Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class Limited:
    status: int
    body: dict[str, object]
    headers: Headers


@dataclass(frozen=True)
class RestDialect:
    headers: Callable[[Controls, int, float], Headers]  # (controls, remaining, reset epoch) on every answer
    limited: Callable[[Controls, float, float], Limited]  # (controls, reset epoch, now) when over the limit
    server_error: Callable[[int], dict[str, object]]


class NetworkControlsMiddleware:
    def __init__(self, app: ASGIApp, controls: Controls, dialect: RestDialect) -> None:
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
            limited = self.dialect.limited(self.controls, now + fault.retry_after, now)
            await reply(send, limited.status, limited.body, limited.headers)
        elif fault is not None:
            await reply(send, fault.status, self.dialect.server_error(fault.status), [])
        elif not allowed:
            limited = self.dialect.limited(self.controls, reset, now)
            await reply(send, limited.status, limited.body, limited.headers)
        else:
            await self.app(scope, receive, with_headers(send, self.dialect.headers(self.controls, remaining, reset)))


@dataclass
class LostAnswer:
    remaining: int
    path: str = ""  # only requests whose path (after the network prefix) contains this
    method: str = "POST"
    delay: float = 0.0  # seconds before the 504, e.g. longer than the client's timeout


@dataclass
class LostAnswers:
    faults: list[LostAnswer] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, fault: LostAnswer) -> None:
        with self._lock:
            self.faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def take(self, method: str, path: str) -> LostAnswer | None:
        with self._lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.method == method and fault.path in path:
                    fault.remaining -= 1
                    return fault
            self.faults = [f for f in self.faults if f.remaining > 0]
        return None


class LostAnswersMiddleware:
    def __init__(self, app: ASGIApp, lost: LostAnswers) -> None:
        self.app, self.lost = app, lost

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fault = self.lost.take(scope.get("method", ""), relative_path(scope)) if scope["type"] == "http" else None
        if fault is None:
            await self.app(scope, receive, send)
            return

        async def swallow(message: Message) -> None:
            return None

        await self.app(scope, receive, swallow)  # the network acts on the request; its answer goes nowhere
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        payload = b"upstream request timeout"
        await send({"type": "http.response.start", "status": 504,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})
