"""/identities.json, /identities/<token>.json and /providers.json."""

from __future__ import annotations

from starlette.testclient import TestClient

from sharelytics.core.providers.registry import ProviderRegistry
from sharelytics.sandbox.server import SandboxServer
from tests.api.oneall.conftest import (
    bluesky_source,
    call,
    failed,
    import_user,
    mastodon_source,
    ok,
)
from tests.conftest import ProjectFixture


def test_list_read_and_delete_identities(client: TestClient, site: ProjectFixture, other_site: ProjectFixture,
                                         sandbox: SandboxServer) -> None:
    user = import_user(client, site, mastodon_source(sandbox, "alice", 5))
    user = import_user(client, site, bluesky_source(sandbox, "alice"), user_token=user["user_token"])
    listing = ok(call(client, site, "GET", "/identities.json?page=1&entries_per_page=100&order_direction=asc"))
    entries = listing["identities"]["entries"]
    assert [e["provider"] for e in entries] == ["mastodon", "bluesky"]
    token = entries[0]["identity_token"]
    identity = ok(call(client, site, "GET", f"/identities/{token}.json"))["identity"]
    assert identity == entries[0] and identity["user_token"] == user["user_token"]
    assert identity["profileUrl"].startswith(sandbox.mastodon_url)
    failed(call(client, other_site, "GET", f"/identities/{token}.json"), 404)
    failed(call(client, site, "DELETE", f"/identities/{token}.json"), 400)
    ok(call(client, site, "DELETE", f"/identities/{token}.json?confirm_deletion=true"))
    failed(call(client, site, "GET", f"/identities/{token}.json"), 404)
    left = ok(call(client, site, "GET", f"/users/{user['user_token']}.json"))["user"]["identities"]
    assert [i["provider"] for i in left] == ["bluesky"]


def test_providers_come_from_the_registry(client: TestClient, site: ProjectFixture,
                                         providers: ProviderRegistry) -> None:
    data = ok(call(client, site, "GET", "/providers.json"))["providers"]
    assert [p["key"] for p in data["entries"]] == [p.key for p in providers.all()]
    assert data["count"] == len(providers.all()) and [p["key"] for p in data["entries"]][:2] == ["mastodon", "bluesky"]
    mastodon = data["entries"][0]
    assert list(mastodon) == ["key", "name", "is_configurable", "configuration", "authentication", "capabilities"]
    assert mastodon["capabilities"]["max_text_length"] == 500
    assert data["entries"][1]["authentication"]["user_input_fields"] == ["base_url", "handle", "app_password"]
