"""Building a message worth a snapshot on the sandbox, through the OneAll API as a site would, and waiting for it."""

from __future__ import annotations

import time
from typing import Any

from starlette.testclient import TestClient

from sharelytics.sandbox.server import SandboxServer
from tests.api.oneall.conftest import admin, bluesky_source, call, import_user, mastodon_source, ok
from tests.conftest import ProjectFixture


def user_on_both(client: TestClient, site: ProjectFixture, sandbox: SandboxServer, name: str,
                 followers: int) -> dict[str, Any]:
    user = import_user(client, site, mastodon_source(sandbox, name, followers))
    return import_user(client, site, bluesky_source(sandbox, name, followers + 1), user_token=user["user_token"])


def publish_for(user: dict[str, Any], text: str) -> dict[str, Any]:
    return {"sharing_message": {"publish_for_user": {"user_token": user["user_token"],
                                                     "providers": ["mastodon", "bluesky"]},
                                "parts": {"text": {"body": text}, "flags": {"enable_tracking": 1}}}}


def republish_for(user: dict[str, Any]) -> dict[str, Any]:
    return {"sharing_message": {"publish_for_user": {"user_token": user["user_token"],
                                                     "providers": ["mastodon", "bluesky"]}}}


def fan(sandbox: SandboxServer, network: str, name: str, followers: int) -> dict[str, Any]:
    return admin(sandbox, "POST", f"/{network}/accounts", json={"username": name, "followers_count": followers})


def react(sandbox: SandboxServer, network: str, post_url: str, kind: str, by: str, text: str = "") -> None:
    admin(sandbox, "POST", f"/{network}/reactions", json={"post": post_url, "kind": kind, "by": by, "text": text})


def initiate(client: TestClient, site: ProjectFixture, message_token: str, pingback: str | None) -> Any:
    return call(client, site, "PUT", "/sharing/analytics/snapshots.json",
                {"analytics": {"sharing": {"sharing_message_token": message_token, "pingback_uri": pingback}}})


def wait_processed(client: TestClient, site: ProjectFixture, token: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = ok(call(client, site, "GET", f"/sharing/analytics/snapshots/{token}.json"))
        snapshot = found["sharing_analytics_snapshot"]
        if snapshot["status"] == "processed":
            return snapshot
        assert time.monotonic() < deadline, f"snapshot still {snapshot['status']} after {timeout}s: {snapshot}"
        time.sleep(0.1)
