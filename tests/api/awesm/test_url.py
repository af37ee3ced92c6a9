"""`url.{format}` (create), through HTTP, as the real clients send it (reference/clients.md)."""

from __future__ import annotations

import re

from sqlalchemy import select

from sharelytics.storage.tables import campaigns, links
from tests.api.conftest import assert_link_shape, base_params

# sfsekaran/awesm spec/awesm/url_spec.rb, the create fixture (values that differ by nature are left out below).
GEM_CREATE = {
    "application": "test", "awesm_id": "demo.awe.sm_K5s", "awesm_url": "http://demo.awe.sm/K5s", "campaign": None,
    "campaign_metadata": {"description": None, "name": None}, "channel": "facebook-post",
    "created_at": "2011-10-04T18:00:57Z", "domain": "demo.awe.sm", "notes": None,
    "original_url": "http://developers.awe.sm/", "parent": None, "path": "K5s",
    "redirect_url": "http://developers.awe.sm/", "service": "facebook", "service_postid": None,
    "service_postid_metadata": {"reach": None, "shared_at": None}, "service_userid": None, "sharer_id": None,
    "tag": None, "tool": "test-main", "user_id": None,
    "user_id_metadata": {"icon_url": None, "profile_url": None, "username": None},
}
BY_NATURE = {"awesm_id", "awesm_url", "domain", "path", "created_at"}
SHORT = re.compile(r"^http://sl\.test/[0-9A-Za-z]{6}$")


