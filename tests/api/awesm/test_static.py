"""`url/static.{format}`: the same metadata gives the same link (`"new": false`), else a new one."""

from __future__ import annotations

from tests.api.conftest import assert_link_shape, base_params

URL = "http://plancast.com/p/6xfs/silicon-valley-tweetup-summer-2011"
USER = {
    "user_id": "23291",
    "user_id_icon_url": "https://fbcdn-profile-a.akamaihd.net/hprofile-ak-snc4/41657_627286_9900_n.jpg",
    "user_id_username": "jhstrauss",
    "user_id_profile_url": "http://plancast.com/user/23291",
}


def test_first_call_creates_then_the_same_link_comes_back(client, project):
    data = base_params(project, url=URL, channel="twitter", **USER)
    first = client.post("/url/static.json", data=data)
    assert first.status_code == 200
    body = first.json()
    assert_link_shape(body, "new")
    assert body["new"] is True
    again = client.post("/url/static.json", data=data).json()
    assert again["new"] is False
    assert {k: v for k, v in again.items() if k != "new"} == {k: v for k, v in body.items() if k != "new"}
    assert again["user_id"] == "23291" and again["user_id_metadata"] == {
        "icon_url": USER["user_id_icon_url"], "username": "jhstrauss", "profile_url": USER["user_id_profile_url"],
    }


def test_channel_is_optional_and_defaults_to_copypaste(client, project):
    body = client.post("/url/static.json", data=base_params(project, url=URL)).json()
    assert (body["channel"], body["service"], body["new"]) == ("copypaste", "copypaste", True)
    assert client.post("/url/static.json", data=base_params(project, url=URL, channel="copypaste")).json()["new"] is False


def test_different_metadata_gives_a_different_link(client, project):
    first = client.post("/url/static.json", data=base_params(project, url=URL, tag="a")).json()
    second = client.post("/url/static.json", data=base_params(project, url=URL, tag="b")).json()
    assert second["new"] is True and second["awesm_id"] != first["awesm_id"]


def test_human_campaign_and_its_stub_match(client, project):
    first = client.post("/url/static.json", data=base_params(project, url=URL, campaign="Summer Tweetup")).json()
    same = client.post(
        "/url/static.json", data=base_params(project, url=URL, campaign="summer-tweetup", campaign_name="Summer Tweetup")
    ).json()
    assert same["new"] is False and same["awesm_id"] == first["awesm_id"]


def test_updated_link_is_no_longer_returned(client, project):
    first = client.post("/url/static.json", data=base_params(project, url=URL)).json()
    client.post(f"/url/update/{first['awesm_id']}.json", data=base_params(project, tag="changed"))
    again = client.post("/url/static.json", data=base_params(project, url=URL)).json()
    assert again["new"] is True and again["awesm_id"] != first["awesm_id"]


def test_node_awesm_static_with_arbitrary_channel(client, project):
    body = f"format=json&v=3&key={project.key}&url=http%3A%2F%2Fwww.alexeypro.com&channel=test123&tool={project.tool.key}&campaign=test-campaign"
    response = client.post("/url/static.json", content=body.encode())
    assert response.status_code == 200
    assert (response.json()["channel"], response.json()["campaign"]) == ("test123", "test-campaign")


def test_static_errors_say_static(client, project):
    response = client.post("/url/static.json", data={"v": "3", "key": "badkey", "url": URL})
    assert response.status_code == 400
    assert response.json() == {
        "request": {"action": "static", "controller": "url", "key": "badkey", "url": URL, "v": "3"},
        "error": {"code": 1000, "message": "Invalid API key"},
    }
