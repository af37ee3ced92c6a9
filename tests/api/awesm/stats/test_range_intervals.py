"""`stats/range/intervals.json`: Sharengine's call verbatim, hour/day/week buckets in the client's day, zeros,
groups with their own intervals, and the 500-interval limit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .conftest import INTERVAL_KEYS, T0, Kit, by, totals

PACIFIC = {"start_date": "03/02/2026T00:00:00-08:00", "end_date": "03/05/2026T00:00:00-08:00"}


@pytest.fixture
def clicked(kit: Kit) -> dict[str, dict]:
    made = {"tw": kit.link(channel="twitter", created=T0 + timedelta(hours=9)),
            "fb": kit.link(channel="facebook-post", created=T0 + timedelta(days=1, hours=10))}
    kit.click(made["tw"], T0 + timedelta(hours=9), n=2)  # 01:00 Pacific on the 2nd
    kit.click(made["tw"], T0 + timedelta(hours=7))  # 23:00 Pacific on the 1st: before the range
    kit.click(made["fb"], T0 + timedelta(days=1, hours=10), n=3)  # the 3rd, Pacific
    kit.click(made["fb"], T0 + timedelta(days=2, hours=7, minutes=59))  # 23:59 Pacific on the 3rd
    kit.flush()
    return made


def test_sharengine_request_verbatim(kit: Kit, clicked) -> None:
    query = (f"v=3&key={kit.key}&interval=day&with_metadata=true&with_zeros=true&with_conversions=false"
             "&start_date=03/02/2026T00:00:00-08:00&end_date=03/05/2026T00:00:00-08:00&group_by=undefined"
             "&sort_order=undefined")
    response = kit.client.get(f"/stats/range/intervals.json?{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == INTERVAL_KEYS
    assert (body["start_date"], body["end_date"], body["interval"]) == (
        "2026-03-02T08:00:00Z", "2026-03-05T08:00:00Z", "day")
    assert (body["group_by"], body["sort_order"], body["with_zeros"]) == (None, None, True)
    days = totals(body)["intervals"]
    assert [(d["start_date"], d["clicks"], d["shares"]) for d in days] == [
        ("2026-03-02T08:00:00Z", 2, 1), ("2026-03-03T08:00:00Z", 4, 1), ("2026-03-04T08:00:00Z", 0, 0)]
    assert list(days[0]) == ["start_date", "end_date", "clicks", "clicks_per_share", "shares"]
    assert days[0]["end_date"] == "2026-03-03T08:00:00Z"
    assert totals(body)["clicks"] == 6


def test_without_zeros_quiet_intervals_are_left_out(kit: Kit, clicked) -> None:
    body = kit.ok("/stats/range/intervals.json", interval="day", **PACIFIC)
    assert [d["start_date"] for d in totals(body)["intervals"]] == ["2026-03-02T08:00:00Z", "2026-03-03T08:00:00Z"]


def test_interval_defaults_to_day_and_post_works(kit: Kit, clicked) -> None:
    body = kit.ok("/stats/range/intervals.json", "post", **PACIFIC)
    assert body["interval"] == "day" and len(totals(body)["intervals"]) == 2


def test_hours(kit: Kit, clicked) -> None:
    body = kit.ok("/stats/range/intervals.json", interval="hour", start_date="2026-03-02T06:30:00Z",
                  end_date="2026-03-02T09:10:00Z", with_zeros="true")
    hours = totals(body)["intervals"]
    assert [(h["start_date"], h["clicks"]) for h in hours] == [
        ("2026-03-02T06:00:00Z", 0), ("2026-03-02T07:00:00Z", 1), ("2026-03-02T08:00:00Z", 0),
        ("2026-03-02T09:00:00Z", 2)]


def test_weeks_and_a_last_interval_cut_at_the_end(kit: Kit, clicked) -> None:
    body = kit.ok("/stats/range/intervals.json", interval="week", start_date="2026-02-23",
                  end_date="2026-03-04T12:00:00Z", with_zeros="true")
    weeks = totals(body)["intervals"]
    assert [(w["start_date"], w["end_date"], w["clicks"]) for w in weeks] == [
        ("2026-02-23T00:00:00Z", "2026-03-02T00:00:00Z", 0), ("2026-03-02T00:00:00Z", "2026-03-04T12:00:00Z", 7)]


def test_groups_carry_their_own_intervals(kit: Kit, clicked) -> None:
    body = kit.ok("/stats/range/intervals.json", interval="day", group_by="channel", with_zeros="true", **PACIFIC)
    groups = by(body, "channel")
    assert [d["clicks"] for d in groups["twitter"]["intervals"]] == [2, 0, 0]
    assert [d["clicks"] for d in groups["facebook-post"]["intervals"]] == [0, 4, 0]
    assert list(groups["twitter"])[-1] == "intervals"


def test_500_intervals_is_the_limit(kit: Kit) -> None:
    ok = kit.get("/stats/range/intervals.json", interval="hour", start_date="2026-03-01T00:00:00Z",
                 end_date="2026-03-21T20:00:00Z")
    assert ok.status_code == 200 and ok.json()["end_date"] == "2026-03-21T20:00:00Z"
    over = kit.get("/stats/range/intervals.json", interval="hour", start_date="2026-03-01T00:00:00Z",
                   end_date="2026-03-21T21:00:00Z")
    assert over.status_code == 400 and over.json()["error"] == 400
    days = kit.get("/stats/range/intervals.json", interval="day", start_date="2011-01-01", end_date="2026-01-01")
    assert days.status_code == 400 and "500" in days.json()["error_message"]
    weeks = kit.get("/stats/range/intervals.json", interval="week", start_date="2017-01-01", end_date="2026-01-01")
    assert weeks.status_code == 200


def test_dates_are_required(kit: Kit) -> None:
    response = kit.get("/stats/range/intervals.json", interval="day")
    assert response.status_code == 400
    assert response.json() == {"error": 400, "error_message": "start_date is required"}


def test_a_bad_interval_is_refused(kit: Kit) -> None:
    response = kit.get("/stats/range/intervals.json", interval="month", **PACIFIC)
    assert response.status_code == 400
    assert response.json()["error_message"] == "interval must be one of hour, day, week"
