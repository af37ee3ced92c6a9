"""/shorturls.json and /shorturls/<token>.json: create, list, read with referrals, delete. Short URLs are the
project's links (one store with the awe.sm API)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from sharelytics.app import Services
from sharelytics.core.clicks.journal import ClickRecord
from sharelytics.core.clicks.writer import ClickWriter
from sharelytics.storage.tables import click_days, click_facets, click_hours, clicks, links
from tests.api.conftest import BROWSER
from tests.api.oneall.conftest import RFC2822, call, failed, ok
from tests.conftest import ProjectFixture

SHORTURL_KEYS = ["shorturl_token", "original_url", "short_url", "date_creation", "num_referrals"]


def create(client: TestClient, site: ProjectFixture, url: str = "http://www.oneall.com") -> dict:
    return ok(call(client, site, "POST", "/shorturls.json", {"shorturl": {"original_url": url}}))["shorturl"]


def test_create_answers_200_with_the_shorturl(client: TestClient, site: ProjectFixture) -> None:
    created = create(client, site)
    assert list(created) == SHORTURL_KEYS and created["num_referrals"] == 0
    assert created["short_url"] == f"http://sl.test/{created['shorturl_token']}" and RFC2822.match(created["date_creation"])
    redirect = client.get("/" + created["shorturl_token"], follow_redirects=False)
    assert redirect.headers["location"] == "http://www.oneall.com"


def test_the_php_sdk_body_with_escaped_slashes(client: TestClient, site: ProjectFixture) -> None:
    from tests.api.oneall.conftest import basic

    raw = b'{"request":{"shorturl":{"original_url":"http:\\/\\/www.oneall.com\\/services\\/"}}}'
    response = client.post("/shorturls.json", content=raw,
                           headers={**basic(site), "Content-Type": "application/json", "User-Agent": "PHP SDK 1.0"})
    assert ok(response)["shorturl"]["original_url"] == "http://www.oneall.com/services/"


def test_list_with_referral_dates_only_once_clicked(client: TestClient, site: ProjectFixture,
                                                    services: Services) -> None:
    first, second = create(client, site), create(client, site, "http://www.oneall.com/services/")
    client.get("/" + second["shorturl_token"], headers={"User-Agent": BROWSER}, follow_redirects=False)
    assert services.pipeline is not None
    services.pipeline.flush()
    data = ok(call(client, site, "GET", "/shorturls.json?page=1&entries_per_page=100&order_direction=asc"))["shorturls"]
    assert data["pagination"]["order"] == {"field": "date_creation", "direction": "asc"}
    one, two = data["entries"]
    assert one["shorturl_token"] == first["shorturl_token"] and list(one) == SHORTURL_KEYS
    assert list(two) == ["shorturl_token", "original_url", "short_url", "date_creation", "date_last_referral",
                         "num_referrals"] and two["num_referrals"] == 1


def _store(engine: Engine, project_id: int, link_id: int, clicks_at: list[tuple[str, str | None, datetime]]) -> None:
    """Clicks through the real writer: (user agent, IP, time), the referrer numbered in order."""
    records = [ClickRecord(uuid.uuid4().hex, link_id, project_id, moment.replace(tzinfo=UTC).timestamp(), agent, ip,
                           f"http://www.example.com/{n}", None) for n, (agent, ip, moment) in enumerate(clicks_at)]
    ClickWriter(engine, "test-secret").write(records)


def test_referrals_follow_the_privacy_mode_and_bots_are_apart(client: TestClient, site: ProjectFixture,
                                                              engine: Engine) -> None:
    created = create(client, site)
    with engine.connect() as conn:
        link_id = conn.execute(select(links.c.id)).scalar_one()
    _store(engine, site.project.id, link_id, [(BROWSER, "123.123.123.7", datetime(2026, 1, 1, 10, 0)),
                                              ("Googlebot/2.1", None, datetime(2026, 1, 1, 10, 1)),
                                              (BROWSER, None, datetime(2026, 1, 1, 10, 2))])
    detail = ok(call(client, site, "GET", f"/shorturls/{created['shorturl_token']}.json"))["shorturl"]
    assert detail["date_last_referral"] == "Thu, 01 Jan 2026 10:02:00 +0000"
    assert detail["referrals"]["count"] == 2 and detail["num_bot_referrals"] == 1
    assert detail["referrals"]["entries"][0] == {"page": "http://www.example.com/0", "ip_address": "123.123.123.0",
                                                 "date_creation": "Thu, 01 Jan 2026 10:00:00 +0000"}
    paged = ok(call(client, site, "GET", f"/shorturls/{created['shorturl_token']}.json?entries_per_page=1&page=2"))
    assert [r["page"] for r in paged["shorturl"]["referrals"]["entries"]] == ["http://www.example.com/2"]


def test_referrals_page_across_hours_and_days_in_both_directions(client: TestClient, site: ProjectFixture,
                                                                 engine: Engine) -> None:
    """Pages of human clicks spread over hours (the page is found hour by hour): every page as the whole list
    sliced, bots left out, the last referral the newest human click."""
    created = create(client, site)
    with engine.connect() as conn:
        link_id = conn.execute(select(links.c.id)).scalar_one()
    start = datetime(2026, 3, 1, 22, 30)
    moments = [start + timedelta(minutes=37 * n) for n in range(23)]
    _store(engine, site.project.id, link_id,
           [("Googlebot/2.1" if n % 5 == 4 else BROWSER, None, moment) for n, moment in enumerate(moments)])
    humans = [f"http://www.example.com/{n}" for n in range(23) if n % 5 != 4]
    token = created["shorturl_token"]
    for direction, expected in (("asc", humans), ("desc", humans[::-1])):
        for per_page in (1, 4, 7, 50):
            seen = []
            for page in range(1, -(-len(humans) // per_page) + 2):
                found = ok(call(client, site, "GET", f"/shorturls/{token}.json?entries_per_page={per_page}"
                                                     f"&page={page}&order_direction={direction}"))["shorturl"]
                assert found["referrals"]["pagination"]["total_entries"] == len(humans)
                seen += [r["page"] for r in found["referrals"]["entries"]]
            assert seen == expected, (direction, per_page)
    detail = ok(call(client, site, "GET", f"/shorturls/{token}.json"))["shorturl"]
    assert detail["date_last_referral"] == moments[22].strftime("%a, %d %b %Y %H:%M:%S +0000")


def test_deleting_a_short_url_deletes_its_clicks_and_rollups(client: TestClient, site: ProjectFixture,
                                                            engine: Engine) -> None:
    keep, gone = create(client, site), create(client, site, "http://www.oneall.com/2")
    with engine.connect() as conn:
        ids = dict(conn.execute(select(links.c.path, links.c.id)).tuples().all())
    for token in (keep["shorturl_token"], gone["shorturl_token"]):
        _store(engine, site.project.id, ids[token], [(BROWSER, "10.0.0.1", datetime(2026, 2, d, h, 5))
                                                      for d in (1, 2) for h in (0, 23)])
    ok(call(client, site, "DELETE", f"/shorturls/{gone['shorturl_token']}.json?confirm_deletion=true"))
    with engine.connect() as conn:
        for table in (clicks, click_hours, click_days, click_facets):
            left = conn.execute(select(table.c.link_id, func.count()).group_by(table.c.link_id)).all()
            assert dict(left) == {ids[keep["shorturl_token"]]: 2 if table is click_days else 4}, table.name


def test_awesm_links_are_short_urls_too(client: TestClient, site: ProjectFixture) -> None:
    made = client.post("/url.json", data={"v": "3", "key": site.key, "tool": site.tool.key, "channel": "twitter",
                                          "url": "http://example.com/"}).json()
    read = ok(call(client, site, "GET", f"/shorturls/{made['path']}.json"))["shorturl"]
    assert read["short_url"] == made["awesm_url"]
    assert ok(call(client, site, "GET", f"/shorturls/{made['awesm_id']}.json"))["shorturl"] == read


def test_delete_needs_confirmation_and_stops_the_redirect(client: TestClient, site: ProjectFixture) -> None:
    created = create(client, site)
    token = created["shorturl_token"]
    failed(call(client, site, "DELETE", f"/shorturls/{token}.json"), 400)
    assert client.get("/" + token, follow_redirects=False).status_code == 302
    ok(call(client, site, "DELETE", f"/shorturls/{token}.json?confirm_deletion=true"))
    failed(call(client, site, "GET", f"/shorturls/{token}.json"), 404)
    assert client.get("/" + token, follow_redirects=False).status_code == 404


def test_bad_creates_and_foreign_tokens(client: TestClient, site: ProjectFixture, other_site: ProjectFixture) -> None:
    failed(call(client, site, "POST", "/shorturls.json", {"shorturl": {"original_url": "javascript:alert(1)"}}), 400)
    failed(call(client, site, "POST", "/shorturls.json", {"shorturl": {}}), 400)
    failed(call(client, site, "POST", "/shorturls.json", {"shorturl": {"original_url": ["http://x.org"]}}), 400)
    token = create(client, site)["shorturl_token"]
    failed(call(client, other_site, "GET", f"/shorturls/{token}.json"), 404)
    failed(call(client, other_site, "DELETE", f"/shorturls/{token}.json?confirm_deletion=true"), 404)
    ok(call(client, site, "GET", f"/shorturls/{token}.json"))
