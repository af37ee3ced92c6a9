"""Per-identity rate budgets, fed by the networks' own rate-limit headers.

Each identity (provider + server + account) has the remaining count and the reset time the network last announced.
Requests spend from it; when it is spent the caller waits for the reset, or gets RateLimited when that wait is
longer than `max_wait` (a job should then be rescheduled rather than hold a worker).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Callable, Mapping

from sharelytics.core.clock import from_timestamp
from sharelytics.core.providers.model import RateLimited

Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass
class _Window:
    limit: int | None
    remaining: int
    reset_at: float  # epoch seconds


@dataclass(frozen=True)
class RateHeaders:
    """The budget a response announced, in one form for both networks' headers."""

    limit: int | None
    remaining: int | None
    reset_at: float | None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def parse_reset(value: str | None, now: float) -> float | None:
    """Bluesky sends epoch seconds; Mastodon an ISO 8601 timestamp; a small number is read as seconds from now."""
    if not value:
        return None
    number = _float(value)
    if number is not None:
        return number if number > 1e9 else now + number
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def parse_retry_after(value: str | None, now: float) -> float | None:
    """`Retry-After` is seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    seconds = _float(value)
    if seconds is not None:
        return now + max(seconds, 0.0)
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None


_POLICY_WINDOW = re.compile(r"w=(\d+)")


def parse_rate_headers(headers: Mapping[str, str], now: float) -> RateHeaders:
    """Mastodon `X-RateLimit-*` or Bluesky `RateLimit-*` (+ `RateLimit-Policy: <limit>;w=<seconds>`)."""
    def pick(name: str) -> str | None:
        return headers.get(f"x-ratelimit-{name}") or headers.get(f"ratelimit-{name}")

    limit, remaining = _float(pick("limit")), _float(pick("remaining"))
    reset_at = parse_reset(pick("reset"), now)
    if reset_at is None and remaining is not None:
        window = _POLICY_WINDOW.search(headers.get("ratelimit-policy", ""))
        reset_at = now + int(window.group(1)) if window else None
    return RateHeaders(int(limit) if limit is not None else None, int(remaining) if remaining is not None else None,
                       reset_at)


class RateBudget:
    """Thread-safe budgets keyed by identity. Unknown identities may always proceed (the first response tells)."""

    def __init__(self, *, max_wait: float = 30.0, reserve: int = 0, clock: Clock = time.time,
                 sleep: Sleep = time.sleep) -> None:
        self.max_wait = max_wait
        self.reserve = reserve  # requests kept back for other workers sharing the identity
        self._clock, self._sleep = clock, sleep
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def acquire(self, identity: str) -> None:
        """Spend one request, waiting for the reset if needed; RateLimited when the wait exceeds `max_wait`."""
        for _ in range(3):  # a few rounds: other threads may spend the new window first
            wait = self._try_spend(identity)
            if wait <= 0:
                return
            if wait > self.max_wait:
                raise RateLimited(from_timestamp(self._clock() + wait))
            self._sleep(wait)
        # Still nothing after waiting: send anyway and let the network's answer (a 429 at worst) decide.

    def _try_spend(self, identity: str) -> float:
        with self._lock:
            window = self._windows.get(identity)
            now = self._clock()
            if window is None:
                return 0.0
            if window.reset_at <= now:
                del self._windows[identity]  # a new window; its size comes with the next response
                return 0.0
            if window.remaining > self.reserve:
                window.remaining -= 1
                return 0.0
            return window.reset_at - now

    def observe(self, identity: str, announced: RateHeaders) -> None:
        """Adopt what a response announced; the network's count wins over our own estimate."""
        if announced.remaining is None or announced.reset_at is None:
            return
        with self._lock:
            self._windows[identity] = _Window(announced.limit, announced.remaining, announced.reset_at)

    def exhaust(self, identity: str, reset_at: float) -> None:
        """After a 429: nothing left until `reset_at`."""
        with self._lock:
            current = self._windows.get(identity)
            self._windows[identity] = _Window(current.limit if current else None, 0, reset_at)

    def remaining(self, identity: str) -> int | None:
        with self._lock:
            window = self._windows.get(identity)
            return window.remaining if window and window.reset_at > self._clock() else None
