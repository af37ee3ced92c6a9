"""Rate budgets and header parsing, on a virtual clock."""

from __future__ import annotations

import threading

import pytest

from sharelytics.core.providers.budget import RateBudget, RateHeaders, parse_rate_headers, parse_retry_after
from sharelytics.core.providers.model import RateLimited

NOW = 1_800_000_000.0


def test_both_networks_headers_are_read() -> None:
    mastodon = parse_rate_headers({"x-ratelimit-limit": "300", "x-ratelimit-remaining": "12",
                                   "x-ratelimit-reset": "2027-01-15T08:00:30.123456Z"}, NOW)
    assert (mastodon.limit, mastodon.remaining) == (300, 12) and mastodon.reset_at == pytest.approx(1_800_000_030.123456)
    bluesky = parse_rate_headers({"ratelimit-limit": "3000", "ratelimit-remaining": "0",
                                  "ratelimit-reset": str(int(NOW) + 60), "ratelimit-policy": "3000;w=300"}, NOW)
    assert (bluesky.remaining, bluesky.reset_at) == (0, NOW + 60)
    policy_only = parse_rate_headers({"ratelimit-remaining": "5", "ratelimit-policy": "100;w=300"}, NOW)
    assert policy_only.reset_at == NOW + 300
    assert parse_retry_after("7", NOW) == NOW + 7
    assert parse_retry_after("Fri, 15 Jan 2027 08:01:00 GMT", NOW) == NOW + 60


def test_spent_budget_waits_or_refuses() -> None:
    sleeps: list[float] = []
    budget = RateBudget(max_wait=30, clock=lambda: NOW + sum(sleeps), sleep=sleeps.append)
    budget.observe("a", RateHeaders(10, 1, NOW + 20))
    budget.acquire("a")
    budget.acquire("a")  # the window is spent: waits 20 s, then a new window
    assert sleeps == [20.0]
    budget.observe("a", RateHeaders(10, 0, NOW + 500))
    with pytest.raises(RateLimited):
        budget.acquire("a")
    budget.acquire("b")  # identities do not share budgets


def test_threads_never_overspend() -> None:
    budget = RateBudget(max_wait=0.0, clock=lambda: NOW, sleep=lambda s: None)
    budget.observe("a", RateHeaders(100, 50, NOW + 60))
    granted, refused = [], []

    def worker() -> None:
        for _ in range(20):
            try:
                budget.acquire("a")
                granted.append(1)
            except RateLimited:
                refused.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 50 and len(refused) == 110
