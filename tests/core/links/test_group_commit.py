"""Group commit: creates written together still answer each caller as if written alone."""

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from sharelytics.api.create_queue import CreateQueue
from sharelytics.core.links import group_commit
from sharelytics.core.links.create import NewLink, create_link
from sharelytics.core.links.domains import ensure_shared_domain
from sharelytics.core.links.group_commit import CreateRequest, create_each
from sharelytics.core.links.model import InvalidUrl, Link, LinkMetadata, UnknownParent
from sharelytics.core.links.store import load_links_by_id
from tests.conftest import ProjectFixture, make_project


def _new(url: str = "http://developers.awe.sm/", **meta: object) -> NewLink:
    meta.setdefault("channel", "twitter")
    return NewLink(url, LinkMetadata(**meta))  # type: ignore[arg-type]


def _request(project: ProjectFixture, engine: Engine, item: NewLink) -> CreateRequest:
    return CreateRequest(project.project, project.tool, ensure_shared_domain(engine, "demo.awe.sm"), item)


def test_each_request_gets_its_own_link_or_error(engine: Engine, project: ProjectFixture) -> None:
    parent = create_link(engine, project.project, project.tool, ensure_shared_domain(engine, "demo.awe.sm"), _new())
    other = make_project(engine, "Other")
    requests = [
        _request(project, engine, _new(campaign="Spring Sale", user_id="23291", user_id_username="jhstrauss")),
        _request(project, engine, _new("ftp://nope.example/")),
        _request(project, engine, _new(parent="demo.awe.sm_nothere")),
        _request(other, engine, _new("http://other.example/", tag="t")),
        _request(project, engine, _new(parent=parent.awesm_id, campaign="spring-sale", user_id="23291")),
    ]
    outcomes = create_each(engine, requests)
    assert isinstance(outcomes[1], InvalidUrl) and isinstance(outcomes[2], UnknownParent)
    made = [outcomes[0], outcomes[3], outcomes[4]]
    assert all(isinstance(link, Link) for link in made)
    assert outcomes[3].project_id == other.project.id and outcomes[3].tag == "t"  # type: ignore[union-attr]
    assert outcomes[4].campaign_name == "Spring Sale" and outcomes[4].username == "jhstrauss"  # type: ignore[union-attr]
    with engine.connect() as conn:  # built from the inserted values: the same as reading them back
        assert load_links_by_id(conn, [link.id for link in made]) == made  # type: ignore[union-attr]


def test_a_write_failure_fails_only_its_request(engine: Engine, project: ProjectFixture) -> None:
    broken = replace(project.tool, id=10**6)  # no such tool: the insert breaks its foreign key
    requests = [_request(project, engine, _new()), CreateRequest(project.project, broken,
                                                                  ensure_shared_domain(engine, "demo.awe.sm"), _new()),
                _request(project, engine, _new("http://third.example/"))]
    outcomes = create_each(engine, requests)
    assert isinstance(outcomes[0], Link) and isinstance(outcomes[2], Link)
    assert isinstance(outcomes[1], IntegrityError)
    assert outcomes[2].original_url == "http://third.example/"  # type: ignore[union-attr]


def test_the_queue_writes_concurrent_creates_together(engine: Engine, project: ProjectFixture,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    groups: list[int] = []
    real = group_commit.create_each

    def counting(engine: Engine, requests: list[CreateRequest]) -> list[object]:
        groups.append(len(requests))
        return real(engine, requests)  # type: ignore[return-value]

    monkeypatch.setattr("sharelytics.api.create_queue.create_each", counting)
    queue = CreateQueue(engine)
    domain = ensure_shared_domain(engine, "demo.awe.sm")

    async def create_many() -> list[Link | BaseException]:
        items = [_new(f"http://example.com/{i}") for i in range(20)] + [_new("not a url")]
        return await asyncio.gather(*(queue.create(project.project, project.tool, domain, item) for item in items),
                                    return_exceptions=True)

    outcomes = asyncio.run(create_many())
    assert isinstance(outcomes[-1], InvalidUrl)
    assert [link.original_url for link in outcomes[:-1]] == [f"http://example.com/{i}" for i in range(20)]  # type: ignore[union-attr]
    assert len({link.path for link in outcomes[:-1]}) == 20  # type: ignore[union-attr]
    assert sum(groups) == 21 and len(groups) < 21  # the first alone, the rest gathered while it was written


def test_links_of_one_call_show_the_last_values_of_a_shared_campaign(engine: Engine, project: ProjectFixture) -> None:
    from sharelytics.core.links.create import create_links

    domain = ensure_shared_domain(engine, "demo.awe.sm")
    made = create_links(engine, project.project, project.tool, domain,
                        [_new(campaign="sale", campaign_name="First"), _new(campaign="sale", campaign_name="Second"),
                         _new(user_id="u1", user_id_username="a"), _new(user_id="u1", user_id_icon_url="http://i/")])
    with engine.connect() as conn:
        assert load_links_by_id(conn, [link.id for link in made]) == made
    assert [link.campaign_name for link in made[:2]] == ["Second", "Second"]
    assert [(link.username, link.user_id_icon_url) for link in made[2:]] == [("a", "http://i/")] * 2
