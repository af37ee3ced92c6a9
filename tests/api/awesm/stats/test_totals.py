"""`stats/totals.json`: all-time clicks of the links shared in the period (service_postid_shared_at over
created_at), the gem's call, and up to 50 keys of several projects combined."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from .conftest import RANGE_KEYS, T0, Kit, by, totals

SEPTEMBER = {"start_date": "2026-03-01", "end_date": "2026-03-08"}


def test_the_gems_totals_call_and_shape(kit: Kit) -> None:
    early = kit.link(created=T0 - timedelta(days=30))
    kit.click(early, T0 + timedelta(days=1), n=3)
    recent = kit.link(created=T0 + timedelta(days=2))
    kit.click(recent, T0 + timedelta(days=20), n=2)  # long after the period: all-time clicks count
    kit.flush()
    query = urlencode({"v": "3", "key": kit.key, **SEPTEMBER})
    response = kit.client.get(f"/stats/totals.json?{query}")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == RANGE_KEYS
    assert totals(body) == {"clicks": 2, "clicks_per_share": 2.0, "shares": 1}
    assert (body["start_date"], body["end_date"]) == ("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z")


def test_without_dates_every_link_ever(kit: Kit) -> None:
    for n in range(3):
        kit.click(kit.link(created=T0 - timedelta(days=400 * n)), T0, n=n + 1)
    kit.flush()
    body = kit.ok("/stats/totals.json")
    assert totals(body) == {"clicks": 6, "clicks_per_share": 2.0, "shares": 3}
    assert (body["start_date"], body["end_date"]) == (None, None)


def test_shared_at_wins_over_created_at(kit: Kit) -> None:
    posted = kit.link(created=T0 - timedelta(days=60), service_postid="twitter:1",
                      service_postid_shared_at="2026-03-03T10:00:00Z")
    kit.click(posted, T0 + timedelta(days=3), n=4)
    kit.flush()
    assert totals(kit.ok("/stats/totals.json", **SEPTEMBER))["clicks"] == 4
    assert totals(kit.ok("/stats/range.json", **SEPTEMBER))["shares"] == 0  # range counts creations


def test_grouped_totals(kit: Kit) -> None:
    for channel, clicks in (("twitter", 3), ("email", 1)):
        kit.click(kit.link(channel=channel, created=T0 + timedelta(days=1)), T0 + timedelta(days=9), n=clicks)
    kit.flush()
    body = kit.ok("/stats/totals.json", group_by="channel", **SEPTEMBER)
    assert [(g["channel"], g["clicks"], g["shares"]) for g in body["groups"]] == [("twitter", 3, 1), ("email", 1, 1)]


def test_fifty_keys_of_several_projects_add_up(kit: Kit) -> None:
    projects = [kit.fx] + [kit.another_project(f"P{n}") for n in range(1, 50)]
    for n, fx in enumerate(projects[:5]):
        kit.click(kit.link(fx, created=T0 + timedelta(days=1)), T0 + timedelta(days=1), n=n + 1)
    kit.flush()
    keys = [fx.key for fx in projects]
    repeated = "&".join(f"key={k}" for k in keys)
    body = kit.client.get(f"/stats/totals.json?v=3&{repeated}&start_date=2026-03-01&end_date=2026-03-08").json()
    assert totals(body) == {"clicks": 15, "clicks_per_share": 3.0, "shares": 5}
    as_array = "&".join(f"key[]={k}" for k in keys)
    assert kit.client.get(f"/stats/totals.json?v=3&{as_array}").json()["totals"]["clicks"] == 15
    commas = kit.client.post("/stats/totals.json", data={"v": "3", "key": ",".join(keys), **SEPTEMBER})
    assert commas.json()["totals"]["clicks"] == 15
    grouped = kit.client.get(f"/stats/totals.json?v=3&{repeated}&group_by=awesm_id").json()
    assert grouped["total_results"] == 5
    one = kit.ok("/stats/totals.json", key=projects[3].key)
    assert totals(one)["clicks"] == 4


def test_fifty_one_keys_are_refused_and_any_bad_key_is_403(kit: Kit) -> None:
    keys = "&".join(f"key={kit.key}{n}" for n in range(51))
    response = kit.client.get(f"/stats/totals.json?v=3&{keys}")
    assert response.status_code == 400
    bad = kit.client.get(f"/stats/totals.json?v=3&key={kit.key}&key=nope")
    assert (bad.status_code, bad.json()) == (403, {"error": 403, "error_message": "Invalid API key specified"})


def test_other_projects_links_never_count(kit: Kit) -> None:
    other = kit.another_project("Other")
    kit.click(kit.link(other), T0, n=5)
    kit.click(kit.link(), T0, n=1)
    kit.flush()
    assert totals(kit.ok("/stats/totals.json"))["clicks"] == 1
    assert by(kit.ok("/stats/totals.json", group_by="awesm_id"), "awesm_id").keys().__len__() == 1
