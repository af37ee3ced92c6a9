"""The OneAll wire: the envelope, HTTP Basic with the site's keys whatever the Host, the bodies real clients send
(clients.md: PHP SDK JSON with escaped slashes, curl examples' raw JSON labelled as a form, Node SDK with no
Content-Type), and hostile input that must never give a 500."""

from __future__ import annotations

import base64

import orjson
import pytest
from starlette.testclient import TestClient

from sharelytics.api.oneall.errors import UNAUTHORIZED_INFO
from tests.api.oneall.conftest import RFC2822, SUCCESS_INFO, basic, call, failed, ok
from tests.conftest import ProjectFixture

LISTS = ["/users.json", "/identities.json", "/sharing/messages.json", "/shorturls.json"]
SHORTEN = {"request": {"shorturl": {"original_url": "http://www.oneall.com/"}}}


def test_the_envelope_on_success(client: TestClient, site: ProjectFixture) -> None:
    body = call(client, site, "GET", "/users.json").json()
    request = body["response"]["request"]
    assert request["resource"] == "/users.json" and RFC2822.match(request["date"]) and request["date"].endswith("+0000")
    assert request["status"] == {"flag": "success", "code": 200, "info": SUCCESS_INFO}
    assert list(body["response"]) == ["request", "result"] and list(body["response"]["result"]) == ["data"]


@pytest.mark.parametrize("path", LISTS)
def test_empty_lists_have_one_empty_page(client: TestClient, site: ProjectFixture, path: str) -> None:
    data = ok(call(client, site, "GET", path))
    [node] = data.values()
    assert node == {"pagination": {"current_page": 1, "total_pages": 1, "entries_per_page": 250, "total_entries": 0,
                                   "order": {"field": "date_creation", "direction": "asc"}}, "count": 0, "entries": []}


def test_pagination_parameters_are_clamped_like_the_php_sdk(client: TestClient, site: ProjectFixture) -> None:
    node = ok(call(client, site, "GET", "/shorturls.json?page=0&entries_per_page=9999&order_direction=sideways"))
    assert node["shorturls"]["pagination"]["entries_per_page"] == 500
    assert node["shorturls"]["pagination"]["current_page"] == 1
    assert node["shorturls"]["pagination"]["order"]["direction"] == "asc"
    failed(call(client, site, "GET", "/shorturls.json?page=abc"), 400)


@pytest.mark.parametrize("header", [
    None, "Basic", "Basic !!!", "Bearer abc", "Basic " + base64.b64encode(b"nocolon").decode(),
    "Basic " + base64.b64encode(b"\xff\xfe:x").decode(), "Basic " + "A" * 5000,
])
def test_missing_or_unreadable_credentials_are_the_documented_401(client: TestClient, site: ProjectFixture,
                                                                  header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/users.json", headers=headers)
    request = failed(response, 401)
    assert request["status"]["info"] == UNAUTHORIZED_INFO and request["resource"] == "/users.json"
    assert response.headers["www-authenticate"].startswith("Basic")


def test_wrong_keys_and_another_sites_keys(client: TestClient, site: ProjectFixture,
                                           other_site: ProjectFixture) -> None:
    def pair(public: str, private: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"{public}:{private}".encode()).decode()}

    keys, other = site.keys, other_site.keys
    failed(client.get("/users.json", headers=pair(keys.oneall_public_key, "wrong")), 401)
    failed(client.get("/users.json", headers=pair(keys.oneall_public_key, other.oneall_private_key)), 401)
    failed(client.get("/users.json", headers=pair("unknown", keys.oneall_private_key)), 401)
    failed(client.post("/shorturls.json", json=SHORTEN, headers=pair(keys.oneall_public_key, "x")), 401)


def test_the_site_is_found_whatever_the_host(client: TestClient, site: ProjectFixture) -> None:
    for host in ("127.0.0.1:8000", f"{site.project.oneall_subdomain}.api.oneall.com", "other.example"):
        ok(client.get("/providers.json", headers={**basic(site), "Host": host}))


def test_curl_examples_raw_json_labelled_as_a_form(client: TestClient, site: ProjectFixture) -> None:
    raw = orjson.dumps(SHORTEN)
    response = client.post("/shorturls.json", content=raw, headers={
        **basic(site), "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "PHP SDK 1.0",
        "Expect": ""})
    assert ok(response)["shorturl"]["original_url"] == "http://www.oneall.com/"


def test_node_sdk_without_content_type_or_user_agent(client: TestClient, site: ProjectFixture) -> None:
    response = client.post("/shorturls.json", content=orjson.dumps(SHORTEN), headers=basic(site))
    assert "content-type" not in response.request.headers
    ok(response)
    assert ok(client.get("/shorturls.json?page=1", headers=basic(site)))["shorturls"]["count"] == 1


def test_pyoneall_content_type_on_gets_without_body(client: TestClient, site: ProjectFixture) -> None:
    ok(client.get("/users.json?page=1", headers={**basic(site), "Content-Type": "application/json"}))


@pytest.mark.parametrize("raw", [
    b"", b"   ", b"not json", b"[]", b'"request"', b'{"request": []}', b'{"shorturl": {}}', b'{"request": null}',
    b'{"request": {"shorturl": "x"}}', b"\xff\xfe", b'{"request": {"shorturl": {"original_url": 5}}}',
    b"[" * 100000, b'{"request": ' + b'{"a":' * 40 + b"1" + b"}" * 41,
])
def test_bad_bodies_are_400_envelopes(client: TestClient, site: ProjectFixture, raw: bytes) -> None:
    response = client.post("/shorturls.json", content=raw, headers={**basic(site), "Content-Type": "application/json"})
    failed(response, 400)


def test_a_body_over_the_limit_is_413(client: TestClient, site: ProjectFixture) -> None:
    huge = b'{"request": {"shorturl": {"original_url": "http://x.org/' + b"a" * 2_000_000 + b'"}}}'
    failed(client.post("/shorturls.json", content=huge, headers=basic(site)), 413)


def test_methods_a_resource_does_not_have_are_405_envelopes(client: TestClient, site: ProjectFixture) -> None:
    response = call(client, site, "PUT", "/sharing/messages.json", {})
    failed(response, 405)
    assert response.headers["allow"] == "GET, POST"
    failed(call(client, site, "PATCH", "/users/x.json"), 405)


@pytest.mark.parametrize("token", ["%00", "..%2F..", "a" * 2000, "%F0%9F%92%A9", "' OR 1=1 --", "null"])
def test_hostile_tokens_are_404(client: TestClient, site: ProjectFixture, token: str) -> None:
    for resource in ("users", "identities", "sharing/messages", "shorturls"):
        response = call(client, site, "GET", f"/{resource}/{token}.json")
        assert response.status_code == 404, (resource, response.text)
        failed(response, 404)
