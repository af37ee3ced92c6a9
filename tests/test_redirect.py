"""The redirect through the whole app (`client`) with custom Host headers; routing edges against a stand-in API."""

from __future__ import annotations

from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from sharelytics.app import Services
from sharelytics.core.links.cache import MISS, LinkEntry
from sharelytics.core.links.create import NewLink, create_link
from sharelytics.core.links.domains import Domain, add_domain, configure_domain
from sharelytics.core.links.model import Link, LinkMetadata
from sharelytics.core.links.patterns import GA_PATTERN, set_pattern
from sharelytics.core.projects.manage import configure_project
from sharelytics.core.projects.model import Project
from sharelytics.redirect import RedirectApp
from sharelytics.storage.tables import clicks
from tests.conftest import ProjectFixture

NO_STORE = "private, max-age=0"


def _link(engine: Engine, fx: ProjectFixture, domain: Domain, url: str = "http://developers.awe.sm/",
          project: Project | None = None, **meta: str) -> Link:
    meta.setdefault("channel", "copypaste")
    return create_link(engine, project or fx.project, fx.tool, domain, NewLink(url, LinkMetadata(**meta)))


def _clicks(engine: Engine, link: Link) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(clicks).where(clicks.c.link_id == link.id)).scalar_one()


def test_a_link_redirects_with_302_by_default(client: TestClient, services: Services, engine: Engine,
                                              project: ProjectFixture) -> None:
    link = _link(engine, project, services.shared_domain)
    response = client.get(f"/{link.path}", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "http://developers.awe.sm/"
    assert response.headers["cache-control"] == NO_STORE
    assert response.content == b""


def test_the_project_can_ask_for_301(client: TestClient, services: Services, engine: Engine,
                                     project: ProjectFixture) -> None:
    permanent = configure_project(engine, project.project, redirect_status=301)
    link = _link(engine, project, services.shared_domain, project=permanent)
    response = client.get(f"/{link.path}", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (301, link.redirect_url)
    assert response.headers["cache-control"] == NO_STORE  # browsers must come back, or later clicks go uncounted


def test_a_redirect_is_captured_as_one_click_and_head_is_not_counted(client: TestClient, services: Services,
                                                                     engine: Engine, project: ProjectFixture) -> None:
    link = _link(engine, project, services.shared_domain)
    head = client.head(f"/{link.path}", follow_redirects=False)
    assert (head.status_code, head.headers["location"], head.content) == (302, link.redirect_url, b"")
    get = client.get(f"/{link.path}", follow_redirects=False,
                     headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "Referer": "https://t.co/x"})
    assert get.status_code == 302
    assert services.pipeline is not None
    services.pipeline.flush()
    assert _clicks(engine, link) == 1
    with engine.connect() as conn:
        row = conn.execute(select(clicks).where(clicks.c.link_id == link.id)).mappings().one()
    assert (row["project_id"], row["referrer_host"]) == (project.project.id, "t.co")


def test_an_unknown_path_is_a_small_404_or_the_domains_not_found_redirect(client: TestClient, services: Services,
                                                                         engine: Engine) -> None:
    missing = client.get("/Zz9Zz9", follow_redirects=False)
    assert (missing.status_code, missing.text) == (404, "Not Found\n")
    assert client.head("/Zz9Zz9").content == b""
    add_domain(engine, "go.example", not_found_redirect="http://example.org/lost")
    lost = client.get("/Zz9Zz9", headers={"Host": "go.example"}, follow_redirects=False)
    assert (lost.status_code, lost.headers["location"]) == (302, "http://example.org/lost")


def test_the_root_of_a_link_domain_goes_to_its_root_redirect(client: TestClient, engine: Engine) -> None:
    add_domain(engine, "go.example", root_redirect="http://example.org/")
    add_domain(engine, "bare.example")
    root = client.get("/", headers={"Host": "go.example"}, follow_redirects=False)
    assert (root.status_code, root.headers["location"]) == (302, "http://example.org/")
    assert client.get("/", headers={"Host": "bare.example"}, follow_redirects=False).status_code == 404


def test_custom_domains_are_routed_by_host_case_insensitively(client: TestClient, engine: Engine,
                                                              project: ProjectFixture) -> None:
    link = _link(engine, project, add_domain(engine, "https://CuteOn.Me", project.project))
    for host in ("CuteOn.Me", "cuteon.me"):
        response = client.get(f"/{link.path}", headers={"Host": host}, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (302, link.redirect_url)
    # On a link domain every path is a redirect path, API-looking ones included.
    assert client.get("/url.json", headers={"Host": "cuteon.me"}).status_code == 404
    # The same path on the shared domain is not that link.
    assert client.get(f"/{link.path}", follow_redirects=False).status_code == 404


def test_the_port_is_part_of_the_host(client: TestClient, engine: Engine, project: ProjectFixture) -> None:
    link = _link(engine, project, add_domain(engine, "links.test:8080", project.project))
    hit = client.get(f"/{link.path}", headers={"Host": "links.test:8080"}, follow_redirects=False)
    assert hit.status_code == 302
    assert "location" not in client.get(f"/{link.path}", headers={"Host": "links.test"}, follow_redirects=False).headers


def test_path_prefix_domains(client: TestClient, engine: Engine, project: ProjectFixture) -> None:
    domain = add_domain(engine, "dom.ai/n", project.project, root_redirect="http://dom.ai/home")
    link = _link(engine, project, domain)
    assert link.awesm_url == f"http://dom.ai/n/{link.path}"
    response = client.get(f"/n/{link.path}", headers={"Host": "dom.ai"}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, link.redirect_url)
    for root in ("/n", "/n/"):
        assert client.get(root, headers={"Host": "Dom.AI"}, follow_redirects=False).headers["location"] == (
            "http://dom.ai/home")


def test_click_time_referrer_fills_the_ga_pattern(client: TestClient, services: Services, engine: Engine,
                                                  project: ProjectFixture) -> None:
    set_pattern(engine, project.project, "developers.awe.sm", GA_PATTERN)
    link = _link(engine, project, services.shared_domain)
    assert "utm_source=direct-sl.test" in link.redirect_url
    referred = client.get(f"/{link.path}", headers={"Referer": "https://t.co/abc"}, follow_redirects=False)
    query = parse_qs(urlsplit(referred.headers["location"]).query, keep_blank_values=True)
    assert query == {"utm_campaign": [""], "utm_medium": ["sl.test-copypaste"], "utm_source": ["t.co-sl.test"],
                     "utm_content": ["test-main"]}
    direct = client.get(f"/{link.path}", follow_redirects=False)
    assert "utm_source=direct-sl.test&" in direct.headers["location"]
    garbled = client.get(f"/{link.path}", headers={"Referer": "http://[oops/"}, follow_redirects=False)
    assert "utm_source=direct-sl.test&" in garbled.headers["location"]


def test_a_conversion_domain_adds_the_awesm_parameter(client: TestClient, services: Services, engine: Engine,
                                                      project: ProjectFixture) -> None:
    converting = configure_project(engine, project.project, conversions_enabled=True,
                                   conversion_domains=["henrysztul.info"])
    link = _link(engine, project, services.shared_domain, "http://henrysztul.info", project=converting)
    response = client.get(f"/{link.path}", follow_redirects=False)
    assert response.headers["location"] == f"http://henrysztul.info?awesm=sl.test_{link.path}"


def test_non_ascii_targets_are_percent_encoded_in_location(client: TestClient, services: Services, engine: Engine,
                                                           project: ProjectFixture) -> None:
    link = _link(engine, project, services.shared_domain, "http://example.org/caf\u00e9?q=\u00fc")
    response = client.get(f"/{link.path}", follow_redirects=False)
    assert response.headers["location"] == "http://example.org/caf%C3%A9?q=%C3%BC"


# -- what reaches the API: a stand-in that answers 218 shows it plainly -----------------------------------------------


async def _stand_in_api(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while (message := await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 218, "headers": [(b"content-length", b"3")]})
    await send({"type": "http.response.body", "body": b"api"})


@pytest.fixture
def routed(services: Services) -> Iterator[TestClient]:
    with TestClient(RedirectApp(_stand_in_api, services), base_url="http://sl.test") as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/url.json", "/url/batch.json", "/stats/range.json", "/users.json", "/url",
                                  "/stats", "/Static", "/", "/a.b", "/two/segments", "/sl.test_abc"])
