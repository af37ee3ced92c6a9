"""The Create error shape for every failure, codes in step with docs/errors.md, and no 500 for hostile input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sharelytics.api.awesm.errors import ERRORS, INTERNAL
from tests.api.conftest import base_params

DOCS = Path(__file__).resolve().parents[3] / "docs" / "errors.md"


def _documented() -> dict[int, int]:
    rows = re.findall(r"^\| (\d{4}) \| (\d{3}) \|", DOCS.read_text(), re.MULTILINE)
    return {int(code): int(status) for code, status in rows}


def test_every_code_is_documented_with_its_status():
    table = {kind.code: kind.status for kind in [*ERRORS.values(), INTERNAL]}
    assert _documented() == table
    assert len(table) == len(ERRORS) + 1  # codes are unique


def test_invalid_key_is_the_gem_fixture_shape(client):
    response = client.post("/url.json", data={"v": "3", "awesm_url": "awe.sm_5WXHo",
                                              "key": "badkeyabcdefghijklmnopqrstuvwxyz1234567890"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "request": {"action": "create", "awesm_url": "awe.sm_5WXHo", "controller": "url",
                    "key": "badkeyabcdefghijklmnopqrstuvwxyz1234567890", "v": "3"},
        "error": {"code": 1000, "message": "Invalid API key"},
    }
    assert list(response.json()) == ["request", "error"]


def test_errors_are_json_even_for_txt(client):
    response = client.post("/url.txt", data={"v": "3", "key": "bad"})
    assert response.status_code == 400 and response.json()["error"]["code"] == 1000


def test_errors_with_a_callback_are_jsonp(client):
    response = client.get("/url.json", params={"v": "3", "key": "bad", "callback": "cb"})
    assert response.status_code == 400
    assert response.text.startswith('/**/cb({"request":') and response.text.endswith("});")


@pytest.mark.parametrize("callback", ["alert(1)", "a b", "<script>", "x;y", "1abc", "a" * 200, "eval", "a..b"])
def test_hostile_callbacks_are_refused(client, project, callback):
    response = client.get("/url.json", params=base_params(project, url="http://a.example/", channel="twitter", callback=callback))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 1004
    assert response.headers["content-type"].startswith("application/json")


def test_callback_with_txt_is_refused(client, project):
    response = client.get("/url.txt", params=base_params(project, url="http://a.example/", channel="twitter", callback="cb"))
    assert response.status_code == 400 and response.json()["error"]["code"] == 1004


def test_body_too_large_is_413(client, project):
    response = client.post("/url.json", data=base_params(project, url="http://a.example/", channel="twitter", notes="x" * 1_100_000))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == 1006
    assert response.json()["request"] == {"action": "create", "controller": "url"}


def test_chunked_body_too_large_is_413(client, project):
    def chunks():
        yield b"notes="
        for _ in range(20):
            yield b"x" * 65536

    response = client.post("/url.json", content=chunks())
    assert response.status_code == 413 and response.json()["error"]["code"] == 1006


HOSTILE_QUERIES = [
    "url=http%3A%2F%2Fa.example%2F%FF%FE",  # invalid UTF-8 escape
    "url=http%3A%2F%2Fa.example%2F&tag=a%00b",  # NUL byte
    "url=http%3A%2F%2Fa.example%2F&tag=%C3",  # truncated UTF-8 sequence
    "url[]=http%3A%2F%2Fa.example%2F",  # array where one url is expected
    "url=http%3A%2F%2Fa.example%2F&tool[]=x",
    "url=http%3A%2F%2Fa.example%2F&service_postid_reach=99999999999999999999999",
    "url=http%3A%2F%2Fa.example%2F&service_postid_reach=-1",
    "url=http%3A%2F%2Fa.example%2F&service_postid_reach=lots",
    "url=http%3A%2F%2Fa.example%2F&service_postid_shared_at=not+a+date",
    "url=http%3A%2F%2Fa.example%2F&parent=" + "p" * 400 + "_x",
    "url=http%3A%2F%2Fa.example%2F&tag=" + "t" * 5000,
    "url=http%3A%2F%2Fa.example%2F&service_userid=twitter%3A" + "1" * 300,
    "url=http%3A%2F%2Fa.example%2F&service_postid=" + "1" * 300,
    "url=http%3A%2F%2Fa.example%2F&domain=" + "d" * 3000,
    "url=http%3A%2F%2F" + "h" * 5000 + ".example%2F",
    "url=http%3A%2F%2Fa.example%2F&user_id_username=nobody",  # user details without a user_id
    "url=http%3A%2F%2Fa.example%2F&campaign=%21%21%21",  # nothing left after stubify
    "url=http%3A%2F%2Fa.example%2F&" + "&".join(f"p{i}=1" for i in range(1100)),
    "url=%5B%5D&channel[]=",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_inputs_answer_the_create_error_shape(client, project, query):
    base = f"v=3&key={project.key}&tool={project.tool.key}&channel=twitter&"
    for method in ("GET", "POST"):
        for path in ("/url.json", "/url/batch.json", "/url/static.json"):
            response = client.request(method, f"{path}?{base}{query}")
            assert response.status_code < 500, (path, response.status_code, response.text[:300])
            if path == "/url.json":  # batch takes a one-element url[] array; static has no channel rule
                assert response.status_code >= 400, (path, response.text[:300])
            if response.status_code >= 400:
                body = response.json()
                assert list(body) == ["request", "error"] and isinstance(body["error"]["code"], int)


def test_hostile_bodies(client, project):
    headers = {"content-type": "multipart/form-data; boundary=zz"}
    for content in (b"--zz\r\ngarbage", b"\xff\xfe\x00", b"--zz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nhi\r\n--zz--\r\n"):
        response = client.post(f"/url.json?v=3&key={project.key}", content=content, headers=headers)
        # unreadable (1005), or so truncated that no field survives (1001): never a 500
        assert response.status_code == 400 and response.json()["error"]["code"] in (1001, 1005)
    response = client.post(f"/url.json?v=3&key={project.key}", content=b"url=%ZZ%&&==&tag=\xff", headers={})
    assert response.status_code == 400 and response.json()["error"]["code"] == 1005


def test_unknown_awesm_id_shapes_on_update(client, project):
    for target in ("x", "_", "..json", "a" * 400 + ".json", "%00.json", "sl.test_abc.json%00"):
        response = client.get(f"/url/update/{target}", params=base_params(project, tag="t"))
        assert response.status_code in (400, 404), (target, response.text)
        assert response.json()["request"]["action"] == "update"


def test_the_error_echo_is_bounded(client):
    response = client.get("/url.json", params={"v": "3", "key": "bad", "notes": "n" * 10_000})
    assert response.json()["request"]["notes"] == "n" * 256
