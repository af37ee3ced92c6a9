"""A Stats API kit: links made through `POST /url.json`, clicks through real redirects at chosen moments (the
redirect's clock is the only thing replaced), the journal flushed to the database, then Stats requests by GET or
POST exactly as the clients send them."""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Iterator

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

import sharelytics.redirect as redirect_module
from sharelytics.app import Services
from sharelytics.core.projects.manage import configure_project
from tests.api.conftest import BROWSER, age_link
from tests.conftest import ProjectFixture, make_project

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.0 Mobile/15E148 Safari/604.1")
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SLACKBOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
T0 = datetime(2026, 3, 2)  # a Monday, 00:00 UTC: every test's clicks happen in the days after it
# reference §5.2: the recorded range/totals answer, keys in its order.
RANGE_KEYS = ["end_date", "filters", "group_by", "groups", "last_offset", "offset", "page", "per_page", "pivot",
              "pivot_sort_order", "pivot_sort_type", "sort_order", "sort_type", "start_date", "total_results",
              "totals", "with_conversions", "with_metadata", "with_zeros"]
INTERVAL_KEYS = RANGE_KEYS[:4] + ["interval"] + RANGE_KEYS[4:]


@dataclass
class Kit:
    client: TestClient
    services: Services
    engine: Engine
    fx: ProjectFixture
    now: datetime = T0
    visitors: dict[str, TestClient] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.fx.key

    def link(self, fx: ProjectFixture | None = None, *, created: datetime | None = None, **meta: str) -> dict[str, Any]:
        """A link made by the gem's create call; `created` ages it (shares count by creation time)."""
        owner = fx or self.fx
        data = {"v": "3", "key": owner.key, "tool": owner.tool.key, "url": "http://example.com/",
                "channel": "twitter", **meta}
        response = self.client.post("/url.json", data=data)
        assert response.status_code == 200, response.text
        body = response.json()
        age_link(self.engine, body["awesm_id"], created or self.now)
        return body

    def visitor(self, ip: str) -> TestClient:
        """A client arriving from `ip` (the country comes from it), sharing the running app."""
        if ip not in self.visitors:
            self.visitors[ip] = TestClient(self.client.app, base_url="http://sl.test", client=(ip, 50000))
        return self.visitors[ip]

    def click(self, link: dict[str, Any], at: datetime | None = None, *, n: int = 1, ua: str = BROWSER,
              ip: str = "8.8.8.8", referrer: str | None = None) -> None:
        """`n` real redirects of the link at `at` (default: the kit's clock)."""
        self.now = at or self.now
        headers = {"user-agent": ua, **({"referer": referrer} if referrer else {})}
        for _ in range(n):
            response = self.visitor(ip).get("/" + link["path"], headers=headers, follow_redirects=False)
            assert response.status_code in (301, 302), response.text

    def flush(self) -> int:
        return self.services.pipeline.flush()

    def get(self, path: str, key: str | None = None, **params: Any) -> Any:
        return self.client.get(path, params={"v": "3", "key": key or self.key, **params})

    def post(self, path: str, key: str | None = None, **params: Any) -> Any:
        return self.client.post(path, data={"v": "3", "key": key or self.key, **params})

    def ok(self, path: str, method: str = "get", **params: Any) -> dict[str, Any]:
        response = getattr(self, method)(path, **params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        return response.json()

    def another_project(self, name: str) -> ProjectFixture:
        return make_project(self.engine, name)

    def enable_conversions(self, fx: ProjectFixture | None = None) -> None:
        """Before the project's first API call: the API keeps a key's project for a few seconds."""
        owner = fx or self.fx
        configure_project(self.engine, owner.project, conversions_enabled=True, conversion_domains=["example.com"])


@pytest.fixture
def kit(client: TestClient, services: Services, engine: Engine, project: ProjectFixture,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Kit]:
    made = Kit(client, services, engine, project)
    clock = types.SimpleNamespace(time=lambda: made.now.replace(tzinfo=UTC).timestamp())
    monkeypatch.setattr(redirect_module, "time", clock)  # the redirect stamps clicks with time.time()
    yield made
    for visitor in made.visitors.values():
        visitor.close()


def totals(body: dict[str, Any]) -> dict[str, Any]:
    return body["totals"]


def by(body: dict[str, Any], name: str, items: str = "groups") -> dict[Any, dict[str, Any]]:
    return {item[name]: item for item in body[items]}
