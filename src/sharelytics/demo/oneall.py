"""A minimal OneAll API client for the demo: Basic auth with the site's key pair and the `request` envelope."""

from __future__ import annotations

import time
from typing import Any

import httpx


class DemoError(RuntimeError):
    """A step of the demo failed: the message says which and what the server answered."""


class OneAllClient:
    def __init__(self, base_url: str, public_key: str, private_key: str) -> None:
        self.http = httpx.Client(base_url=base_url, auth=(public_key, private_key), timeout=60)

    def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = self.http.request(method, path, json={"request": body} if body is not None else None)
        if response.status_code >= 300:
            raise DemoError(f"{method} {path} answered {response.status_code}: {response.text[:300]}")
        return response.json()["response"].get("result", {}).get("data", {})

    def import_user(self, source: dict[str, Any], user_token: str | None = None) -> dict[str, Any]:
        user: dict[str, Any] = {"identity": {"source": source}}
        if user_token:
            user["user_token"] = user_token
        return self.call("PUT", "/users.json", {"user": user})["user"]

    def publish(self, user_token: str, text: str | None, message_token: str | None = None) -> str:
        """Publish a new message (text) or an existing one again for another user; returns the message token."""
        message: dict[str, Any] = {"publish_for_user": {"user_token": user_token,
                                                        "providers": ["mastodon", "bluesky"]}}
        if message_token is None:
            message["parts"] = {"text": {"body": text}, "flags": {"enable_tracking": 1}}
            return self.call("POST", "/sharing/messages.json", {"sharing_message": message})[
                "sharing_message"]["sharing_message_token"]
        self.call("POST", f"/sharing/messages/{message_token}.json", {"sharing_message": message})
        return message_token

    def snapshot(self, message_token: str, timeout: float = 120.0) -> str:
        """Initiate a snapshot of the message and wait until it is processed; returns its token."""
        body = {"analytics": {"sharing": {"sharing_message_token": message_token}}}
        response = self.http.put("/sharing/analytics/snapshots.json", json={"request": body})
        if response.status_code not in (200, 201, 207):
            raise DemoError(f"snapshot of {message_token} answered {response.status_code}: {response.text[:300]}")
        token = response.json()["response"]["result"]["data"]["sharing_analytics_snapshot"][
            "sharing_analytics_snapshot_token"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.call("GET", f"/sharing/analytics/snapshots/{token}.json")["sharing_analytics_snapshot"]
            if found["status"] == "processed":
                return token
            time.sleep(0.2)
        raise DemoError(f"snapshot {token} was not processed within {timeout:.0f}s")

    def close(self) -> None:
        self.http.close()
