"""POST /users/<user_token>/publish.json (reference §3.6): the mobile SDKs' publish, authenticated with
`Authorization: OneAllPublishToken <key>` and no Basic auth; the token comes from `user.publish_token` of a user
read or import. Bodies as the iOS SDK builds them; answers read as the iOS and Android SDKs read them."""

from __future__ import annotations

import time
from typing import Any

import pytest
from starlette.testclient import TestClient

from sharelytics.app import Services
from sharelytics.core.sharing.publish_tokens import issue_publish_token
from sharelytics.sandbox.server import SandboxServer
from tests.api.oneall.conftest import (
    RFC2822,
    UUID,
    bluesky_source,
    call,
    failed,
    import_user,
    mastodon_source,
    ok,
    parse_date,
    posts,
)
from tests.conftest import ProjectFixture

UNAUTHORIZED_INFO = "Authentication credentials are missing or incorrect: http://docs.oneall.com/api/basic/authentication/"


def ios_body(text: str, providers: Any, **parts: Any) -> dict[str, Any]:
    """What OAServerApiMessagePost.m sends: `message` with `providers` and `parts`, the flag as a string."""
    return {"request": {"message": {"providers": providers,
                                    "parts": {"text": {"body": text}, **parts, "flags": {"enable_tracking": "1"}}}}}


def publish(client: TestClient, user_token: str, token: str | None, body: Any) -> Any:
    headers = {"Authorization": f"OneAllPublishToken {token}"} if token is not None else {}
    return client.post(f"/users/{user_token}/publish.json", json=body, headers=headers)


@pytest.fixture
def alice(client: TestClient, site: ProjectFixture, sandbox: SandboxServer) -> dict[str, Any]:
    user = import_user(client, site, mastodon_source(sandbox, "alice"))
    return import_user(client, site, bluesky_source(sandbox, "alice"), user_token=user["user_token"])


def test_a_user_read_or_import_hands_out_a_publish_token(client: TestClient, site: ProjectFixture,
                                                          alice: dict[str, Any]) -> None:
    issued = alice["publish_token"]
    assert list(issued) == ["key", "date_creation", "date_expiration"] and issued["key"]
    assert RFC2822.match(issued["date_creation"]) and RFC2822.match(issued["date_expiration"])
    lifetime = parse_date(issued["date_expiration"]) - parse_date(issued["date_creation"])
    assert lifetime.total_seconds() == 86_400  # SHARELYTICS_PUBLISH_TOKEN_TTL's default
    read = ok(call(client, site, "GET", f"/users/{alice['user_token']}.json"))["user"]
    assert read["publish_token"]["key"]
    listed = ok(call(client, site, "GET", "/users.json"))["users"]["entries"]
    assert all("publish_token" not in user for user in listed)


def test_publish_with_the_token_as_the_mobile_sdks_do(client: TestClient, site: ProjectFixture,
                                                      sandbox: SandboxServer, alice: dict[str, Any]) -> None:
    link = {"url": "https://example.com/app", "name": "The app", "caption": "c", "description": "d"}
    response = publish(client, alice["user_token"], alice["publish_token"]["key"],
                       ios_body("From my phone: https://example.com/story", ["mastodon", "bluesky"], link=link))
    data = ok(response)
    assert response.json()["response"]["request"]["resource"] == f"/users/{alice['user_token']}/publish.json"
    # iOS: result.data.sharing_message, publications.entries[].status.{flag,code,message} and provider.
    message = data["sharing_message"]
    assert UUID.match(message["sharing_message_token"])
    entries = message["publications"]["entries"]
    assert [(e["provider"], e["status"]["flag"], e["status"]["code"]) for e in entries] == [
        ("mastodon", "success", 200), ("bluesky", "success", 200)]
    assert all(e["user_token"] == alice["user_token"] and e["status"]["message"] for e in entries)
    assert message["parts"]["flags"] == {"enable_tracking": 1} and message["parts"]["link"] == link
    # Android: result.data.message, its publications a plain array.
    assert data["message"]["sharing_message_token"] == message["sharing_message_token"]
    assert data["message"]["publications"] == entries
    # The same message as any other: tracked links went out, and the site reads it with its keys.
    [toot] = posts(sandbox, "mastodon")
    assert entries[0]["shorturls"]["entries"][0]["short_url"] in toot["text"]
    read = ok(call(client, site, "GET", f"/sharing/messages/{message['sharing_message_token']}.json"))
    assert read["sharing_message"]["publications"]["count"] == 2


