"""/users.json and /users/<token>.json: import with a Mastodon or Bluesky identity, list, read, delete."""

from __future__ import annotations

from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from sharelytics.sandbox.server import SandboxServer
from sharelytics.storage.tables import oneall_identities
from tests.api.oneall.conftest import (
    RFC2822,
    SUCCESS_INFO,
    UUID,
    bluesky_source,
    call,
    failed,
    import_user,
    mastodon_source,
    ok,
)
from tests.conftest import ProjectFixture


def test_import_a_mastodon_user_then_add_bluesky_to_it(client: TestClient, site: ProjectFixture,
                                                       sandbox: SandboxServer) -> None:
    user = import_user(client, site, mastodon_source(sandbox, "alice", followers=42))
    assert UUID.match(user["user_token"]) and list(user) == ["user_token", "date_creation", "date_last_update",
                                                             "identities", "publish_token", "identity"]
    identity = user["identity"]
    assert (identity["provider"], identity["preferredUsername"], identity["num_followers"]) == ("mastodon", "alice", 42)
    assert UUID.match(identity["identity_token"]) and RFC2822.match(identity["date_creation"])
    both = import_user(client, site, bluesky_source(sandbox, "alice"), user_token=user["user_token"])
    assert both["user_token"] == user["user_token"]
    read = ok(call(client, site, "GET", f"/users/{user['user_token']}.json"))["user"]
    assert [i["provider"] for i in read["identities"]] == ["mastodon", "bluesky"]
    assert all(set(i) >= {"identity_token", "provider"} for i in read["identities"])


def test_importing_the_same_account_again_keeps_its_tokens(client: TestClient, site: ProjectFixture,
                                                           sandbox: SandboxServer) -> None:
    source = mastodon_source(sandbox, "bob")
    first, again = import_user(client, site, source), import_user(client, site, source)
    assert again["user_token"] == first["user_token"]
    assert again["identity"]["identity_token"] == first["identity"]["identity_token"]


def test_credentials_are_encrypted_at_rest_and_never_returned(client: TestClient, site: ProjectFixture,
                                                              sandbox: SandboxServer, engine: Engine) -> None:
    source = mastodon_source(sandbox, "carol")
    token = source["access_token"]["key"]
    response = call(client, site, "PUT", "/users.json", {"user": {"identity": {"source": source}}})
    assert token not in response.text
    with engine.connect() as conn:
        stored = conn.execute(select(oneall_identities.c.credentials)).scalar_one()
    assert token not in stored and stored.startswith("gAAAA")  # a Fernet token
    listing = call(client, site, "GET", "/identities.json")
    assert token not in listing.text


def test_refused_credentials_and_bad_sources(client: TestClient, site: ProjectFixture, sandbox: SandboxServer) -> None:
    source = mastodon_source(sandbox, "dave")
    source["access_token"]["key"] = "not-a-token"
    failed(call(client, site, "PUT", "/users.json", {"user": {"identity": {"source": source}}}), 400)
    failed(call(client, site, "PUT", "/users.json", {"user": {"identity": {"source": {"key": "facebook"}}}}), 400)
    failed(call(client, site, "PUT", "/users.json", {"user": {"identity": {"source": {"key": "mastodon"}}}}), 400)
    failed(call(client, site, "PUT", "/users.json", {"user": {"identity": "x"}}), 400)
    private = {"key": "mastodon", "instance_url": "http://10.1.2.3", "access_token": {"key": "t"}}
    assert "public address" in failed(call(client, site, "PUT", "/users.json",
                                           {"user": {"identity": {"source": private}}}), 400)["status"]["info"]


def test_list_users_paginates(client: TestClient, site: ProjectFixture, sandbox: SandboxServer) -> None:
    tokens = [import_user(client, site, mastodon_source(sandbox, f"u{n}"))["user_token"] for n in range(3)]
    data = ok(call(client, site, "GET", "/users.json?page=1&entries_per_page=2&order_direction=desc"))["users"]
    assert list(data) == ["pagination", "count", "entries"]
    assert data["pagination"] == {"current_page": 1, "total_pages": 2, "entries_per_page": 2, "total_entries": 3,
                                  "order": {"field": "date_creation", "direction": "desc"}}
    assert [u["user_token"] for u in data["entries"]] == tokens[::-1][:2] and data["count"] == 2
    second = ok(call(client, site, "GET", "/users.json?page=2&entries_per_page=2&order_direction=desc"))["users"]
    assert [u["user_token"] for u in second["entries"]] == [tokens[0]]
    default = ok(call(client, site, "GET", "/users.json?page=1"))["users"]  # the Node SDK and pyoneall
    assert default["pagination"]["entries_per_page"] == 250 and [u["user_token"] for u in default["entries"]] == tokens


def test_delete_needs_confirmation(client: TestClient, site: ProjectFixture, sandbox: SandboxServer) -> None:
    token = import_user(client, site, mastodon_source(sandbox, "erin"))["user_token"]
    failed(call(client, site, "DELETE", f"/users/{token}.json"), 400)
    failed(call(client, site, "DELETE", f"/users/{token}.json?confirm_deletion=false"), 400)
    ok(call(client, site, "GET", f"/users/{token}.json"))
    response = call(client, site, "DELETE", f"/users/{token}.json?confirm_deletion=true")
    assert ok(response) == {} and response.json()["response"]["request"]["status"]["info"].startswith("The user")
    failed(call(client, site, "GET", f"/users/{token}.json"), 404)
    assert ok(call(client, site, "GET", "/identities.json"))["identities"]["count"] == 0


def test_unknown_and_foreign_tokens_are_404(client: TestClient, site: ProjectFixture, other_site: ProjectFixture,
                                            sandbox: SandboxServer) -> None:
    token = import_user(client, site, mastodon_source(sandbox, "frank"))["user_token"]
    for path in (f"/users/{token}.json", "/users/nope.json", "/users/00000000-0000-4000-8000-000000000000.json"):
        error = failed(call(client, other_site, "GET", path), 404)
        assert error["resource"] == path
    failed(call(client, other_site, "DELETE", f"/users/{token}.json?confirm_deletion=true"), 404)
    assert ok(call(client, site, "GET", f"/users/{token}.json"))["user"]["user_token"] == token
    assert SUCCESS_INFO