def test_api_paths_on_the_api_host_are_never_redirects(routed: TestClient, path: str) -> None:
    assert routed.get(path, follow_redirects=False).status_code == 218


def test_other_methods_and_unknown_hosts_reach_the_api(routed: TestClient, services: Services, engine: Engine,
                                                       project: ProjectFixture) -> None:
    link = _link(engine, project, services.shared_domain)
    assert routed.post(f"/{link.path}").status_code == 218
    assert routed.get(f"/{link.path}", headers={"Host": "elsewhere.test"}).status_code == 218
    assert routed.get(f"/{link.path}", follow_redirects=False).status_code == 302


def test_the_api_host_serves_one_segment_paths_only_even_from_the_cache(routed: TestClient, services: Services,
                                                                         engine: Engine, project: ProjectFixture) -> None:
    """The hot path builds the cache key `host/path` from the request: `/n/<path>` on the API's host would be the
    key of link `<path>` on a domain `sl.test/n`. The API's host does not serve such domains, cached or not."""
    link = _link(engine, project, add_domain(engine, "sl.test/n", project.project))
    services.link_cache.load_link("sl.test/n", link.path)
    assert services.link_cache.peek_link("sl.test/n", link.path) is not MISS
    assert routed.get(f"/n/{link.path}", follow_redirects=False).status_code == 218


def test_the_api_hosts_root_redirect_wins_over_the_api(routed: TestClient, services: Services, engine: Engine) -> None:
    configure_domain(engine, services.shared_domain, root_redirect="http://example.org/welcome")
    services.link_cache.forget_domain(services.shared_domain.host_key)  # warmed at startup: this process changed it
    response = routed.get("/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, "http://example.org/welcome")


def test_a_cached_miss_is_forgotten_when_the_link_appears(routed: TestClient, services: Services, engine: Engine,
                                                          project: ProjectFixture) -> None:
    link = _link(engine, project, services.shared_domain)
    services.link_cache.put_link("sl.test", link.path, None)  # as if looked up just before it was created
    assert routed.get(f"/{link.path}", follow_redirects=False).status_code == 404
    services.link_cache.forget(link.awesm_id)
    assert routed.get(f"/{link.path}", follow_redirects=False).status_code == 302


def test_startup_warms_the_cache_with_existing_links(services: Services, engine: Engine,
                                                     project: ProjectFixture) -> None:
    link = _link(engine, project, services.shared_domain)
    assert services.link_cache.peek_link("sl.test", link.path) is MISS
    with TestClient(RedirectApp(_stand_in_api, services), base_url="http://sl.test"):
        warmed = services.link_cache.peek_link("sl.test", link.path)
    assert isinstance(warmed, LinkEntry) and warmed.link_id == link.id
