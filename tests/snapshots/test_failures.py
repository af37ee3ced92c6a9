"""One publication failing marks only that publication: a deleted post (404), a revoked identity (401), a network
down after the retries (503); a spent rate budget reschedules the publication and the snapshot still finishes."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from sharelytics.sandbox.server import SandboxServer
from tests.api.oneall.conftest import admin, call, ok
from tests.conftest import ProjectFixture
from tests.snapshots.helpers import initiate, publish_for, user_on_both, wait_processed


def statuses(snapshot: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {e["publication"]["provider"]: (e["publication_snapshot"]["status"]["flag"],
                                           e["publication_snapshot"]["status"]["code"])
            for e in snapshot["publication_snapshots"]["entries"]}


def snapshot_of(client: TestClient, site: ProjectFixture, message: dict[str, Any]) -> dict[str, Any]:
    answer = initiate(client, site, message["sharing_message_token"], None)
    assert answer.status_code == 201
    token = answer.json()["response"]["result"]["data"]["sharing_analytics_snapshot"]["sharing_analytics_snapshot_token"]
    return wait_processed(client, site, token)


def test_a_deleted_post_and_a_revoked_identity_fail_alone(client: TestClient, site: ProjectFixture,
                                                          sandbox: SandboxServer, published: dict[str, Any]) -> None:
    toot, skeet = (e["post_url"] for e in published["publications"]["entries"])
    admin(sandbox, "DELETE", "/mastodon/posts", params={"ref": toot})
    admin(sandbox, "POST", "/bluesky/accounts/carol/revoke")
    snapshot = snapshot_of(client, site, published)
    assert statuses(snapshot) == {"mastodon": ("error", 404), "bluesky": ("error", 401)}
    for entry in snapshot["publication_snapshots"]["entries"]:
        result = entry["publication_snapshot"]
        assert "likes" not in result and result["urls"]["count"] == 1  # the clicks are ours: still counted
        assert result["status"]["info"]


def test_a_network_down_after_retries_fails_alone(client: TestClient, site: ProjectFixture,
                                                  sandbox: SandboxServer, published: dict[str, Any]) -> None:
    admin(sandbox, "POST", "/mastodon/faults", json={"status": 503, "count": 1000})
    snapshot = snapshot_of(client, site, published)
    assert statuses(snapshot) == {"mastodon": ("error", 503), "bluesky": ("success", 200)}


def test_a_spent_rate_budget_reschedules_and_the_snapshot_finishes(client: TestClient, site: ProjectFixture,
                                                                   sandbox: SandboxServer,
                                                                   published: dict[str, Any]) -> None:
    # Longer than the adapters' budget wait (1 s in tests): the read is rescheduled, not waited for.
    admin(sandbox, "POST", "/mastodon/faults", json={"status": 429, "count": 1, "retry_after": 3})
    snapshot = snapshot_of(client, site, published)
    assert statuses(snapshot) == {"mastodon": ("success", 200), "bluesky": ("success", 200)}


def test_every_publication_of_the_message_is_covered(client: TestClient, site: ProjectFixture,
                                                     sandbox: SandboxServer, published: dict[str, Any]) -> None:
    dave = user_on_both(client, site, sandbox, "dave", 1)
    other = ok(call(client, site, "POST", "/sharing/messages.json", publish_for(dave, "Elsewhere")))
    token = published["sharing_message_token"]
    republish = {"sharing_message": {"publish_for_user": {"user_token": dave["user_token"], "providers": ["bluesky"]}}}
    ok(call(client, site, "POST", f"/sharing/messages/{token}.json", republish))
    snapshot = snapshot_of(client, site, published)
    covered = [(e["publication"]["provider"], e["publication"]["user_token"])
               for e in snapshot["publication_snapshots"]["entries"]]
    assert len(covered) == 3 and covered[-1] == ("bluesky", dave["user_token"])
    assert other["sharing_message"]["sharing_message_token"] != token