def test_the_reference_body_and_basic_auth_also_publish(client: TestClient, site: ProjectFixture,
                                                        sandbox: SandboxServer, alice: dict[str, Any]) -> None:
    """The PHP example publishes with the site's keys, adding the token only when it has one."""
    body = {"message": {"parts": {"text": {"body": "Message Text"}, "flags": {"enable_tracking": 1}},
                        "providers": "mastodon"}}
    data = ok(call(client, site, "POST", f"/users/{alice['user_token']}/publish.json", body))
    assert [e["provider"] for e in data["sharing_message"]["publications"]["entries"]] == ["mastodon"]
    assert len(posts(sandbox, "mastodon")) == 1 and posts(sandbox, "bluesky") == []


def test_missing_unreadable_and_expired_tokens_are_401(client: TestClient, services: Services,
                                                       site: ProjectFixture, alice: dict[str, Any]) -> None:
    body = ios_body("hi", ["mastodon"])
    user = alice["user_token"]
    missing = failed(publish(client, user, None, body), 401)
    assert missing["status"]["info"] == UNAUTHORIZED_INFO
    empty = publish(client, user, "", body)
    failed(empty, 401)
    assert empty.headers["www-authenticate"] == 'OneAllPublishToken realm="OneAll API"'
    for key in ("garbage", alice["publish_token"]["key"] + "x", "a" * 5000,
                issue_publish_token("another-server-secret", site.project.id, user, 3600).key):
        assert "publish token" in failed(publish(client, user, key, body), 401)["status"]["info"]
    expired = issue_publish_token(services.settings.secret, site.project.id, user, 60, now=time.time() - 120).key
    assert "expired" in failed(publish(client, user, expired, body), 401)["status"]["info"]
    assert posts_sent(client, site) == 0


def posts_sent(client: TestClient, site: ProjectFixture) -> int:
    return ok(call(client, site, "GET", "/sharing/messages.json"))["sharing_messages"]["count"]


def test_a_token_publishes_only_for_its_own_user(client: TestClient, site: ProjectFixture, other_site: ProjectFixture,
                                                 sandbox: SandboxServer, alice: dict[str, Any]) -> None:
    bob = import_user(client, site, mastodon_source(sandbox, "bob"))
    body = ios_body("not mine", ["mastodon"])
    refused = failed(publish(client, bob["user_token"], alice["publish_token"]["key"], body), 403)
    assert "another user" in refused["status"]["info"]
    carol = import_user(client, other_site, mastodon_source(sandbox, "carol"))  # another site's user and token
    failed(publish(client, alice["user_token"], carol["publish_token"]["key"], body), 403)
    # With the path and token matching, the other site's token still reaches only its own site's user.
    ok(publish(client, carol["user_token"], carol["publish_token"]["key"], body))
    assert posts_sent(client, site) == 0 and posts_sent(client, other_site) == 1


def test_a_deleted_users_token_publishes_nothing(client: TestClient, site: ProjectFixture,
                                                 alice: dict[str, Any]) -> None:
    ok(call(client, site, "DELETE", f"/users/{alice['user_token']}.json?confirm_deletion=true"))
    gone = failed(publish(client, alice["user_token"], alice["publish_token"]["key"], ios_body("x", ["mastodon"])), 404)
    assert "no user" in gone["status"]["info"]


def test_bad_bodies_are_400_and_unknown_networks_409(client: TestClient, site: ProjectFixture,
                                                    alice: dict[str, Any]) -> None:
    user, key = alice["user_token"], alice["publish_token"]["key"]
    for body in (None, {"request": {}}, {"request": {"message": "x"}}, {"request": {"message": {"providers": []}}},
                 {"request": {"message": {"providers": ["mastodon"]}}},
                 {"request": {"sharing_message": {"parts": {"text": {"body": "x"}}, "providers": ["mastodon"]}}},
                 {"request": {"message": {"providers": ["mastodon"], "parts": {"text": {"body": ["x"]}}}}}):
        failed(publish(client, user, key, body), 400)
    failed(publish(client, user, key, ios_body("x", ["facebook"])), 409)
    assert failed(client.get(f"/users/{user}/publish.json", headers={"Authorization": f"OneAllPublishToken {key}"}),
                  405)["status"]["code"] == 405
