"""`stats/active.json`: "updated totals values of active awe.sm links": the all-time totals of the links that
were clicked in the period (docs/decisions/2026-11-23-stats-active-means-clicked-in-the-period.md)."""

from __future__ import annotations

from datetime import timedelta

from .conftest import GOOGLEBOT, RANGE_KEYS, T0, Kit, by, totals

PERIOD = {"start_date": "2026-03-05T00:00:00Z", "end_date": "2026-03-05T12:00:00Z"}


def test_all_time_totals_of_the_links_clicked_in_the_period(kit: Kit) -> None:
    old = kit.link(channel="twitter", created=T0 - timedelta(days=90))
    quiet = kit.link(channel="email", created=T0)
    crawled = kit.link(channel="facebook-post", created=T0)
    kit.click(old, T0 - timedelta(days=80), n=10)
    kit.click(old, T0 + timedelta(days=3, hours=5))
    kit.click(quiet, T0 + timedelta(days=1), n=7)
    kit.click(crawled, T0 + timedelta(days=3, hours=6), ua=GOOGLEBOT)
    kit.flush()
    body = kit.ok("/stats/active.json", group_by="awesm_id", with_bots="true", **PERIOD)
    assert list(body)[:len(RANGE_KEYS)] == RANGE_KEYS
    groups = by(body, "awesm_id")
    assert set(groups) == {old["awesm_id"], crawled["awesm_id"]}  # a crawler's visit counts as activity
    assert (groups[old["awesm_id"]]["clicks"], groups[crawled["awesm_id"]]["bot_clicks"]) == (11, 1)
    assert totals(body)["clicks"] == 11 and totals(body)["shares"] == 2


def test_dates_are_required_and_post_works(kit: Kit) -> None:
    assert kit.get("/stats/active.json").status_code == 400
    assert kit.post("/stats/active.json", **PERIOD).status_code == 200
