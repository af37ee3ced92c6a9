from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from sharelytics.core.links.create import NewLink, create_link, create_links
from sharelytics.core.links.domains import add_domain, ensure_shared_domain
from sharelytics.core.links.model import InvalidMetadata, LinkMetadata, UnknownParent
from sharelytics.core.projects.manage import configure_project
from sharelytics.storage.tables import campaigns, links, sharers
from tests.conftest import ProjectFixture, make_project


def _new(url: str = "http://developers.awe.sm/", **meta: object) -> NewLink:
    meta.setdefault("channel", "facebook-post")
    return NewLink(url, LinkMetadata(**meta))  # type: ignore[arg-type]


def test_a_link_gets_its_id_url_and_service(engine: Engine, project: ProjectFixture) -> None:
    domain = ensure_shared_domain(engine, "demo.awe.sm")
    link = create_link(engine, project.project, project.tool, domain, _new())
    assert link.awesm_id == f"demo.awe.sm_{link.path}"
    assert link.awesm_url == f"http://demo.awe.sm/{link.path}"
    assert (link.channel, link.service, link.tool, link.application) == ("facebook-post", "facebook", "test-main", "test")
    assert link.redirect_url == link.original_url == "http://developers.awe.sm/"
    assert abs(link.created_at - datetime.utcnow()) < timedelta(minutes=1)


def test_paths_are_unique_and_not_reserved(engine: Engine, project: ProjectFixture) -> None:
    domain = ensure_shared_domain(engine, "demo.awe.sm")
    created = create_links(engine, project.project, project.tool, domain, [_new() for _ in range(300)])
    paths = {link.path for link in created}
    assert len(paths) == 300
    assert all(p.isalnum() and len(p) == 6 for p in paths)


def test_path_prefix_domains_keep_case_in_the_id(engine: Engine, project: ProjectFixture) -> None:
    domain = add_domain(engine, "https://CuteOn.Me/n", project.project)
    link = create_link(engine, project.project, project.tool, domain, _new())
    assert link.awesm_id == f"CuteOn.Me_n_{link.path}"
    assert link.awesm_url == f"https://CuteOn.Me/n/{link.path}"


def test_campaign_and_user_metadata_are_stored_once(engine: Engine, project: ProjectFixture) -> None:
    domain = ensure_shared_domain(engine, "demo.awe.sm")
    first = create_link(engine, project.project, project.tool, domain,
                        _new(campaign="Spring Sale", user_id="23291", user_id_username="jhstrauss"))
    second = create_link(engine, project.project, project.tool, domain,
                         _new(campaign="spring-sale", user_id="23291", user_id_icon_url="http://i/1.png"))
    with engine.connect() as conn:
        assert conn.execute(select(campaigns)).mappings().one()["name"] == "Spring Sale"
        row = conn.execute(select(sharers)).mappings().one()
    assert (row["username"], row["icon_url"]) == ("jhstrauss", "http://i/1.png")
    assert second.campaign == first.campaign == "spring-sale"
    assert second.campaign_name == "Spring Sale"
    assert second.username == "jhstrauss"


def test_parent_must_be_a_link_of_the_same_project(engine: Engine, project: ProjectFixture) -> None:
    domain = ensure_shared_domain(engine, "demo.awe.sm")
    parent = create_link(engine, project.project, project.tool, domain, _new())
    child = create_link(engine, project.project, project.tool, domain, _new(parent=parent.awesm_id))
    assert child.parent == parent.awesm_id
    other = make_project(engine, "Other")
    with pytest.raises(UnknownParent):
        create_link(engine, other.project, other.tool, domain, _new(parent=parent.awesm_id))


def test_a_batch_is_all_or_nothing(engine: Engine, project: ProjectFixture) -> None:
    domain = ensure_shared_domain(engine, "demo.awe.sm")
    with pytest.raises(InvalidMetadata):
        create_links(engine, project.project, project.tool, domain, [_new(), _new(notes="x" * 300)])
    with engine.connect() as conn:
        assert conn.execute(select(links)).first() is None


def test_channel_is_required(engine: Engine, project: ProjectFixture) -> None:
    domain = ensure_shared_domain(engine, "demo.awe.sm")
    with pytest.raises(InvalidMetadata):
        create_link(engine, project.project, project.tool, domain, NewLink("http://a.example/", LinkMetadata()))


def test_conversion_domains_add_the_awesm_parameter(engine: Engine, project: ProjectFixture) -> None:
    domain = ensure_shared_domain(engine, "shl.by")
    converting = configure_project(engine, project.project, conversions_enabled=True,
                                   conversion_domains=["henrysztul.info"])
    link = create_link(engine, converting, project.tool, domain, _new("http://henrysztul.info", channel="twitter"))
    assert link.redirect_url == f"http://henrysztul.info?awesm={link.awesm_id}"
    plain = create_link(engine, converting, project.tool, domain, _new("http://elsewhere.example/", channel="twitter"))
    assert plain.redirect_url == "http://elsewhere.example/"
