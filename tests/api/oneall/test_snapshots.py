"""/sharing/analytics/snapshots.json and /sharing/analytics/snapshots/<token>.json end to end on the sandbox: a
message published for two users on Mastodon and Bluesky (then re-published), clicked by people, bots and link
previews through real redirects, reacted to on both networks; the snapshot is initiated with a pingback, the signed
pingback is verified with the recipe of docs/pingbacks.md, and every number in the snapshot is checked."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from sharelytics.app import Services
from sharelytics.config import Settings
from sharelytics.sandbox.server import SandboxServer
from tests.api.conftest import BROWSER
from tests.api.oneall.conftest import RFC2822, UUID, call, failed, ok
from tests.conftest import ProjectFixture
from tests.snapshots.helpers import (fan, initiate, publish_for, react, republish_for, user_on_both,
                                     wait_processed)
from tests.snapshots.receiver import PingbackReceiver

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SLACK = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
SNAPSHOT_KEYS = ["sharing_analytics_snapshot_token", "date_initiated", "sharing_message"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(pingback_allow="127.0.0.1", job_consumer="on", pingback_retry_initial=0.2)


def verify_as_docs_say(private_key: str, headers: dict[str, str], body: bytes) -> bool:
    """The recipe of docs/pingbacks.md, as a site would write it."""
    key = hashlib.sha256(private_key.encode()).hexdigest().encode()
    timestamp = headers["x-sharelytics-timestamp"]
    if abs(time.time() - int(timestamp)) > 300:
        return False
    expected = "sha256=" + hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["x-sharelytics-signature"])


def click(client: TestClient, token: str, agent: str, times: int) -> None:
    for _ in range(times):
        answer = client.get("/" + token, headers={"User-Agent": agent}, follow_redirects=False)
        assert answer.status_code == 302


def test_a_snapshot_counts_every_click_and_reaction_and_is_pingbacked(
        client: TestClient, site: ProjectFixture, sandbox: SandboxServer, services: Services) -> None:
    alice = user_on_both(client, site, sandbox, "alice", 100)
    bob = user_on_both(client, site, sandbox, "bob", 7)
    text = "Read https://example.com/post?id=1 and https://example.com/b"
    message = ok(call(client, site, "POST", "/sharing/messages.json", publish_for(alice, text)))["sharing_message"]
    token = message["sharing_message_token"]
    ok(call(client, site, "POST", f"/sharing/messages/{token}.json", republish_for(bob)))
    pubs = ok(call(client, site, "GET", f"/sharing/messages/{token}.json"))["sharing_message"]["publications"]
    entries = pubs["entries"]
    assert [(e["provider"], e["user_token"]) for e in entries] == [
        ("mastodon", alice["user_token"]), ("bluesky", alice["user_token"]),
        ("mastodon", bob["user_token"]), ("bluesky", bob["user_token"])]

    # People: publication i, URL j gets i + 2j + 1 clicks. A bot on the first link; two previews on the last.
    for i, entry in enumerate(entries):
        for j, short in enumerate(entry["shorturls"]["entries"]):
            click(client, short["shorturl_token"], BROWSER, i + 2 * j + 1)
    click(client, entries[0]["shorturls"]["entries"][0]["shorturl_token"], GOOGLEBOT, 1)
    click(client, entries[3]["shorturls"]["entries"][1]["shorturl_token"], SLACK, 2)
    assert services.pipeline is not None
    services.pipeline.flush()

    fans = {net: [fan(sandbox, net, f"fan{n}", 5 * n)["username"] for n in (1, 2)] for net in ("mastodon", "bluesky")}
    alice_toot, alice_skeet, _bob_toot, bob_skeet = (e["post_url"] for e in entries)
    for who in fans["mastodon"]:
        react(sandbox, "mastodon", alice_toot, "like", who)
    react(sandbox, "mastodon", alice_toot, "repost", fans["mastodon"][0])
    react(sandbox, "mastodon", alice_toot, "reply", fans["mastodon"][1], "Great post!")
    react(sandbox, "bluesky", alice_skeet, "like", fans["bluesky"][0])
    react(sandbox, "bluesky", alice_skeet, "quote", fans["bluesky"][1], "Look at this")
    react(sandbox, "bluesky", bob_skeet, "repost", fans["bluesky"][0])
    react(sandbox, "bluesky", bob_skeet, "reply", fans["bluesky"][0], "Nice")

    with PingbackReceiver() as receiver:
        answer = initiate(client, site, token, receiver.url)
        scheduled = answer.json()["response"]
        assert answer.status_code == 201 and scheduled["request"]["status"] == {
            "flag": "scheduled", "code": 201, "info": "Your request has been received and scheduled to be processed"}
        snapshot = scheduled["result"]["data"]["sharing_analytics_snapshot"]
        assert list(snapshot) == SNAPSHOT_KEYS and UUID.match(snapshot["sharing_analytics_snapshot_token"])
        assert snapshot["sharing_message"]["sharing_message_token"] == token
        [pingback] = receiver.wait(1, timeout=60)

    snapshot_token = snapshot["sharing_analytics_snapshot_token"]
    assert verify_as_docs_say(site.keys.oneall_private_key, pingback.headers, pingback.body)
    assert not verify_as_docs_say(site.keys.oneall_private_key, pingback.headers, pingback.body + b" ")
    assert pingback.headers["content-type"] == "application/json" and UUID.match(pingback.headers["x-sharelytics-delivery"])
    announced = orjson.loads(pingback.body)["response"]
    assert announced["request"]["status"]["code"] == 200 and RFC2822.match(announced["request"]["date"])
    data = announced["result"]["data"]["sharing_analytics_snapshot"]
    assert list(data) == ["sharing_analytics_snapshot_token", "date_initiated", "date_finished", "sharing_message"]
    assert data["sharing_analytics_snapshot_token"] == snapshot_token and RFC2822.match(data["date_finished"])

    details = ok(call(client, site, "GET", f"/sharing/analytics/snapshots/{snapshot_token}.json"))
    built = details["sharing_analytics_snapshot"]
    assert built["status"] == "processed" and built["date_finished"] == data["date_finished"]
    found = built["publication_snapshots"]
    assert found["count"] == 4
    for i, (entry, published) in enumerate(zip(found["entries"], entries)):
        publication, result = entry["publication"], entry["publication_snapshot"]
        assert {k: publication[k] for k in ("provider", "user_token", "identity_token", "date_publication")} == {
            k: published[k] for k in ("provider", "user_token", "identity_token", "date_publication")}
        assert publication["shorturls"] == published["shorturls"]
        assert result["status"]["flag"] == "success" and result["status"]["code"] == 200
        assert RFC2822.match(result["date_processed"])
        urls = result["urls"]["entries"]
        assert [u["target"] for u in urls] == ["https://example.com/post?id=1", "https://example.com/b"]
        assert [u["num_referrals"] for u in urls] == [i + 1, i + 3]
        assert [u["num_bot_referrals"] for u in urls] == ([1, 0] if i == 0 else [0, 0])
        assert [u["num_unfurler_referrals"] for u in urls] == ([0, 2] if i == 3 else [0, 0])

    def people(entry: dict[str, Any], kind: str) -> list[str]:
        return sorted(r["username"] for r in entry["publication_snapshot"][kind]["entries"])

    toot, skeet, quiet, bob_skeet_snap = found["entries"]
    assert people(toot, "likes") == sorted(fans["mastodon"]) and people(toot, "retweets") == [fans["mastodon"][0]]
    [comment] = toot["publication_snapshot"]["comments"]["entries"]
    assert comment["username"] == fans["mastodon"][1] and "Great post!" in comment["content"]
    assert RFC2822.match(comment["date"]) and comment["profileUrl"].startswith("http")
    assert toot["publication_snapshot"]["likes"]["num_reported"] == 2
    liker = toot["publication_snapshot"]["likes"]["entries"][0]
    assert liker["num_followers"] in (5, 10) and "date_member_since" in liker
    assert people(skeet, "likes") == [fans["bluesky"][0]] and people(skeet, "quotes") == [fans["bluesky"][1]]
    assert skeet["publication_snapshot"]["quotes"]["entries"][0]["content"] == "Look at this"
    assert all(quiet["publication_snapshot"][k]["count"] == 0 for k in ("likes", "comments", "retweets", "quotes"))
    assert people(bob_skeet_snap, "retweets") == [fans["bluesky"][0]]
    assert [c["content"] for c in bob_skeet_snap["publication_snapshot"]["comments"]["entries"]] == ["Nice"]

    # History: a second snapshot is a new record; the first one stays as it was.
    second = initiate(client, site, token, None)
    assert second.status_code == 201
    second_token = second.json()["response"]["result"]["data"]["sharing_analytics_snapshot"][
        "sharing_analytics_snapshot_token"]
    wait_processed(client, site, second_token)
    listed = ok(call(client, site, "GET", "/sharing/analytics/snapshots.json",
                     params={"user_token": bob["user_token"]}))["sharing_analytics_snapshots"]
    assert [e["sharing_analytics_snapshot_token"] for e in listed["entries"]] == [snapshot_token, second_token]
    assert all(list(e) == ["sharing_analytics_snapshot_token", "date_initiated", "status", "date_finished",
                           "sharing_message"] for e in listed["entries"])
    assert ok(call(client, site, "GET", f"/sharing/analytics/snapshots/{snapshot_token}.json")) == details


def test_an_unknown_message_other_sites_and_bad_bodies_get_envelopes(
        client: TestClient, site: ProjectFixture, other_site: ProjectFixture) -> None:
    missing = "0b7c3a47-7d39-4b5e-9b35-2c6a4e2f1d11"
    failed(initiate(client, site, missing, None), 404)
    failed(call(client, site, "PUT", "/sharing/analytics/snapshots.json", {"analytics": {"sharing": {}}}), 400)
    failed(call(client, site, "PUT", "/sharing/analytics/snapshots.json", {"analytics": "x"}), 400)
    failed(call(client, site, "PUT", "/sharing/analytics/snapshots.json", content=b"{not json"), 400)
    failed(call(client, site, "PUT", "/sharing/analytics/snapshots.json", content=b""), 400)
    failed(call(client, site, "GET", f"/sharing/analytics/snapshots/{missing}.json"), 404)
    failed(call(client, site, "GET", "/sharing/analytics/snapshots/not-a-token.json"), 404)
    failed(call(client, site, "DELETE", f"/sharing/analytics/snapshots/{missing}.json?confirm_deletion=true"), 404)
    failed(call(client, site, "POST", "/sharing/analytics/snapshots.json", {}), 405)
    failed(call(client, site, "GET", "/sharing/analytics/elsewhere.json"), 404)
    failed(client.get("/sharing/analytics/snapshots.json"), 401)
    empty = ok(call(client, other_site, "GET", "/sharing/analytics/snapshots.json"))["sharing_analytics_snapshots"]
    assert empty["count"] == 0 and empty["pagination"]["total_entries"] == 0
