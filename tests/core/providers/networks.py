"""Accounts on the sandbox's X, Facebook and LinkedIn fakes, as the credentials an identity import would store."""

from __future__ import annotations

from typing import Any

from sharelytics.core.providers.model import Credentials
from sharelytics.sandbox.server import SandboxServer
from tests.core.providers.conftest import admin


def credentials(server: SandboxServer, network: str, username: str, **fields: Any) -> Credentials:
    created = admin(server, "POST", f"/{network}/accounts", json={"username": username, **fields})
    if network == "twitter":
        return Credentials.twitter(created["access_token"], created["base_url"])
    if network == "facebook":
        return Credentials.facebook(created["page_id"], created["access_token"], created["base_url"])
    return Credentials.linkedin(created["author_urn"], created["access_token"], created["base_url"])


def fans(server: SandboxServer, network: str, count: int, **fields: Any) -> list[str]:
    names = [f"fan{n}" for n in range(count)]
    for n, name in enumerate(names):
        admin(server, "POST", f"/{network}/accounts", json={"username": name, "followers_count": n,
                                                            "created_at": "2020-02-02T00:00:00+00:00", **fields})
    return names


def lose_next_answer(server: SandboxServer, network: str, path: str, delay: float = 0.0) -> None:
    admin(server, "POST", f"/{network}/lost", json={"count": 1, "path": path, "method": "POST", "delay": delay})
