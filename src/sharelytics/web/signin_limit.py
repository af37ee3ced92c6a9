"""How often the dashboard's sign-in may fail: per account tried and per client address, in a moving window.

The same `limits` setup as the Create API's budget (api/ratelimit.py): counted in process memory, or in Redis when
`redis_url` is set, so every server process shares the counts. Only failed attempts are counted (an office behind
one address signing in all morning is fine); a refused attempt is checked before any password hash is computed.
"""

from __future__ import annotations

import hashlib
import math
import time

from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter

from sharelytics.api.ratelimit import limit_storage
from sharelytics.config import Settings

PER_ACCOUNT = "10/15 minutes"  # guessing one account's password: 40 tries an hour
PER_ADDRESS = "50/15 minutes"  # one address trying many accounts


def _digest(value: str) -> str:
    # Keys and user names are counted by digest: a raw API key should not sit in Redis or in memory dumps.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


class SignInLimiter:
    NAMESPACE = "dashboard-sign-in"

    def __init__(self, settings: Settings, per_account: str = PER_ACCOUNT, per_address: str = PER_ADDRESS) -> None:
        self._limiter = MovingWindowRateLimiter(limit_storage(settings))
        self._items: dict[str, RateLimitItem] = {"account": parse(per_account), "address": parse(per_address)}

    def _keys(self, account: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        return [(self._items["address"], "address", address), (self._items["account"], "account", _digest(account))]

    def retry_after(self, account: str, address: str) -> int | None:
        """Seconds until this account may be tried again from this address, or None when it may be now."""
        for item, kind, key in self._keys(account, address):
            if not self._limiter.test(item, self.NAMESPACE, kind, key):
                stats = self._limiter.get_window_stats(item, self.NAMESPACE, kind, key)
                return max(1, math.ceil(stats.reset_time - time.time()))
        return None

    def failed(self, account: str, address: str) -> None:
        for item, kind, key in self._keys(account, address):
            self._limiter.hit(item, self.NAMESPACE, kind, key)

    def reset(self) -> None:
        """Forget every count (operators and tests)."""
        self._limiter.storage.reset()
