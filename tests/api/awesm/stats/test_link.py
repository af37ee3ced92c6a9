"""`stats/{awesm_id}.json`: the recorded body (reference §5.4) exactly, then dates, metadata, conversions,
and 404 for an id that is not a link of the key's project."""

from __future__ import annotations

from datetime import UTC, timedelta

from tests.api.conftest import assert_link_shape

from .conftest import GOOGLEBOT, T0, Kit


def test_the_recorded_body_exactly(kit: Kit) -> None:
    link = kit.link()
    kit.click(link, T0, n=5)
    kit.click(link, T0, ua=GOOGLEBOT)
    kit.flush()
    response = kit.client.get(f"/stats/{link['awesm_id']}.json?v=3&key={kit.key}")
    assert response.status_code == 200
    assert response.text == (
        f'{{"awesm_id":"{link["awesm_id"]}","clicks":5,"end_date":null,"interval":"none","start_date":null,'
        '"with_conversions":false,"with_metadata":false,"with_zeros":false}')


def test_post_and_no_suffix(kit: Kit) -> None:
    link = kit.link()
    expected = kit.ok(f"/stats/{link['awesm_id']}.json")
    assert kit.ok(f"/stats/{link['awesm_id']}", "post") == expected
    assert expected["clicks"] == 0


def test_dates_narrow_the_clicks(kit: Kit) -> None:
    link = kit.link()
    kit.click(link, T0 + timedelta(hours=1), n=2)
    kit.click(link, T0 + timedelta(days=2), n=3)
    kit.flush()
    body = kit.ok(f"/stats/{link['awesm_id']}.json", start_date="2026-03-02T00:30:00Z",
                  end_date="2026-03-02T01:30:00Z")
    assert body == {"awesm_id": link["awesm_id"], "clicks": 2, "end_date": "2026-03-02T02:00:00Z",
                    "interval": "none", "start_date": "2026-03-02T00:00:00Z", "with_conversions": False,
                    "with_metadata": False, "with_zeros": False}


def test_metadata_bots_uniques_and_conversions_when_asked(kit: Kit) -> None:
    kit.enable_conversions()
    link = kit.link(notes="hello", tag="t1")
    kit.click(link, T0, n=2)
    kit.click(link, T0, ua=GOOGLEBOT)
    kit.flush()
    converted = str(int((T0 + timedelta(hours=1)).replace(tzinfo=UTC).timestamp()))
    kit.client.get("/conversions/new", params={"key": kit.key, "awesm_url": link["awesm_id"],
                                               "conversion_type": "goal_5", "conversion_value": "4200",
                                               "converted_at": converted})
    body = kit.ok(f"/stats/{link['awesm_id']}.json", with_metadata="true", with_conversions="true",
                  with_bots="true", with_uniques="true")
    assert list(body) == ["awesm_id", "clicks", "bot_clicks", "unfurler_clicks", "unique_clicks", "conversions",
                          "end_date", "interval", "start_date", "with_conversions", "with_metadata", "with_zeros",
                          "with_bots", "with_uniques", "metadata"]
    assert (body["clicks"], body["bot_clicks"], body["unique_clicks"]) == (2, 1, 1)
    assert body["conversions"]["goal_5"] == {"count": 1, "value": 4200}
    assert_link_shape(body["metadata"])
    assert body["metadata"]["notes"] == "hello"


def test_an_unknown_or_foreign_awesm_id_is_404(kit: Kit) -> None:
    other = kit.another_project("Other")
    foreign = kit.link(other)
    for awesm_id in ("sl.test_nope", foreign["awesm_id"]):
        response = kit.get(f"/stats/{awesm_id}.json")
        assert response.status_code == 404
        assert response.json() == {"error": 404, "error_message": f"Unknown awesm_id: {awesm_id}"}
    assert kit.get(f"/stats/{foreign['awesm_id']}.json", key=other.key).status_code == 200


def test_a_bad_key_is_403_before_the_link_is_looked_up(kit: Kit) -> None:
    link = kit.link()
    response = kit.get(f"/stats/{link['awesm_id']}.json", key="wrong")
    assert (response.status_code, response.json()["error"]) == (403, 403)