def test_gem_create_matches_the_fixture_in_order_and_nulls(client, project):
    response = client.post("/url.json", data=base_params(project, url="http://developers.awe.sm/", channel="facebook-post"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert_link_shape(body)
    assert {k: v for k, v in body.items() if k not in BY_NATURE and k != "username"} == {
        k: v for k, v in GEM_CREATE.items() if k not in BY_NATURE
    }
    assert body["username"] is None
    assert body["awesm_id"] == "sl.test_" + body["path"] and body["awesm_url"] == "http://sl.test/" + body["path"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["created_at"])


def test_pyshorteners_query_string_post_with_empty_body(client, project):
    query = f"url=http%3A%2F%2Fwww.test.com&key={project.key}&channel=twitter&tool={project.tool.key}&v=3"
    response = client.post(f"/url.txt?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert SHORT.match(response.text)


def test_node_awesm_chunked_body_without_content_type_v2_txt(client, project, engine):
    body = f"format=txt&v=2&key={project.key}&url=http%3A%2F%2Fwww.alexeypro.com&channel=test123&tool={project.tool.key}"

    def chunks():
        yield body[:20].encode()
        yield body[20:].encode()

    response = client.post("/url.txt", content=chunks())
    assert response.status_code == 200, response.text
    assert SHORT.match(response.text)
    with engine.connect() as conn:
        row = conn.execute(select(links.c.channel, links.c.service)).one()
    assert (row.channel, row.service) == ("test123", "other")


def test_node_awesm_json_with_format_in_the_body_suffix_wins(client, project):
    data = base_params(project, url="http://www.alexeypro.com", channel="twitter", format="txt")
    response = client.post("/url.json", content="&".join(f"{k}={v}" for k, v in data.items()).encode())
    assert response.status_code == 200
    assert_link_shape(response.json())


def test_v2_is_only_the_txt_quirk(client, project):
    response = client.post("/url.json", data=base_params(project, v="2", url="http://a.example/", channel="twitter"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 1002


def test_missing_v_is_taken_as_3_and_other_versions_are_refused(client, project):
    data = base_params(project, url="http://a.example/", channel="twitter")
    del data["v"]
    assert client.post("/url.json", data=data).status_code == 200
    assert client.post("/url.json", data={**data, "v": "4"}).json()["error"]["code"] == 1002


def test_inboundrocket_multipart_post(client, project):
    fields = base_params(project, url="http://inbound.example/post?id=3", channel="twitter")
    boundary = "----sharelyticsboundary"
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
    )
    response = client.post(
        "/url.txt",
        content=(parts + f"--{boundary}--\r\n").encode(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 200, response.text
    assert SHORT.match(response.text)


def test_jquery_post_without_suffix_and_format_field(client, project):
    data = base_params(project, url="http://jq.example/", channel="email", format="json")
    response = client.post("/url", data=data, headers={"content-type": "application/x-www-form-urlencoded; charset=UTF-8"})
    assert response.status_code == 200
    body = response.json()
    assert_link_shape(body)
    assert (body["channel"], body["service"]) == ("email", "email")


def test_no_suffix_no_format_is_json_and_format_txt_is_text(client, project):
    data = base_params(project, url="http://a.example/", channel="twitter")
    assert client.get("/url", params=data).json()["original_url"] == "http://a.example/"
    assert SHORT.match(client.get("/url", params={**data, "format": "txt"}).text)


def test_get_create_with_jsonp_callback(client, project):
    data = base_params(project, url="http://a.example/", channel="twitter", callback="jQuery1910_123")
    response = client.get("/url.json", params=data)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.text.startswith('/**/jQuery1910_123({"awesm_url":"http://sl.test/') and response.text.endswith("});")


def test_wordpress_get_with_rfc3986_encoding(client, project):
    query = f"v=3&key={project.key}&url=http%3A%2F%2Fblog.example%2F%3Fp%3D1&channel=facebook&tool={project.tool.key}"
    body = client.get(f"/url.json?{query}").json()
    assert (body["original_url"], body["channel"], body["service"]) == ("http://blog.example/?p=1", "facebook", "facebook")


def test_unknown_format_is_400_in_the_create_shape(client, project):
    response = client.get("/url.xml", params=base_params(project, url="http://a.example/", channel="twitter"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 1003
    assert response.json()["request"]["action"] == "create"


def test_campaign_is_stubified_and_its_name_kept(client, project, engine):
    data = base_params(project, url="http://a.example/", channel="twitter", campaign="Spring Sale 2012!")
    body = client.post("/url.json", data=data).json()
    assert body["campaign"] == "spring-sale-2012"
    assert body["campaign_metadata"] == {"description": None, "name": "Spring Sale 2012!"}
    with engine.connect() as conn:
        assert conn.execute(select(campaigns.c.campaign, campaigns.c.name)).all() == [("spring-sale-2012", "Spring Sale 2012!")]


def test_user_metadata_and_numeric_values_come_back_as_strings(client, project):
    data = base_params(
        project, url="http://a.example/", channel="twitter-message", user_id="17301118", user_id_username="bhiles",
        user_id_icon_url="http://img.example/b.png", user_id_profile_url="http://cuteon.me/u/bhiles", tag="190498288",
        notes="cute on me right?", service_postid_reach="1200", service_postid_shared_at="Wed Aug 27 13:08:45 +0000 2008",
    )
    body = client.post("/url.json", data=data).json()
    assert (body["channel"], body["service"], body["username"], body["user_id"]) == ("twitter-dm", "twitter", "bhiles", "17301118")
    assert body["user_id_metadata"] == {
        "icon_url": "http://img.example/b.png", "username": "bhiles", "profile_url": "http://cuteon.me/u/bhiles",
    }
    assert body["service_postid_metadata"] == {"reach": "1200", "shared_at": "2008-08-27T13:08:45Z"}
    assert (body["tag"], body["notes"]) == ("190498288", "cute on me right?")


def test_service_userid_with_unknown_service_is_400(client, project):
    data = base_params(project, url="http://a.example/", channel="twitter", service_userid="myspacex:13263")
    response = client.post("/url.json", data=data)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 1022
    ok = client.post("/url.json", data={**data, "service_userid": "13263"}).json()
    assert ok["service_userid"] == "twitter:13263"


def test_notes_longer_than_256_is_400(client, project):
    data = base_params(project, url="http://a.example/", channel="twitter", notes="n" * 257)
    response = client.post("/url.json", data=data)
    assert response.status_code == 400
    assert response.json()["error"] == {"code": 1021, "message": "notes is longer than 256 characters"}


def test_unknown_parent_is_400_and_a_known_one_is_kept(client, project):
    data = base_params(project, url="http://a.example/", channel="twitter")
    response = client.post("/url.json", data={**data, "parent": "awe.sm_s5d99"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 1023
    parent = client.post("/url.json", data=data).json()["awesm_id"]
    assert client.post("/url.json", data={**data, "parent": parent}).json()["parent"] == parent


def test_undefined_is_unset(client, project):
    data = base_params(project, url="http://a.example/", channel="twitter", tag="undefined", campaign="undefined")
    body = client.post("/url.json", data=data).json()
    assert (body["tag"], body["campaign"]) == (None, None)


def test_missing_required_parameters(client, project):
    response = client.post("/url.json", data=base_params(project, channel="twitter"))
    assert response.status_code == 400 and response.json()["error"] == {"code": 1001, "message": "url is required"}
    response = client.post("/url.json", data=base_params(project, url="http://a.example/"))
    assert response.json()["error"] == {"code": 1001, "message": "channel is required"}


def test_unknown_tool_and_foreign_domain(client, project):
    data = base_params(project, url="http://a.example/", channel="twitter")
    response = client.post("/url.json", data={**data, "tool": "nope00"})
    assert response.status_code == 400 and response.json()["error"]["code"] == 1010
    response = client.post("/url.json", data={**data, "domain": "not.registered.example"})
    assert response.status_code == 400 and response.json()["error"]["code"] == 1011
    assert client.post("/url.json", data={**data, "domain": "sl.test"}).json()["domain"] == "sl.test"


def test_https_and_bad_urls(client, project):
    data = base_params(project, channel="twitter")
    assert client.post("/url.json", data={**data, "url": "https://secure.example/x"}).status_code == 200
    response = client.post("/url.json", data={**data, "url": "javascript:alert(1)"})
    assert response.status_code == 400 and response.json()["error"]["code"] == 1020
