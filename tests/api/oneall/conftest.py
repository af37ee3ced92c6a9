"""OneAll suites: a site (project) and its key pair, a sandbox Mastodon and Bluesky on 127.0.0.1, provider
adapters with fast retries, and helpers that speak the OneAll wire format as the clients in clients.md do."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from sharelytics.app import Services
from sharelytics.core.providers.budget import RateBudget
from sharelytics.core.providers.fetch import PublicMediaFetcher
from sharelytics.core.providers.http import ProviderHttp, RetryPolicy
from sharelytics.core.providers.registry import ProviderRegistry, default_registry
from sharelytics.sandbox.server import SandboxServer
from tests.conftest import ProjectFixture, make_project

RFC2822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
                     r"\d\d:\d\d:\d\d [+-]\d{4}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SUCCESS_INFO = "Your request has been processed successfully"


@pytest.fixture(autouse=True)
def providers(services: Services) -> Iterator[ProviderRegistry]:
    """The real adapters, with retries that cost milliseconds, allowed to reach the sandbox on loopback."""
    http = ProviderHttp(timeout=10, retry=RetryPolicy(attempts=3, initial=0.01, maximum=0.02, jitter=0.01),
                        budget=RateBudget(max_wait=1))
    registry = default_registry(http, PublicMediaFetcher(allow_hosts=frozenset({"127.0.0.1"})), plugins=False)
    services.providers = registry
    yield registry
    http.close()


@pytest.fixture
def site(project: ProjectFixture) -> ProjectFixture:
    return project


@pytest.fixture
def other_site(engine: Any) -> ProjectFixture:
    return make_project(engine, "Other")


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def basic(site: ProjectFixture) -> dict[str, str]:
    pair = f"{site.keys.oneall_public_key}:{site.keys.oneall_private_key}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def call(client: TestClient, site: ProjectFixture, method: str, path: str, body: Any = None,
         **kwargs: Any) -> httpx.Response:
    """A request as the PHP SDK sends it: Basic auth, JSON body wrapped in `request`."""
    headers = {**basic(site), **kwargs.pop("headers", {})}
    if body is not None:
        kwargs["json"] = {"request": body}
    return client.request(method, path, headers=headers, **kwargs)


def ok(response: httpx.Response, code: int = 200) -> dict[str, Any]:
    """The checked envelope; returns result.data (or {} for deletions)."""
    assert response.status_code == code, response.text
    body = response.json()
    assert list(body) == ["response"]
    request = body["response"]["request"]
    assert list(request) == ["date", "resource", "status"] and RFC2822.match(request["date"])
    assert request["status"]["flag"] == "success" and request["status"]["code"] == code
    return body["response"].get("result", {}).get("data", {})


def failed(response: httpx.Response, code: int) -> dict[str, Any]:
    assert response.status_code == code, response.text
    body = response.json()
    assert list(body["response"]) == ["request"], "errors carry no result"
    status = body["response"]["request"]["status"]
    assert (status["flag"], status["code"]) == ("error", code) and status["info"]
    return body["response"]["request"]


def admin(server: SandboxServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{server.admin_url}{path}", **kwargs)
    assert response.status_code < 400, response.text
    return response.json()


def mastodon_source(server: SandboxServer, username: str, followers: int = 0) -> dict[str, Any]:
    account = admin(server, "POST", "/mastodon/accounts", json={"username": username, "followers_count": followers})
    return {"key": "mastodon", "instance_url": account["base_url"], "access_token": {"key": account["access_token"]}}


def bluesky_source(server: SandboxServer, username: str, followers: int = 0) -> dict[str, Any]:
    account = admin(server, "POST", "/bluesky/accounts", json={"username": username, "followers_count": followers})
    return {"key": "bluesky", "handle": account["handle"], "pds_url": account["base_url"],
            "access_token": {"key": account["app_password"]}}


def import_user(client: TestClient, site: ProjectFixture, source: dict[str, Any],
                user_token: str | None = None) -> dict[str, Any]:
    user: dict[str, Any] = {"identity": {"source": source}}
    if user_token:
        user["user_token"] = user_token
    return ok(call(client, site, "PUT", "/users.json", {"user": user}))["user"]


def posts(server: SandboxServer, network: str) -> list[dict[str, Any]]:
    return admin(server, "GET", f"/{network}/posts")["posts"]


def parse_date(value: str) -> Any:
    return parsedate_to_datetime(value)
