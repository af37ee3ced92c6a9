"""`stats/{awesm_id}/intervals.json`: the recorded opening (reference §5.3) in its order, then the buckets."""

from __future__ import annotations

from datetime import timedelta

from .conftest import T0, Kit

OPENING = ["awesm_id", "start_date", "end_date", "interval", "with_zeros", "with_metadata", "with_conversions",
           "clicks", "last_clicked_at"]


def test_the_recorded_opening_and_daily_buckets(kit: Kit) -> None:
    link = kit.link()
    kit.click(link, T0 + timedelta(hours=3), n=2)
    kit.click(link, T0 + timedelta(days=3, hours=8, minutes=9, seconds=56), n=3)
    kit.flush()
    body = kit.ok(f"/stats/{link['awesm_id']}/intervals.json", start_date="2026-03-02", end_date="2026-03-09",
                  with_zeros="true")
    assert list(body) == OPENING + ["intervals"]
    assert body == {
        "awesm_id": link["awesm_id"], "start_date": "2026-03-02T00:00:00Z", "end_date": "2026-03-09T00:00:00Z",
        "interval": "day", "with_zeros": True, "with_metadata": False, "with_conversions": False, "clicks": 5,
        "last_clicked_at": "2026-03-05T08:09:56Z", "intervals": [
            {"start_date": f"2026-03-0{d}T00:00:00Z", "end_date": f"2026-03-0{d + 1}T00:00:00Z",
             "clicks": {2: 2, 5: 3}.get(d, 0)} for d in range(2, 9)],
    }


def test_hours_without_zeros_by_post(kit: Kit) -> None:
    link = kit.link()
    kit.click(link, T0 + timedelta(hours=3))
    kit.flush()
    body = kit.ok(f"/stats/{link['awesm_id']}/intervals.json", "post", interval="hour",
                  start_date="2026-03-02T00:00:00-02:00", end_date="2026-03-02T06:00:00-02:00")
    assert body["intervals"] == [{"start_date": "2026-03-02T03:00:00Z", "end_date": "2026-03-02T04:00:00Z",
                                  "clicks": 1}]
    assert body["last_clicked_at"] == "2026-03-02T03:00:00Z"


def test_a_never_clicked_link_and_the_errors(kit: Kit) -> None:
    link = kit.link()
    body = kit.ok(f"/stats/{link['awesm_id']}/intervals.json", start_date="2026-03-02", end_date="2026-03-03")
    assert (body["clicks"], body["last_clicked_at"], body["intervals"]) == (0, None, [])
    assert kit.get(f"/stats/{link['awesm_id']}/intervals.json").status_code == 400  # dates required
    assert kit.get("/stats/sl.test_zzz/intervals.json", start_date="2026-03-02",
                   end_date="2026-03-03").status_code == 404
