"""The one place provider adapters make HTTP calls: httpx with timeouts, retries with exponential backoff and
jitter (tenacity), per-identity rate budgets from the networks' headers, and the mapping of refusals to the
plain provider errors.

Retries cover what a repeat cannot make worse: connection failures and timeouts, 5xx, and 429 once the announced
reset has passed. Writes are safe to repeat because every publish carries an idempotency key.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any, Mapping

import httpx
from tenacity import Retrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from sharelytics.core.clock import from_timestamp
from sharelytics.core.providers.budget import Clock, RateBudget, Sleep, parse_rate_headers, parse_reset, parse_retry_after
from sharelytics.core.providers.model import AuthRevoked, PostGone, ProviderUnavailable, RateLimited

USER_AGENT = "sharelytics (+https://github.com/sharelytics)"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    initial: float = 0.5  # seconds before the first retry; doubles each time, plus jitter
    maximum: float = 8.0
    jitter: float = 0.5


class _Retryable(Exception):
    """Raised inside the retry loop; carries the wait the server asked for, if any."""

    def __init__(self, reason: str, retry_at: float | None = None) -> None:
        super().__init__(reason)
        self.retry_at = retry_at


class ProviderHttp:
    """A thread-safe client shared by all adapters of a process (httpx.Client is thread-safe)."""

    def __init__(self, *, timeout: float = 15.0, retry: RetryPolicy | None = None, budget: RateBudget | None = None,
                 transport: httpx.BaseTransport | None = None, user_agent: str = USER_AGENT,
                 clock: Clock = time.time, sleep: Sleep = time.sleep) -> None:
        self.retry = retry or RetryPolicy()
        self.budget = budget or RateBudget(clock=clock, sleep=sleep)
        self._clock, self._sleep = clock, sleep
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)), transport=transport,
                                    headers={"User-Agent": user_agent}, follow_redirects=False)

    def close(self) -> None:
        self._client.close()

    def pause(self, seconds: float) -> None:
        """Sleep with the client's (injectable) sleep, for adapters that poll."""
        self._sleep(seconds)

    def request(self, method: str, url: str, *, identity: str, retry_server_errors: bool = True,
                **kwargs: Any) -> httpx.Response:
        """Send with retries. Returns 2xx and the 4xx an adapter interprets itself (400, 409, 413, 422);
        raises AuthRevoked (401/403), PostGone (404/410), RateLimited, ProviderUnavailable."""
        retrying = Retrying(stop=stop_after_attempt(self.retry.attempts), wait=self._wait,
                            retry=retry_if_exception_type(_Retryable), sleep=self._sleep, reraise=True)
        try:
            for attempt in retrying:
                with attempt:
                    return self._send_once(method, url, identity, retry_server_errors, kwargs)
        except _Retryable as exc:
            if exc.retry_at is not None:  # still limited after every attempt
                raise RateLimited(from_timestamp(exc.retry_at)) from None
            raise ProviderUnavailable(f"{method} {_safe(url)}: {exc}") from None
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _send_once(self, method: str, url: str, identity: str, retry_server_errors: bool,
                   kwargs: Mapping[str, Any]) -> httpx.Response:
        self.budget.acquire(identity)
        try:
            response = self._client.request(method, url, **kwargs)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise _Retryable(f"{exc.__class__.__name__}: {exc}") from exc
        now = self._clock()
        self.budget.observe(identity, parse_rate_headers(response.headers, now))
        return self._classify(response, identity, now, retry_server_errors)

    def _classify(self, response: httpx.Response, identity: str, now: float,
                  retry_server_errors: bool) -> httpx.Response:
        status = response.status_code
        if status == 429:
            retry_at = self._retry_at(response, now)
            self.budget.exhaust(identity, retry_at)
            if retry_at - now > self.budget.max_wait:
                raise RateLimited(from_timestamp(retry_at))
            raise _Retryable("rate limited", retry_at)
        if status >= 500:
            if retry_server_errors:
                raise _Retryable(f"server error {status}")
            raise ProviderUnavailable(f"{response.request.method} {_safe(str(response.url))}: server error {status}")
        if status in (401, 403):
            raise AuthRevoked(_error_text(response) or "credentials refused")
        if status in (404, 410):
            raise PostGone(_error_text(response) or "not found")
        return response

    def _retry_at(self, response: httpx.Response, now: float) -> float:
        headers = response.headers
        candidates = [parse_retry_after(headers.get("retry-after"), now),
                      parse_reset(headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset"), now)]
        known = [c for c in candidates if c is not None]
        # Without any hint, back off like a server error rather than hammering the network.
        return max(known) if known else now + self.retry.initial

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_at is not None:
            return max(exc.retry_at - self._clock(), 0.0)
        exponential = self.retry.initial * 2 ** (state.attempt_number - 1)
        return min(exponential, self.retry.maximum) + random.uniform(0, self.retry.jitter)  # jitter spreads workers


def _error_text(response: httpx.Response) -> str:
    """Mastodon `{"error": ...}`, Bluesky `{"error", "message"}`; the body text otherwise."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("error", "message", "error_description") if body.get(k)]
        return ": ".join(parts)
    return ""


def error_name(response: httpx.Response) -> str:
    """The `error` field of an error body (Bluesky's error names, Mastodon's messages)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def error_text(response: httpx.Response) -> str:
    return _error_text(response)


def _safe(url: str) -> str:
    """URLs in messages lose their query (it may carry cursors or handles, never worth logging)."""
    return url.split("?", 1)[0]
