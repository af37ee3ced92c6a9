"""The dashboard over HTTP: sign-in three ways, sessions, CSRF, every page, 404s and tenant isolation."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from sharelytics.core.accounts.users import AccountError, create_user
from sharelytics.core.links.model import Link
from tests.conftest import ProjectFixture, make_project
from tests.web.conftest import csrf_of, sign_in

PAGES = ["/dashboard/links", "/dashboard/campaigns", "/dashboard/tools", "/dashboard/messages"]


@pytest.mark.parametrize("path", PAGES + ["/dashboard/links/sl.test_x", "/dashboard/snapshots/x", "/dashboard/messages/x"])
def test_every_page_needs_a_session(client: TestClient, path: str) -> None:
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/dashboard/login?next=%2Fdashboard%2F")


def test_the_root_goes_to_the_links(signed_in: TestClient) -> None:
    answer = signed_in.get("/dashboard/", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/dashboard/links")


def test_sign_in_with_the_awesm_key_and_back_to_the_page_asked_for(client: TestClient, project: ProjectFixture) -> None:
    login = client.get("/dashboard/login?next=%2Fdashboard%2Fcampaigns")
    assert login.status_code == 200 and 'value="/dashboard/campaigns"' in login.text
    answer = client.post("/dashboard/login", follow_redirects=False, data={
        "csrf": csrf_of(login.text), "method": "awesm", "api_key": project.key, "next": "/dashboard/campaigns"})
    assert (answer.status_code, answer.headers["location"]) == (303, "/dashboard/campaigns")
    cookie = answer.headers["set-cookie"]
    assert "path=/dashboard" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert client.get("/dashboard/campaigns").status_code == 200


def test_sign_in_with_the_oneall_key_pair(client: TestClient, project: ProjectFixture) -> None:
    sign_in(client, method="oneall", public_key=project.keys.oneall_public_key,
            private_key=project.keys.oneall_private_key)
    assert "Demo" in client.get("/dashboard/links").text


def test_sign_in_with_a_dashboard_account(client: TestClient, engine: Engine, project: ProjectFixture) -> None:
    create_user(engine, project.project, "Alice", "correct horse battery")
    sign_in(client, method="account", username="alice", password="correct horse battery")
    page = client.get("/dashboard/links")
    assert page.status_code == 200 and 'title="signed in with user alice"' in page.text


@pytest.mark.parametrize("fields", [
    {"method": "awesm", "api_key": "nope"},
    {"method": "oneall", "public_key": "nope", "private_key": "nope"},
    {"method": "account", "username": "alice", "password": "wrong password!"},
])
def test_wrong_credentials_are_refused(client: TestClient, engine: Engine, project: ProjectFixture,
                                       fields: dict[str, str]) -> None:
    create_user(engine, project.project, "alice", "correct horse battery")
    token = csrf_of(client.get("/dashboard/login").text)
    answer = client.post("/dashboard/login", data={"csrf": token, **fields}, follow_redirects=False)
    assert answer.status_code == 401 and "not accepted" in answer.text
    assert client.get("/dashboard/links", follow_redirects=False).status_code == 303


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, project: ProjectFixture) -> None:
    client.get("/dashboard/login")
    answer = client.post("/dashboard/login", data={"method": "awesm", "api_key": project.key}, follow_redirects=False)
    assert answer.status_code == 403
    sign_in(client, method="awesm", api_key=project.key)
    assert client.post("/dashboard/logout", data={"csrf": "forged"}).status_code == 403
    assert client.get("/dashboard/links").status_code == 200  # still signed in


def test_sign_out(signed_in: TestClient) -> None:
    token = csrf_of(signed_in.get("/dashboard/links").text)
    answer = signed_in.post("/dashboard/logout", data={"csrf": token}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/dashboard/login")
    assert signed_in.get("/dashboard/links", follow_redirects=False).status_code == 303


def test_next_never_leaves_the_dashboard(client: TestClient, project: ProjectFixture) -> None:
    token = csrf_of(client.get("/dashboard/login").text)
    answer = client.post("/dashboard/login", follow_redirects=False, data={
        "csrf": token, "method": "awesm", "api_key": project.key, "next": "https://evil.example/dashboard/"})
    assert answer.headers["location"] == "/dashboard/links"


def test_a_tampered_session_cookie_is_no_session(signed_in: TestClient) -> None:
    value = signed_in.cookies.get("sharelytics_dashboard")
    assert value
    signed_in.cookies.set("sharelytics_dashboard", value[:-3] + "AAA", path="/dashboard")
    assert signed_in.get("/dashboard/links", follow_redirects=False).status_code == 303


def test_the_links_list_counts_humans_bots_and_previews(signed_in: TestClient, links: list[Link]) -> None:
    page = signed_in.get("/dashboard/links")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    row = re.search(rf'{links[0].awesm_id}</a></td>(.*?)</tr>', page.text, re.DOTALL)
    assert row and re.findall(r'class="n">(\d+)<', row.group(1)) == ["3", "1", "2"]
    assert "3 found" in page.text


def test_the_links_list_searches_and_filters_on_the_server(signed_in: TestClient, links: list[Link]) -> None:
    found = signed_in.get("/dashboard/links", params={"q": "EXAMPLE.ORG"}).text
    choices = re.findall(r'<option ?(?:selected)?>([^<]+)</option>', found)  # the filters' drop-downs
    assert choices == ["launch", "copypaste", "facebook-post", "twitter", "test-main"]
    assert links[2].awesm_id in found and links[0].awesm_id not in found
    by_campaign = signed_in.get("/dashboard/links", params={"campaign": "launch", "period": "7d"}).text
    assert links[0].awesm_id in by_campaign and links[1].awesm_id not in by_campaign
    assert "No links match" in signed_in.get("/dashboard/links", params={"q": "100%_nothing"}).text


@pytest.mark.parametrize(("params", "count"), [({}, 3), ({"channel": "facebook-post"}, 1), ({"campaign": "launch"}, 1),
                                               ({"tag": "blue"}, 1), ({"q": "example.com"}, 2),
                                               ({"q": "nothing like it"}, 0), ({"tool": "test-main"}, 3)])
def test_all_time_lists_what_the_stats_report_lists(signed_in: TestClient, links: list[Link],
                                                                 params: dict[str, str], count: int) -> None:
    """All time pages the links table (and per-link totals); a period pages the stats report: the same links in the
    same order (every link here was shared and clicked within the last 365 days)."""
    def listed(extra: dict[str, str]) -> tuple[list[str], str]:
        page = signed_in.get("/dashboard/links", params={**params, **extra}).text
        totals = re.search(r'<p class="totals">(.*?)</p>', page, re.DOTALL)
        assert totals
        return re.findall(r'<td><a href="/dashboard/links/([^"]+)">', page), totals.group(1)

    for sort in ("shared_at", "clicks", "shares"):
        all_time, totals = listed({"sort": sort})
        assert len(all_time) == count
        assert all_time == listed({"sort": sort, "period": "365d"})[0]
    assert totals == listed({"sort": "clicks", "period": "365d"})[1] or not count


def test_the_links_list_is_paged(signed_in: TestClient, links: list[Link]) -> None:
    import sharelytics.web.pages_links as pages

    original = pages.PER_PAGE
    pages.PER_PAGE = 2
    try:
        first = signed_in.get("/dashboard/links", params={"sort": "clicks"}).text
        second = signed_in.get("/dashboard/links", params={"sort": "clicks", "page": "2"}).text
        newest = [signed_in.get("/dashboard/links", params={"page": str(n)}).text for n in (1, 2)]
    finally:
        pages.PER_PAGE = original
    assert "Page 1 of 2" in first and links[0].awesm_id in first and links[2].awesm_id not in first
    assert "Page 2 of 2" in second and links[2].awesm_id in second
    assert "Page 1 of 2" in newest[0] and "Page 2 of 2" in newest[1] and "3 found" in newest[1]
    assert [sum(link.awesm_id + "<" in page for link in links) for page in newest] == [2, 1]


def test_a_link_page_has_its_charts_and_share_tree(signed_in: TestClient, links: list[Link]) -> None:
    root, child, _ = links
    page = signed_in.get(f"/dashboard/links/{root.awesm_id}").text
    assert page.count('class="chart-frame"') == 1  # clicks over time
    assert page.count('<table class="bars"') == 7  # humans/bots/previews, 5 breakdowns, reshares
    assert "<title>humans: 3 clicks</title>" in page and "<title>t.co: 3 clicks</title>" in page
    assert "<title>facebook-post: 1 clicks</title>" in page  # the reshare's click, by its channel
    assert f'href="/dashboard/links/{child.awesm_id}"' in page
    child_page = signed_in.get(f"/dashboard/links/{child.awesm_id}", params={"period": "1d"}).text
    assert f'href="/dashboard/links/{root.awesm_id}"' in child_page  # its lineage


def test_breakdowns_show_no_zero_rows_for_bots_and_previews(signed_in: TestClient, links: list[Link]) -> None:
    page = signed_in.get(f"/dashboard/links/{links[0].awesm_id}").text
    browsers = re.search(r'<table class="bars" aria-label="Clicks by browsers">(.*?)</table>', page, re.DOTALL)
    assert browsers and re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', browsers.group(1)) == ["Firefox"]
    assert "Googlebot" not in page and "Slackbot" not in page  # only in the counts of bots and link previews
    assert re.findall(r'<td class="n">(\d+)</td>', browsers.group(1)) == ["3"]
    assert "<title>bots: 1 clicks</title>" in page and "<title>link previews: 2 clicks</title>" in page


def test_campaigns_and_tools(signed_in: TestClient, links: list[Link], project: ProjectFixture) -> None:
    campaigns = signed_in.get("/dashboard/campaigns").text
    assert 'href="/dashboard/links?campaign=launch"' in campaigns
    tools = signed_in.get("/dashboard/tools", params={"period": "7d"}).text
    assert project.tool.label in tools and "test / Main" in tools


@pytest.mark.parametrize("path", ["/dashboard/links/sl.test_nothing", "/dashboard/messages/nothing",
                                  "/dashboard/snapshots/nothing", "/dashboard/no-such-page"])
def test_unknown_things_are_404(signed_in: TestClient, path: str) -> None:
    answer = signed_in.get(path)
    assert answer.status_code == 404 and "Not found" in answer.text


def test_another_projects_link_is_404(client: TestClient, engine: Engine, links: list[Link]) -> None:
    other = make_project(engine, "Other")
    sign_in(client, method="awesm", api_key=other.key)
    assert client.get(f"/dashboard/links/{links[0].awesm_id}").status_code == 404
    assert links[0].awesm_id not in client.get("/dashboard/links").text


def test_static_files_are_served(client: TestClient) -> None:
    assert "svg.chart" in client.get("/dashboard/static/dashboard.css").text
    assert "data-autosubmit" in client.get("/dashboard/static/dashboard.js").text


def test_account_names_and_passwords_are_checked(engine: Engine, project: ProjectFixture) -> None:
    with pytest.raises(AccountError):
        create_user(engine, project.project, "bad name", "long enough password")
    with pytest.raises(AccountError):
        create_user(engine, project.project, "bob", "short")
    create_user(engine, project.project, "bob", "long enough password")
    with pytest.raises(AccountError, match="taken"):
        create_user(engine, project.project, "BOB", "long enough password")
