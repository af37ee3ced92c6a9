"""A sandbox server on a free 127.0.0.1 port for each test, stopped when the test ends."""

from __future__ import annotations

from typing import Any, Iterator

import httpx
import pytest

from sharelytics.sandbox.server import SandboxServer


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def admin(server: SandboxServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{server.admin_url}{path}", **kwargs)
    assert response.status_code < 400, response.text
    return response.json()


def make_account(server: SandboxServer, network: str, username: str, **fields: Any) -> dict[str, Any]:
    return admin(server, "POST", f"/{network}/accounts", json={"username": username, **fields})


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000"
                    "0500010d0a2db40000000049454e44ae426082")
