"""`url/retweet.{format}`: every http:// link in the text becomes a tracked link."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from sharelytics.storage.tables import links
from tests.api.conftest import BROWSER, assert_link_shape, base_params

HEADERS = {"user-agent": BROWSER}
TEXT = "RT @awesm: read http://developers.awe.sm/apis/ (and http://blog.example/a_(b)), not https://secure.example/ or http://developers.awe.sm/apis/."


def test_links_are_replaced_once_per_distinct_url(client, project):
    response = client.post("/url/retweet.json", data=base_params(project, text=TEXT, channel="twitter-retweet"), headers=HEADERS)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["text", "awesm_urls"]
    first, second = body["awesm_urls"]
    assert_link_shape(first)
    assert (first["original_url"], second["original_url"]) == ("http://developers.awe.sm/apis/", "http://blog.example/a_(b)")
    assert body["text"] == (
        f"RT @awesm: read {first['awesm_url']} (and {second['awesm_url']}), not https://secure.example/ or "
        f"{first['awesm_url']}."
    )


def test_txt_is_the_new_text(client, project):
    data = base_params(project, text="see http://a.example/x", channel="twitter")
    text = client.get("/url/retweet.txt", params=data, headers=HEADERS).text
    assert re.fullmatch(r"see http://sl\.test/\w{6}", text)


def test_get_with_destination_redirects_with_the_text(client, project):
    data = base_params(project, text="see http://a.example/x #wow", channel="twitter",
                       destination="http://twitter.com/intent/tweet?text=AWESM_TEXT")
    response = client.get("/url/retweet", params=data, headers=HEADERS, follow_redirects=False)
    assert response.status_code == 302
    text = parse_qs(urlsplit(response.headers["location"]).query)["text"][0]
    assert re.fullmatch(r"see http://sl\.test/\w{6} #wow", text)


def test_post_with_destination_is_refused(client, project):
    data = base_params(project, text="t", channel="twitter", destination="http://twitter.com/intent/tweet?text=AWESM_TEXT")
    response = client.post("/url/retweet.json", data=data, headers=HEADERS)
    assert response.status_code == 400 and response.json()["error"]["code"] == 1045


def test_text_without_links_is_unchanged(client, project):
    body = client.post("/url/retweet.json", data=base_params(project, text="no links, https://x.example/", channel="twitter"), headers=HEADERS).json()
    assert body == {"text": "no links, https://x.example/", "awesm_urls": []}


def test_bots_are_refused_and_nothing_is_created(client, project, engine):
    data = base_params(project, text="http://a.example/", channel="twitter")
    response = client.post("/url/retweet.json", data=data, headers={"user-agent": "curl/8.5.0"})
    assert response.status_code == 403 and response.json()["error"]["code"] == 1050
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(links)).scalar_one() == 0


def test_text_and_channel_are_required(client, project):
    response = client.post("/url/retweet.json", data=base_params(project, channel="twitter"), headers=HEADERS)
    assert response.json()["error"] == {"code": 1001, "message": "text is required"}
