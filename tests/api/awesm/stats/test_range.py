"""`stats/range.json` through HTTP: links made by `url.json`, clicks through real redirects, the requests the
gem, cuteonme and Sharengine send (reference/clients.md), and the recorded answer's shape (reference §5.2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from tests.api.conftest import assert_link_shape

from .conftest import GOOGLEBOT, IPHONE, RANGE_KEYS, SLACKBOT, T0, Kit, by, totals

DAY = {"start_date": "2026-03-02", "end_date": "2026-03-03"}
GOALS = ["pageview", *[f"goal_{n}" for n in range(1, 11)], "goal_total"]


def _convert(kit: Kit, awesm_id: str, kind: str, value: int, at: datetime) -> None:
    response = kit.client.get("/conversions/new", params={
        "key": kit.key, "awesm_url": awesm_id, "conversion_type": kind, "conversion_value": str(value),
        "converted_at": str(int(at.replace(tzinfo=UTC).timestamp()))})
    assert response.status_code == 200, response.text


@pytest.fixture
def shop(kit: Kit) -> dict[str, dict]:
    """Three links on two channels, clicked by people, a crawler and an unfurler on the first day."""
    kit.enable_conversions()
    made = {
        "tw": kit.link(channel="twitter", tag="alpha", campaign="Spring Sale", campaign_description="Spring 2026",
                       user_id="u1", user_id_username="ann", user_id_icon_url="http://i.example/a.png",
                       url="http://shop.example/a", notes="first"),
        "tw2": kit.link(channel="twitter", tag="beta", created=T0 + timedelta(hours=20), url="http://shop.example/b"),
        "fb": kit.link(channel="facebook-post", tag="alpha", created=T0 - timedelta(days=3),
                       url="http://shop.example/a", notes="second"),
    }
    kit.click(made["tw"], T0 + timedelta(hours=1), n=4)
    kit.click(made["tw"], T0 + timedelta(hours=2), ip="81.2.69.142", ua=IPHONE)
    kit.click(made["tw"], T0 + timedelta(hours=2), ua=GOOGLEBOT, n=2)
    kit.click(made["tw2"], T0 + timedelta(hours=21), ip="81.2.69.142")
    kit.click(made["fb"], T0 + timedelta(hours=3), ua=SLACKBOT)
    kit.click(made["fb"], T0 + timedelta(hours=3), n=2)
    kit.click(made["fb"], T0 + timedelta(days=1, hours=1), n=7)  # the next day: outside DAY
    kit.flush()
    return made


def test_an_empty_project_answers_the_gems_recorded_shape(kit: Kit) -> None:
    body = kit.ok("/stats/range.json", start_date="2011-09-01", end_date="2011-10-01")
    assert list(body) == RANGE_KEYS
    assert body == {
        "end_date": "2011-10-01T00:00:00Z", "filters": [], "group_by": None, "groups": [], "last_offset": 0,
        "offset": 0, "page": None, "per_page": 10, "pivot": None, "pivot_sort_order": None,
        "pivot_sort_type": None, "sort_order": None, "sort_type": None, "start_date": "2011-09-01T00:00:00Z",
        "total_results": 0, "totals": {"clicks": 0, "clicks_per_share": 0.0, "shares": 0},
        "with_conversions": False, "with_metadata": False, "with_zeros": False,
    }


def test_totals_count_people_only_and_shares_are_links_created_in_the_range(kit: Kit, shop) -> None:
    body = kit.ok("/stats/range.json", **DAY)
    # 4 + 1 + 1 + 2 human clicks on the day; the crawler, the unfurler and the next day are not counted.
    assert totals(body) == {"clicks": 8, "clicks_per_share": 4.0, "shares": 2}
    assert list(totals(body)) == ["clicks", "clicks_per_share", "shares"]


def test_get_and_post_answer_the_same(kit: Kit, shop) -> None:
    params = {**DAY, "group_by": "channel"}
    assert kit.ok("/stats/range.json", **params) == kit.ok("/stats/range.json", "post", **params)
    assert kit.ok("/stats/range", **params) == kit.ok("/stats/range.json", **params)


def test_group_by_channel_in_clicks_order(kit: Kit, shop) -> None:
    body = kit.ok("/stats/range.json", group_by="channel", **DAY)
    assert body["groups"] == [
        {"channel": "twitter", "clicks": 6, "clicks_per_share": 3.0, "shares": 2},
        {"channel": "facebook-post", "clicks": 2, "clicks_per_share": 0.0, "shares": 0},
    ]
    assert (body["group_by"], body["total_results"], body["last_offset"]) == ("channel", 2, 2)


def test_the_gems_range_call(kit: Kit, shop) -> None:
    query = urlencode({"v": "3", "key": kit.key, "start_date": "2026-03-02T00:00:00Z",
                       "end_date": "2026-03-03T00:00:00Z", "group_by": "awesm_id"})
    response = kit.client.get(f"/stats/range.json?{query}")
    assert response.status_code == 200
    assert {g["awesm_id"]: g["clicks"] for g in response.json()["groups"]} == {
        shop["tw"]["awesm_id"]: 5, shop["tw2"]["awesm_id"]: 1, shop["fb"]["awesm_id"]: 2}


def test_cuteonme_range_without_dates_grouped_by_url_and_pivoted_by_tag(kit: Kit, shop) -> None:
    _convert(kit, shop["tw"]["awesm_id"], "goal_1", 1230, T0 + timedelta(hours=5))
    _convert(kit, shop["tw"]["awesm_id"], "goal_2", 99, T0 + timedelta(hours=5))
    _convert(kit, shop["fb"]["awesm_id"], "goal_1", 500, T0 + timedelta(days=2))
    query = (f"v=3&key={kit.key}&user_id=u1&group_by=original_url&pivot=tag&with_metadata=true"
             f"&with_conversions=true&sort_type=shared_at&page=1")
    body = kit.client.get(f"/stats/range.json?{query}").json()
    assert (body["start_date"], body["end_date"], body["page"], body["sort_type"]) == (None, None, 1, "shared_at")
    assert body["filters"] == [{"name": "user_id", "values": ["u1"]}]
    assert (body["last_offset"], body["total_results"]) == (1, 1)
    [group] = body["groups"]
    assert group["original_url"] == "http://shop.example/a"
    assert group["metadata"] == {"icon_url": None, "title": None}
    [pivot] = group["pivots"]
    assert pivot["tag"] == "alpha" and pivot["clicks"] == 5
    assert pivot["conversions"]["goal_1"] == {"count": 1, "value": 1230}
    assert pivot["conversions"]["goal_2"]["count"] == 1
    assert list(pivot["conversions"]) == GOALS
    assert pivot["conversions"]["goal_total"] == {"count": 2, "value": 1329}


def test_cuteonme_second_call_reads_the_links_notes(kit: Kit, shop) -> None:
    query = urlencode({"v": "3", "key": kit.key, "original_url": "http://shop.example/a", "group_by": "awesm_id",
                       "with_metadata": "true", "per_page": "1"})
    body = kit.client.get(f"/stats/range.json?{query}").json()
    assert body["groups"][0]["metadata"]["notes"] == "second"  # fb: 9 clicks in all, tw 5
    assert_link_shape(body["groups"][0]["metadata"])
    assert (body["per_page"], body["total_results"], body["last_offset"]) == (1, 2, 1)


def test_sharengine_range_with_pacific_dates_and_filters(kit: Kit, shop) -> None:
    query = ("start_date=03/01/2026T16:00:00-08:00&end_date=03/02/2026T16:00:00-08:00&group_by=tag"
             "&sort_type=clicks&sort_order=desc&per_page=25&tag=alpha&tag_2=undefined")
    response = kit.client.get(f"/stats/range.json?v=3&key={kit.key}&{query}")
    assert response.status_code == 400  # grouping by tag while filtering on it
    body = kit.ok("/stats/range.json", start_date="03/01/2026T16:00:00-08:00",
                  end_date="03/02/2026T16:00:00-08:00", group_by="service", sort_type="clicks", sort_order="desc",
                  per_page="25", tag="alpha")
    assert (body["start_date"], body["end_date"]) == ("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z")
    assert {g["service"]: g["clicks"] for g in body["groups"]} == {"twitter": 5, "facebook": 2}
    assert body["per_page"] == 25


def test_dates_round_out_to_whole_hours(kit: Kit) -> None:
    link = kit.link()
    for minute in (-1, 5, 170, 185):  # 09:59, 10:05, 12:50, 13:05
        kit.click(link, T0 + timedelta(hours=10, minutes=minute))
    kit.flush()
    body = kit.ok("/stats/range.json", start_date="2026-03-02T10:30:00Z", end_date="2026-03-02T12:10:00Z")
    assert (body["start_date"], body["end_date"]) == ("2026-03-02T10:00:00Z", "2026-03-02T13:00:00Z")
    assert totals(body)["clicks"] == 2
    exact = kit.ok("/stats/range.json", start_date="2026-03-02T15:00:00+05:00", end_date="2026-03-02T18:00:00+05:00")
    assert (exact["start_date"], totals(exact)["clicks"]) == ("2026-03-02T10:00:00Z", 2)


def test_with_bots_reports_crawlers_and_unfurlers_beside_people(kit: Kit, shop) -> None:
    body = kit.ok("/stats/range.json", group_by="awesm_id", with_bots="true", **DAY)
    assert totals(body) == {"clicks": 8, "clicks_per_share": 4.0, "shares": 2, "bot_clicks": 2,
                            "unfurler_clicks": 1}
    groups = by(body, "awesm_id")
    assert (groups[shop["tw"]["awesm_id"]]["bot_clicks"], groups[shop["fb"]["awesm_id"]]["unfurler_clicks"]) == (2, 1)
    assert list(body)[-1] == "with_bots"


def test_with_uniques_counts_each_visitor_once_per_link(kit: Kit, shop) -> None:
    body = kit.ok("/stats/range.json", group_by="awesm_id", with_uniques="true", **DAY)
    groups = by(body, "awesm_id")
    # tw: four clicks from one browser and one from an iPhone elsewhere; fb: two from one browser.
    assert groups[shop["tw"]["awesm_id"]]["unique_clicks"] == 2
    assert groups[shop["fb"]["awesm_id"]]["unique_clicks"] == 1
    assert totals(body)["unique_clicks"] == 4


def test_with_metadata_on_awesm_id_campaign_and_user_groups(kit: Kit, shop) -> None:
    links = by(kit.ok("/stats/range.json", group_by="awesm_id", with_metadata="true", **DAY), "awesm_id")
    assert links[shop["tw"]["awesm_id"]]["metadata"] == {**shop["tw"], "created_at": "2026-03-02T00:00:00Z"}
    campaigns = by(kit.ok("/stats/range.json", group_by="campaign", with_metadata="true", **DAY), "campaign")
    assert campaigns["spring-sale"]["metadata"] == {"description": "Spring 2026", "name": "Spring Sale"}
    assert campaigns[None]["metadata"] is None
    users = by(kit.ok("/stats/range.json", group_by="user_id", with_metadata="true", **DAY), "user_id")
    assert users["u1"]["metadata"] == {"icon_url": "http://i.example/a.png", "username": "ann", "profile_url": None}
    assert list(users["u1"]) == ["user_id", "clicks", "clicks_per_share", "shares", "metadata"]


def test_pivots_carry_metadata_too(kit: Kit, shop) -> None:
    body = kit.ok("/stats/range.json", group_by="channel", pivot="awesm_id", with_metadata="true", **DAY)
    pivots = by(by(body, "channel")["twitter"], "awesm_id", "pivots")
    assert pivots[shop["tw2"]["awesm_id"]]["metadata"]["awesm_url"] == shop["tw2"]["awesm_url"]


def test_conversions_count_in_the_hour_they_happen(kit: Kit, shop) -> None:
    _convert(kit, shop["fb"]["awesm_id"], "goal_3", 2500, T0 + timedelta(hours=4))
    _convert(kit, shop["fb"]["awesm_id"], "pageview", 7, T0 + timedelta(hours=4))
    _convert(kit, shop["fb"]["awesm_id"], "goal_3", 100, T0 + timedelta(days=2))
    body = kit.ok("/stats/range.json", group_by="channel", with_conversions="true", sort_type="conversions", **DAY)
    first = body["groups"][0]
    assert first["channel"] == "facebook-post"
    assert first["conversions"]["goal_3"] == {"count": 1, "value": 2500}
    assert first["conversions"]["pageview"] == {"count": 1, "value": 0}  # a pageview's value is ignored
    assert first["conversions"]["goal_total"] == {"count": 1, "value": 2500}
    assert totals(body)["conversions"]["goal_3"]["count"] == 1
    assert "conversions" not in kit.ok("/stats/range.json", group_by="channel", **DAY)["groups"][0]


@pytest.mark.parametrize("sort_type", ["clicks", "shares", "clicks_per_share", "shared_at", "conversions"])
@pytest.mark.parametrize("sort_order", ["asc", "desc"])
def test_every_sort_type_and_order(kit: Kit, shop, sort_type: str, sort_order: str) -> None:
    body = kit.ok("/stats/range.json", group_by="awesm_id", sort_type=sort_type, sort_order=sort_order,
                  with_conversions="true", start_date="2026-02-20", end_date="2026-03-10")
    assert (body["sort_type"], body["sort_order"]) == (sort_type, sort_order)
    created = {shop["tw"]["awesm_id"]: T0, shop["tw2"]["awesm_id"]: T0 + timedelta(hours=20),
               shop["fb"]["awesm_id"]: T0 - timedelta(days=3)}
    value = {
        "clicks": lambda g: g["clicks"], "shares": lambda g: g["shares"],
        "clicks_per_share": lambda g: g["clicks_per_share"], "shared_at": lambda g: created[g["awesm_id"]],
        "conversions": lambda g: g["conversions"]["goal_total"]["count"],
    }[sort_type]
    values = [value(g) for g in body["groups"]]
    assert values == sorted(values, reverse=sort_order == "desc")
    assert len(values) == 3


@pytest.mark.parametrize("sort_order", ["asc", "desc"])
def test_pivot_sort_type_and_order(kit: Kit, shop, sort_order: str) -> None:
    body = kit.ok("/stats/range.json", group_by="channel", pivot="awesm_id", pivot_sort_type="clicks",
                  pivot_sort_order=sort_order, **DAY)
    assert (body["pivot_sort_type"], body["pivot_sort_order"]) == ("clicks", sort_order)
    clicks = [p["clicks"] for p in by(body, "channel")["twitter"]["pivots"]]
    assert clicks == sorted(clicks, reverse=sort_order == "desc") and len(clicks) == 2


def test_paging_by_page_and_by_offset(kit: Kit) -> None:
    made = [kit.link(channel=f"ch{n}") for n in range(7)]
    for n, link in enumerate(made):
        kit.click(link, T0 + timedelta(hours=1), n=n + 1)
    kit.flush()
    seen: list[str] = []
    offset = 0
    while True:
        body = kit.ok("/stats/range.json", group_by="channel", per_page="3", offset=str(offset), **DAY)
        assert (body["offset"], body["total_results"], body["page"]) == (offset, 7, None)
        seen += [g["channel"] for g in body["groups"]]
        if body["last_offset"] >= body["total_results"]:
            break
        offset = body["last_offset"]
    assert seen == [f"ch{n}" for n in reversed(range(7))]
    page3 = kit.ok("/stats/range.json", group_by="channel", per_page="3", page="3", **DAY)
    assert ([g["channel"] for g in page3["groups"]], page3["offset"], page3["last_offset"]) == (["ch0"], 6, 7)
    beyond = kit.ok("/stats/range.json", group_by="channel", page="99", **DAY)
    assert (beyond["groups"], beyond["offset"], beyond["last_offset"]) == ([], 980, 980)
    both = kit.ok("/stats/range.json", group_by="channel", per_page="2", page="2", offset="1", **DAY)
    assert [g["channel"] for g in both["groups"]] == ["ch5", "ch4"]  # offset overrides page
    huge = kit.ok("/stats/range.json", group_by="channel", per_page="100000", **DAY)
    assert (huge["per_page"], len(huge["groups"])) == (1000, 7)


def test_filters_narrow_clicks_and_shares_and_are_echoed(kit: Kit, shop) -> None:
    body = kit.ok("/stats/range.json", channel="twitter", tag="beta", **DAY)
    assert totals(body) == {"clicks": 1, "clicks_per_share": 1.0, "shares": 1}
    assert body["filters"] == [{"name": "channel", "values": ["twitter"]}, {"name": "tag", "values": ["beta"]}]
    several = kit.client.get(f"/stats/range.json?v=3&key={kit.key}&start_date=2026-03-02&end_date=2026-03-03"
                             f"&tag[]=alpha&tag[]=beta&channel=twitter")
    assert several.json()["totals"]["clicks"] == 6


def test_country_filter_and_group_by_country(kit: Kit, shop) -> None:
    body = kit.ok("/stats/range.json", group_by="country", **DAY)
    assert {g["country"]: g["clicks"] for g in body["groups"]} == {"US": 6, "GB": 2}
    assert body["groups"][0]["shares"] is None  # a click's country says nothing about shares
    only = kit.ok("/stats/range.json", country="GB", **DAY)
    assert totals(only)["clicks"] == 2


def test_jsonp_callback(kit: Kit, shop) -> None:
    response = kit.get("/stats/range.json", callback="show", **DAY)
    assert response.headers["content-type"] == "application/javascript; charset=utf-8"
    assert response.text.startswith("/**/show({") and response.text.endswith("});")


def test_a_range_over_many_days_reads_days_and_edge_hours(kit: Kit, shop) -> None:
    body = kit.ok("/stats/range.json", start_date="2026-03-01T22:30:00Z", end_date="2026-03-03T01:30:00Z")
    assert totals(body)["clicks"] == 15  # every human click, the next day's 01:00 included
