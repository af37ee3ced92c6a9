"""`url/batch.{format}`: one array field, one link per element, one transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from sharelytics.storage.tables import links
from tests.api.conftest import assert_link_shape, base_params


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(links)).scalar_one()


def _cuteonme_query(project, brackets: str) -> str:
    return (
        f"v=3&key={project.key}&url=http%3A%2F%2Fwww.cuteon.me&channel=twitter-message&tool={project.tool.key}"
        "&user_id=17301118&user_id_username=bhiles&user_id_icon_url=&service_userid=twitter%3A17301118"
        f"&notes=cute+on+me+right%3F&tag{brackets}=190498288&tag{brackets}=371635480"
    )


def test_cuteonme_get_with_raw_php_array_brackets(client, project):
    response = client.get(f"/url/batch.json?{_cuteonme_query(project, '[]')}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["awesm_urls"]
    assert [item["tag"] for item in body["awesm_urls"]] == ["190498288", "371635480"]
    for item in body["awesm_urls"]:
        assert_link_shape(item)
        assert (item["channel"], item["notes"], item["username"]) == ("twitter-dm", "cute on me right?", "bhiles")
    assert len({item["awesm_id"] for item in body["awesm_urls"]}) == 2


def test_cuteonme_get_with_escaped_brackets(client, project):
    body = client.get(f"/url/batch.json?{_cuteonme_query(project, '%5B%5D')}").json()
    assert [item["tag"] for item in body["awesm_urls"]] == ["190498288", "371635480"]


def test_shelby_comma_separated_channels(client, project):
    data = base_params(project, url="http://henrysztul.info", channel="twitter,facebook-post,tumblr-video,email,manual")
    body = client.post("/url/batch.json", data=data).json()
    got = [(item["channel"], item["service"]) for item in body["awesm_urls"]]
    assert got == [("twitter", "twitter"), ("facebook-post", "facebook"), ("tumblr-video", "tumblr"),
                   ("email", "email"), ("manual", "manual")]
    assert all(item["original_url"] == "http://henrysztul.info" for item in body["awesm_urls"])


def test_repeated_parameter_is_an_array(client, project):
    query = f"v=3&key={project.key}&tool={project.tool.key}&channel=twitter&url=http://a.example/&user_id=1&user_id=2"
    body = client.post(f"/url/batch.json?{query}").json()
    assert [item["user_id"] for item in body["awesm_urls"]] == ["1", "2"]


def test_comma_separated_urls_split_only_before_a_new_url(client, project):
    data = base_params(project, channel="twitter", url="http://a.example/x,y,http://b.example/")
    body = client.post("/url/batch.json", data=data).json()
    assert [item["original_url"] for item in body["awesm_urls"]] == ["http://a.example/x,y", "http://b.example/"]


def test_url_array_with_brackets(client, project):
    query = f"v=3&key={project.key}&tool={project.tool.key}&channel=email&url[]=http://a.example/&url[]=http://b.example/"
    body = client.get(f"/url/batch.json?{query}").json()
    assert [item["original_url"] for item in body["awesm_urls"]] == ["http://a.example/", "http://b.example/"]


def test_two_arrays_are_refused(client, project, engine):
    query = (f"v=3&key={project.key}&tool={project.tool.key}&channel=twitter,email&url=http://a.example/"
             "&tag[]=a&tag[]=b")
    response = client.get(f"/url/batch.json?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == {"code": 1040, "message": "only one field may be an array; got channel, tag"}
    assert response.json()["request"]["action"] == "batch"
    assert _count(engine) == 0


def test_no_array_creates_one_link(client, project):
    body = client.post("/url/batch.json", data=base_params(project, url="http://a.example/", channel="twitter")).json()
    assert len(body["awesm_urls"]) == 1


def test_one_bad_element_creates_nothing(client, project, engine):
    query = f"v=3&key={project.key}&tool={project.tool.key}&url=http://a.example/&channel=twitter&notes[]=ok&notes[]={'n' * 300}"
    response = client.get(f"/url/batch.json?{query}")
    assert response.status_code == 400 and response.json()["error"]["code"] == 1021
    assert _count(engine) == 0


def test_array_on_a_single_valued_parameter_is_refused(client, project):
    query = f"v=3&key[]={project.key}&tool={project.tool.key}&url=http://a.example/&channel=twitter"
    response = client.get(f"/url/batch.json?{query}")
    assert response.status_code == 400 and response.json()["error"]["code"] == 1005


def test_batch_txt_is_one_url_per_line(client, project):
    data = base_params(project, url="http://a.example/", channel="twitter,email")
    lines = client.post("/url/batch.txt", data=data).text.split("\n")
    assert len(lines) == 2 and all(line.startswith("http://sl.test/") for line in lines)
