"""Dashboard fixtures: a project with a few links, clicks through the real redirect, and a signed-in client."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from sharelytics.app import Services
from sharelytics.core.links.create import NewLink, create_link
from sharelytics.core.links.model import Link, LinkMetadata
from tests.conftest import ProjectFixture

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SLACK = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def sign_in(client: TestClient, **fields: str) -> None:
    token = csrf_of(client.get("/dashboard/login").text)
    answer = client.post("/dashboard/login", data={"csrf": token, **fields}, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]


@pytest.fixture
def links(engine: Engine, services: Services, project: ProjectFixture, client: TestClient) -> list[Link]:
    """A root link, a reshare of it, and a campaign link; humans, a bot and a link preview clicked the root."""
    domain = services.shared_domain
    root = create_link(engine, project.project, project.tool, domain,
                       NewLink("https://example.com/post", LinkMetadata(channel="twitter", campaign="launch")))
    child = create_link(engine, project.project, project.tool, domain,
                        NewLink("https://example.com/post", LinkMetadata(channel="facebook-post", parent=root.awesm_id)))
    other = create_link(engine, project.project, project.tool, domain,
                        NewLink("https://example.org/other", LinkMetadata(channel="copypaste", tag="blue")))
    for agent, times in ((FIREFOX, 3), (GOOGLEBOT, 1), (SLACK, 2)):
        for _ in range(times):
            assert client.get(f"/{root.path}", headers={"User-Agent": agent, "Referer": "https://t.co/x"},
                              follow_redirects=False).status_code == 302
    assert client.get(f"/{child.path}", headers={"User-Agent": FIREFOX}, follow_redirects=False).status_code == 302
    assert services.pipeline is not None
    services.pipeline.flush()
    return [root, child, other]


@pytest.fixture
def signed_in(client: TestClient, project: ProjectFixture) -> TestClient:
    sign_in(client, method="awesm", api_key=project.key)
    return client
