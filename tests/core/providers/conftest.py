"""Adapters against a sandbox on 127.0.0.1, with a recording sleep so retries and waits cost no wall time."""

from __future__ import annotations

import time
from typing import Any, Iterator

import httpx
import pytest

from sharelytics.core.providers.budget import RateBudget
from sharelytics.core.providers.http import ProviderHttp, RetryPolicy
from sharelytics.core.providers.model import Credentials
from sharelytics.sandbox.server import SandboxServer


class Sleeps(list):
    """Records each requested sleep instead of sleeping, and moves a virtual clock forward by it."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)

    def clock(self) -> float:
        return time.time() + sum(self)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def http(sleeps: Sleeps) -> Iterator[ProviderHttp]:
    client = ProviderHttp(timeout=10, retry=RetryPolicy(attempts=4, initial=0.01, maximum=0.05, jitter=0.01),
                          budget=RateBudget(max_wait=60, sleep=sleeps, clock=sleeps.clock), sleep=sleeps,
                          clock=sleeps.clock)
    yield client
    client.close()


def admin(server: SandboxServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{server.admin_url}{path}", **kwargs)
    assert response.status_code < 400, response.text
    return response.json()


def account(server: SandboxServer, network: str, username: str, **fields: Any) -> Credentials:
    created = admin(server, "POST", f"/{network}/accounts", json={"username": username, **fields})
    if network == "mastodon":
        return Credentials.mastodon(created["base_url"], created["access_token"])
    return Credentials.bluesky(created["handle"], created["app_password"], created["base_url"])


def react(server: SandboxServer, network: str, post: str, kind: str, by: str, text: str = "") -> Any:
    return admin(server, "POST", f"/{network}/reactions", json={"post": post, "kind": kind, "by": by, "text": text})


def posts(server: SandboxServer, network: str) -> list[dict[str, Any]]:
    return admin(server, "GET", f"/{network}/posts")["posts"]


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000"
                    "0500010d0a2db40000000049454e44ae426082")
