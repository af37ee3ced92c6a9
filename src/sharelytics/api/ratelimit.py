"""Per-key request budgets, a moving window of one hour (the `limits` library): the awe.sm Create API's (8,000 per
hour by default, per API key; a project may override it) and the OneAll API's (per site public key).

Embedded mode counts in process memory (one process serves); with `settings.redis_url` every process counts in
Redis, so N servers share one budget per key. A limit of 0 means unlimited.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerHour
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from sharelytics.config import Settings


@dataclass(frozen=True)
class RateBudget:
    """What the RateLimit headers say after a request was counted (or refused)."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the oldest counted request leaves the window

    @property
    def unlimited(self) -> bool:
        return self.limit == 0

    def headers(self) -> dict[str, str]:
        if self.unlimited:
            return {}
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, self.reset_seconds))
        return headers


UNLIMITED = RateBudget(allowed=True, limit=0, remaining=0, reset_seconds=0)


def limit_storage(settings: Settings) -> Storage:
    """Where `limits` counts: process memory, or Redis (shared by every process) when `redis_url` is set."""
    if settings.redis_url:
        return storage_from_string(settings.redis_url)  # type: ignore[return-value]
    return MemoryStorage()


class KeyRateLimiter:
    """Counts one API's requests per project (the key's owner), each API in its own namespace."""

    NAMESPACE = "requests"

    def __init__(self, settings: Settings, default_limit: int) -> None:
        self.default_limit = default_limit
        self._limiter = MovingWindowRateLimiter(limit_storage(settings))

    def limit_for(self, project_limit: int | None) -> int:
        return self.default_limit if project_limit is None else project_limit

    def hit(self, project_id: int, project_limit: int | None = None) -> RateBudget:
        """Count one request for the project, unless its budget is spent."""
        limit = self.limit_for(project_limit)
        if limit <= 0:
            return UNLIMITED
        item = RateLimitItemPerHour(limit)
        allowed = self._limiter.hit(item, self.NAMESPACE, str(project_id))
        stats = self._limiter.get_window_stats(item, self.NAMESPACE, str(project_id))
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return RateBudget(allowed=allowed, limit=limit, remaining=max(0, stats.remaining), reset_seconds=reset)

    def reset(self) -> None:
        """Forget every count (operators and tests)."""
        self._limiter.storage.reset()


class CreateRateLimiter(KeyRateLimiter):
    """awe.sm Create API requests per project (its API key)."""

    NAMESPACE = "awesm-create"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, settings.create_rate_limit)


class OneAllRateLimiter(KeyRateLimiter):
    """OneAll API requests per project (its public key), Basic or publish-token authenticated alike."""

    NAMESPACE = "oneall"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, settings.oneall_rate_limit)
