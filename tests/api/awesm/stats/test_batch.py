"""`stats/awesm_ids/batch.json`: `awesm_ids=a,b` in the order asked, each `{awesm_id, clicks, last_clicked_at}`
(reference §5.4); unknown ids answer zeros (docs/decisions/2026-11-23-stats-batch-unknown-ids-answer-zeros.md)."""

from __future__ import annotations

from datetime import timedelta

from .conftest import GOOGLEBOT, T0, Kit


def test_the_recorded_shape_in_the_order_asked(kit: Kit) -> None:
    a, b, c = kit.link(), kit.link(), kit.link()
    kit.click(a, T0 + timedelta(hours=1), n=5)
    kit.click(b, T0 + timedelta(days=1, seconds=7))
    kit.click(b, T0 + timedelta(days=2), ua=GOOGLEBOT)
    kit.flush()
    ids = f"{b['awesm_id']},{a['awesm_id']},{c['awesm_id']}"
    response = kit.client.get(f"/stats/awesm_ids/batch.json?v=3&key={kit.key}&awesm_ids={ids}")
    assert response.status_code == 200
    assert response.json() == {"awesm_ids": [
        {"awesm_id": b["awesm_id"], "clicks": 1, "last_clicked_at": "2026-03-04T00:00:00Z"},
        {"awesm_id": a["awesm_id"], "clicks": 5, "last_clicked_at": "2026-03-02T01:00:00Z"},
        {"awesm_id": c["awesm_id"], "clicks": 0, "last_clicked_at": None},
    ]}


def test_unknown_and_foreign_ids_answer_zeros(kit: Kit) -> None:
    other = kit.another_project("Other")
    foreign = kit.link(other)
    kit.click(foreign, T0, n=3)
    kit.flush()
    body = kit.ok("/stats/awesm_ids/batch.json", "post", awesm_ids=f"sl.test_nope,{foreign['awesm_id']}")
    assert body["awesm_ids"] == [{"awesm_id": "sl.test_nope", "clicks": 0, "last_clicked_at": None},
                                 {"awesm_id": foreign["awesm_id"], "clicks": 0, "last_clicked_at": None}]


def test_repeated_and_array_forms_with_duplicates_once(kit: Kit) -> None:
    a, b = kit.link(), kit.link()
    query = f"v=3&key={kit.key}&awesm_ids[]={a['awesm_id']}&awesm_ids[]={b['awesm_id']}&awesm_ids[]={a['awesm_id']}"
    body = kit.client.get(f"/stats/awesm_ids/batch.json?{query}").json()
    assert [item["awesm_id"] for item in body["awesm_ids"]] == [a["awesm_id"], b["awesm_id"]]


def test_dates_and_metadata(kit: Kit) -> None:
    a = kit.link(notes="n")
    kit.click(a, T0 + timedelta(hours=1), n=2)
    kit.click(a, T0 + timedelta(days=3))
    kit.flush()
    body = kit.ok("/stats/awesm_ids/batch.json", awesm_ids=a["awesm_id"], start_date="2026-03-02",
                  end_date="2026-03-03", with_metadata="true")
    [item] = body["awesm_ids"]
    assert (item["clicks"], item["last_clicked_at"], item["metadata"]["notes"]) == (2, "2026-03-05T00:00:00Z", "n")


def test_batch_intervals(kit: Kit) -> None:
    a, b = kit.link(), kit.link()
    kit.click(a, T0 + timedelta(hours=1), n=2)
    kit.click(b, T0 + timedelta(days=1, hours=1))
    kit.flush()
    body = kit.ok("/stats/awesm_ids/batch/intervals.json", awesm_ids=f"{a['awesm_id']},{b['awesm_id']}",
                  start_date="2026-03-02", end_date="2026-03-04", with_zeros="true")
    first, second = body["awesm_ids"]
    assert [i["clicks"] for i in first["intervals"]] == [2, 0]
    assert [i["clicks"] for i in second["intervals"]] == [0, 1]
    assert kit.get("/stats/awesm_ids/batch/intervals.json", awesm_ids=a["awesm_id"]).status_code == 400


def test_limits(kit: Kit) -> None:
    assert kit.get("/stats/awesm_ids/batch.json").json() == {"error": 400, "error_message": "awesm_ids is required"}
    ids = ",".join(f"sl.test_{n}" for n in range(101))
    response = kit.get("/stats/awesm_ids/batch.json", awesm_ids=ids)
    assert response.status_code == 400
    assert response.json()["error_message"] == "at most 100 awesm_ids per request"
    hundred = ",".join(f"sl.test_{n}" for n in range(100))
    assert len(kit.ok("/stats/awesm_ids/batch.json", awesm_ids=hundred)["awesm_ids"]) == 100
