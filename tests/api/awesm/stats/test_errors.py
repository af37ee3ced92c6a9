"""Stats errors: `{"error": <status>, "error_message": "..."}` (reference §5.5) on every endpoint, the documented
400s, 403 for any bad key, and never a 500 on hostile input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Kit

ENDPOINTS = ["/stats/range.json", "/stats/range/intervals.json", "/stats/totals.json", "/stats/active.json",
             "/stats/sl.test_abc.json", "/stats/sl.test_abc/intervals.json", "/stats/awesm_ids/batch.json",
             "/stats/awesm_ids/batch/intervals.json"]
DAY = {"start_date": "2026-03-02", "end_date": "2026-03-03"}
INVALID_KEY = b'{"error":403,"error_message":"Invalid API key specified"}'


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_any_bad_or_missing_key_is_the_recorded_403(kit: Kit, path: str, method: str) -> None:
    for params in ({"v": "3", "key": "f2d8" * 16}, {"v": "3"}, {"v": "3", "key": ""}):
        response = kit.client.request(method, path, params=params if method == "GET" else None,
                                      data=params if method == "POST" else None)
        assert response.status_code == 403
        assert response.content == INVALID_KEY  # 57 bytes, as captured
        assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_the_403_as_jsonp(kit: Kit) -> None:
    response = kit.client.get("/stats/range.json?v=3&key=nope&callback=cb")
    assert response.status_code == 403
    assert response.text == f"/**/cb({INVALID_KEY.decode()});"


@pytest.mark.parametrize("params, message", [
    ({**DAY, "group_by": "channel", "channel": "twitter"},
     "You cannot group and filter on the same parameter simultaneously"),
    ({**DAY, "group_by": "channel", "pivot": "tag", "tag": "a"},
     "You cannot group and filter on the same parameter simultaneously"),
    ({**DAY, "group_by": "colour"}, None),
    ({**DAY, "group_by": "channel", "pivot": "channel"}, "pivot must differ from group_by"),
    ({**DAY, "pivot": "tag"}, "pivot requires group_by"),
    ({**DAY, "sort_type": "popularity"}, None),
    ({**DAY, "sort_order": "up"}, "sort_order must be one of asc, desc"),
    ({**DAY, "page": "0"}, "page must be at least 1"),
    ({**DAY, "per_page": "ten"}, "per_page must be an integer"),
    ({**DAY, "offset": "-1"}, "offset must be at least 0"),
    ({**DAY, "with_zeros": "maybe"}, "with_zeros must be true or false"),
    ({"start_date": "2026-03-02"}, "end_date is required with the other date"),
    ({"start_date": "yesterday", "end_date": "2026-03-03"}, None),
    ({"start_date": "2009-01-01", "end_date": "2026-03-03"}, None),
    ({"start_date": "2026-03-03", "end_date": "2026-03-02"}, "end_date must be after start_date"),
    ({"start_date": "9999-12-31T23:59:59", "end_date": "9999-12-31T23:59:59+14:00"}, None),
    ({"start_date": "13/45/2026T00:00:00-08:00", "end_date": "2026-03-03"}, None),
    ({**DAY, "v": "2"}, "unsupported API version '2': use v=3"),
])
def test_documented_400s(kit: Kit, params: dict[str, str], message: str | None) -> None:
    response = kit.get("/stats/range.json", **params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert list(body) == ["error", "error_message"] and body["error"] == 400
    if message:
        assert body["error_message"] == message


@pytest.mark.parametrize("path, extra", [("/stats/range.txt", {}), ("/stats/totals.xml", {}),
                                         ("/stats/range", {"format": "txt"})])
def test_formats_other_than_json_are_400(kit: Kit, path: str, extra: dict[str, str]) -> None:
    response = kit.client.get(path, params={"v": "3", "key": kit.key, **DAY, **extra})
    assert response.status_code == 400
    assert response.json()["error"] == 400


def test_a_range_interval_limit_and_a_bad_interval(kit: Kit) -> None:
    over = kit.get("/stats/range/intervals.json", interval="hour", start_date="2026-01-01", end_date="2026-03-01")
    assert over.json()["error_message"] == "that range has 1416 hour intervals; the limit is 500"
    assert kit.get("/stats/range/intervals.json", interval="fortnight", **DAY).status_code == 400


@pytest.mark.parametrize("raw", [
    b"start_date=2026-03-02%00&end_date=2026-03-03", b"group_by=%ff%fe", b"channel=\xff", b"tag=" + b"x" * 200_000,
    b"start_date=" + b"9" * 5000 + b"&end_date=2026-03-03", b"per_page=" + b"9" * 400, b"page=99999999999999999999",
    b"offset=-99999999999999999999", b"callback=alert(1)", b"key[]=a&key[]=b", b"tag[x]=1",
    b"start_date=2026-03-02T00:00:00+99:00&end_date=2026-03-03",
])
def test_hostile_input_is_never_a_500(kit: Kit, raw: bytes) -> None:
    for path in ENDPOINTS:
        body = b"v=3&key=" + kit.key.encode() + b"&" + raw
        response = kit.client.post(path, content=body, headers={"content-type": "application/x-www-form-urlencoded"})
        assert response.status_code in (200, 400, 403, 404, 413), (path, raw[:40], response.text)
        assert response.status_code == 200 or set(response.json()) == {"error", "error_message"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["start_date", "end_date", "interval", "group_by", "pivot", "sort_type", "page",
                             "per_page", "offset", "with_metadata", "awesm_ids", "tag", "country"]),
       value=st.text(max_size=40))
def test_any_text_in_any_parameter_is_answered(kit: Kit, name: str, value: str) -> None:
    params = {"start_date": "2026-03-02T00:00:00-08:00", "end_date": "2026-03-03", "awesm_ids": "sl.test_a",
              name: value}
    for path in ("/stats/range/intervals.json", "/stats/awesm_ids/batch.json", "/stats/totals.json"):
        response = kit.post(path, **params)
        assert response.status_code in (200, 400), (path, name, value, response.text)


def test_unknown_links_are_404_in_the_stats_shape(kit: Kit) -> None:
    response = kit.get("/stats/sl.test_missing.json")
    assert (response.status_code, response.json()) == (404, {"error": 404, "error_message":
                                                             "Unknown awesm_id: sl.test_missing"})
