"""`conversions/new` through HTTP (reference §6): the gem's call without `v`, the recorded answer, the error
bodies, and the conversion counted for its link in the Stats API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sharelytics.storage.tables import conversions
from tests.api.awesm.stats.conftest import T0, Kit, by, kit  # noqa: F401 - the fixture

CONVERSION_KEYS = ["account_conversionid", "account_id", "account_userid", "awesm_url", "clicker_id",
                   "converted_at", "href", "id", "ip_address", "language", "redirection_id", "referrer",
                   "session_id", "type", "user_agent", "value"]


def _epoch(moment: datetime) -> str:
    return str(int(moment.replace(tzinfo=UTC).timestamp()))


@pytest.fixture
def link(kit: Kit) -> dict:
    kit.enable_conversions()
    return kit.link(tag="alpha", channel="twitter")


def test_the_gems_call_and_the_recorded_answer(kit: Kit, link: dict) -> None:
    query = f"key={kit.key}&awesm_url={link['awesm_id']}&conversion_type=goal_1&conversion_value=1230"
    response = kit.client.get(f"/conversions/new?{query}", headers={"user-agent": "Ruby"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert list(body) == ["request", "response"]
    assert body["request"] == {"action": "new", "awesm_url": link["awesm_id"], "controller": "conversion",
                               "conversion_type": "goal_1", "conversion_value": "1230", "key": kit.key}
    conversion = body["response"]["conversion"]
    assert list(conversion) == CONVERSION_KEYS
    assert re.fullmatch(r"[0-9a-f-]{36}", conversion["id"])
    assert isinstance(conversion["converted_at"], int) and isinstance(conversion["account_id"], str)
    assert {k: conversion[k] for k in ("awesm_url", "type", "value", "user_agent", "redirection_id")} == {
        "awesm_url": link["awesm_id"], "type": "goal_1", "value": 1230, "user_agent": "Ruby",
        "redirection_id": None}


def test_actionscript_style_and_post_and_suffix(kit: Kit, link: dict) -> None:
    params = {"key": kit.key, "awesm_url": link["awesm_id"], "conversion_type": "goal_3", "conversion_value": "1"}
    for response in (kit.client.get("/conversions/new.json", params=params),
                     kit.client.post("/conversions/new", data=params)):
        assert response.status_code == 200, response.text
        assert response.json()["response"]["conversion"]["type"] == "goal_3"


def test_optional_fields_are_kept(kit: Kit, link: dict, engine) -> None:
    body = kit.client.get("/conversions/new", params={
        "key": kit.key, "awesm_url": link["awesm_id"], "conversion_type": "pageview", "conversion_value": "999",
        "account_conversionid": "order-1", "account_userid": "user-9", "converted_at": _epoch(T0),
        "ip_address": "81.2.69.142", "language": "fr", "referrer": "http://r.example/", "href": "http://s/x",
        "session_id": "s1", "clicker_id": "c1"}).json()["response"]["conversion"]
    assert (body["value"], body["converted_at"], body["account_conversionid"]) == (0, int(_epoch(T0)), "order-1")
    assert (body["language"], body["referrer"], body["session_id"], body["clicker_id"]) == (
        "fr", "http://r.example/", "s1", "c1")
    assert body["ip_address"] != "81.2.69.142"  # the project's privacy mode applies to stored IPs
    with engine.connect() as conn:
        assert conn.execute(select(conversions.c.type, conversions.c.value)).one() == ("pageview", 0)


@pytest.mark.parametrize("params, code, status", [
    ({"conversion_type": "goal_11"}, 1070, 400),
    ({"conversion_type": "sale"}, 1070, 400),
    ({"conversion_value": "12.50"}, 1070, 400),
    ({"conversion_value": "-1"}, 1070, 400),
    ({"converted_at": "yesterday"}, 1070, 400),
    ({"converted_at": "9" * 30}, 1070, 400),
    ({"account_userid": "x" * 51}, 1070, 400),
    ({"awesm_url": "sl.test_nope"}, 1072, 400),
    ({"awesm_url": ""}, 1001, 400),
    ({"conversion_type": ""}, 1001, 400),
    ({"key": "wrong"}, 1000, 400),
    ({"awesm_url": "a\x00b"}, 1005, 400),
])
def test_errors_in_the_create_shape(kit: Kit, link: dict, params: dict, code: int, status: int) -> None:
    data = {"key": kit.key, "awesm_url": link["awesm_id"], "conversion_type": "goal_1", "conversion_value": "5",
            **params}
    response = kit.client.get("/conversions/new", params=data)
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["request", "error"] and body["error"]["code"] == code
    if code != 1005:
        assert (body["request"]["controller"], body["request"]["action"]) == ("conversion", "new")


def test_the_recorded_invalid_key_body(kit: Kit, link: dict) -> None:
    response = kit.client.get("/conversions/new", params={"key": "f2d8", "awesm_url": link["awesm_id"],
                                                           "conversion_type": "goal_1", "conversion_value": "1"})
    assert response.status_code == 400
    assert response.json()["error"] == {"code": 1000, "message": "Invalid API key"}


def test_a_project_without_conversion_tracking_refuses(kit: Kit) -> None:
    other = kit.another_project("No tracking")
    foreign = kit.link(other)
    response = kit.client.get("/conversions/new", params={"key": other.key, "awesm_url": foreign["awesm_id"],
                                                           "conversion_type": "goal_1"})
    assert response.status_code == 403 and response.json()["error"]["code"] == 1071


def test_another_projects_link_is_not_found(kit: Kit, link: dict) -> None:
    other = kit.another_project("Other")
    foreign = kit.link(other)
    response = kit.client.get("/conversions/new", params={"key": kit.key, "awesm_url": foreign["awesm_id"],
                                                           "conversion_type": "goal_1"})
    assert response.json()["error"]["code"] == 1072


def test_conversions_show_in_stats_for_their_link(kit: Kit, link: dict) -> None:
    quiet = kit.link(tag="beta", channel="twitter", created=T0 - timedelta(days=1))
    kit.click(link, T0 + timedelta(hours=1), n=3)
    kit.flush()
    for kind, value, hours in (("goal_1", 1000, 2), ("goal_1", 250, 3), ("goal_2", 5, 2), ("goal_1", 7, 48)):
        kit.client.get("/conversions/new", params={"key": kit.key, "awesm_url": link["awesm_id"],
                                                   "conversion_type": kind, "conversion_value": str(value),
                                                   "converted_at": _epoch(T0 + timedelta(hours=hours))})
    day = {"start_date": "2026-03-02", "end_date": "2026-03-03", "with_conversions": "true"}
    body = kit.ok("/stats/range.json", group_by="channel", pivot="awesm_id", **day)
    pivots = by(body["groups"][0], "awesm_id", "pivots")
    assert pivots[link["awesm_id"]]["conversions"]["goal_1"] == {"count": 2, "value": 1250}
    assert pivots[link["awesm_id"]]["conversions"]["goal_total"] == {"count": 3, "value": 1255}
    assert quiet["awesm_id"] not in pivots  # neither clicked nor converted on the day, and created before it
    assert body["totals"]["conversions"]["goal_2"] == {"count": 1, "value": 5}
    single = kit.ok(f"/stats/{link['awesm_id']}.json", with_conversions="true")  # all time
    assert single["conversions"]["goal_1"] == {"count": 3, "value": 1257}
    totals = kit.ok("/stats/totals.json", group_by="tag", with_conversions="true")
    assert by(totals, "tag")["alpha"]["conversions"]["goal_1"]["count"] == 3
    hours = kit.ok("/stats/range/intervals.json", interval="hour", start_date="2026-03-02T02:00:00Z",
                   end_date="2026-03-02T04:00:00Z", with_conversions="true")
    assert [h["conversions"]["goal_1"]["value"] for h in hours["totals"]["intervals"]] == [1000, 250]
