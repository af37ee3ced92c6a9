"""`url/update/{awesm_id}.{format}`: metadata added after the share, within 30 days."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sharelytics.core.clock import utcnow
from sharelytics.storage.tables import sharers
from tests.api.conftest import age_link, assert_link_shape, base_params


def _create(client, project, **extra) -> dict:
    data = base_params(project, url="http://plancast.com/p/6xfs", channel="copypaste", **extra)
    return client.post("/url.json", data=data).json()


def test_seed_example_updates_the_tag(client, project):
    link = _create(client, project, user_id="23291", user_id_username="jhstrauss")
    response = client.post(f"/url/update/{link['awesm_id']}.json?v=3&key={project.key}&tool={project.tool.key}&tag=foobar")
    assert response.status_code == 200, response.text
    body = response.json()
    assert_link_shape(body, "updated_at")
    assert body["tag"] == "foobar"
    assert body["updated_at"].endswith("Z")
    unchanged = {k: v for k, v in body.items() if k not in ("tag", "updated_at")}
    assert unchanged == {k: v for k, v in link.items() if k != "tag"}


def test_cuteonme_get_with_bare_postid_and_twitter_created_at(client, project):
    link = _create(client, project, user_id="17301118")
    query = (f"v=3&key={project.key}&channel=twitter-message&tool={project.tool.key}&service_postid=190498288"
             "&service_postid_shared_at=Wed+Aug+27+13%3A08%3A45+%2B0000+2008&service_postid_reach=1"
             "&service_userid=twitter%3A17301118")
    body = client.get(f"/url/update/{link['awesm_id']}.json?{query}").json()
    assert (body["channel"], body["service"]) == ("twitter-dm", "twitter")
    assert body["service_postid"] == "twitter:190498288"
    assert body["service_postid_metadata"] == {"reach": "1", "shared_at": "2008-08-27T13:08:45Z"}
    assert body["service_userid"] == "twitter:17301118"


def test_twitter_date_with_its_plus_unencoded(client, project):
    link = _create(client, project)
    query = f"v=3&key={project.key}&tool={project.tool.key}&service_postid_shared_at=Wed%20Aug%2027%2013:08:45%20+0000%202008"
    body = client.get(f"/url/update/{link['awesm_id']}.json?{query}").json()
    assert body["service_postid_metadata"]["shared_at"] == "2008-08-27T13:08:45Z"


def test_hallway_prefixed_postid(client, project):
    link = _create(client, project)
    data = base_params(project, service_postid="twitter:130039394869583873", service_postid_reach="250")
    body = client.post(f"/url/update/{link['awesm_id']}.json", data=data).json()
    assert body["service_postid"] == "twitter:130039394869583873"


def test_original_url_redirect_url_and_created_at_never_change(client, project):
    link = _create(client, project)
    data = base_params(project, url="http://elsewhere.example/", redirect_url="http://x.example/", created_at="2001-01-01")
    body = client.post(f"/url/update/{link['awesm_id']}.json", data=data).json()
    assert (body["original_url"], body["redirect_url"], body["created_at"]) == (
        link["original_url"], link["redirect_url"], link["created_at"],
    )


def test_user_details_alone_apply_to_the_links_user(client, project, engine):
    link = _create(client, project, user_id="42")
    body = client.post(f"/url/update/{link['awesm_id']}.json", data=base_params(project, user_id_username="douglas")).json()
    assert (body["user_id"], body["username"]) == ("42", "douglas")
    with engine.connect() as conn:
        assert conn.execute(select(sharers.c.user_id, sharers.c.username)).all() == [("42", "douglas")]


def test_links_older_than_30_days_cannot_be_updated(client, project, engine):
    link = _create(client, project)
    age_link(engine, link["awesm_id"], utcnow() - timedelta(days=30, minutes=1))
    response = client.post(f"/url/update/{link['awesm_id']}.json", data=base_params(project, tag="late"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 1031
    assert response.json()["request"]["awesm_id"] == link["awesm_id"]
    age_link(engine, link["awesm_id"], utcnow() - timedelta(days=29, hours=23))
    assert client.post(f"/url/update/{link['awesm_id']}.json", data=base_params(project, tag="ok")).status_code == 200


def test_unknown_awesm_id_is_404(client, project):
    response = client.post("/url/update/sl.test_nope00.json", data=base_params(project, tag="x"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == 1030
    assert response.json()["request"]["action"] == "update"


def test_another_projects_link_is_not_found(client, project, engine):
    from tests.conftest import make_project

    other = make_project(engine, "Other")
    link = _create(client, other)
    response = client.post(f"/url/update/{link['awesm_id']}.json", data=base_params(project, tag="x"))
    assert response.status_code == 404


def test_without_suffix_and_with_a_dotted_domain(client, project):
    link = _create(client, project)
    response = client.get(f"/url/update/{link['awesm_id']}", params=base_params(project, tag="t"))
    assert response.json()["tag"] == "t"
    assert client.get(f"/url/update/{link['awesm_id']}.txt", params=base_params(project)).text == link["awesm_url"]
    assert client.get(f"/url/update/{link['awesm_id']}.xml", params=base_params(project)).status_code == 400


def test_update_needs_a_valid_tool(client, project):
    link = _create(client, project)
    response = client.post(f"/url/update/{link['awesm_id']}.json", data={**base_params(project, tag="x"), "tool": "zzzzzz"})
    assert response.status_code == 400 and response.json()["error"]["code"] == 1010


def test_bad_service_userid_on_update(client, project):
    link = _create(client, project)
    response = client.post(f"/url/update/{link['awesm_id']}.json", data=base_params(project, service_userid="nosuch:1"))
    assert response.status_code == 400 and response.json()["error"]["code"] == 1022
