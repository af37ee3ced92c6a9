"""/sharing/messages.json and /sharing/messages/<token>.json against the sandbox Mastodon and Bluesky: publish for
users and identities with tracking, re-publish, list, read, delete; partial failures; retries never double-post."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from sharelytics.app import Services
from sharelytics.sandbox.server import SandboxServer
from tests.api.conftest import BROWSER
from tests.api.oneall.conftest import (
    RFC2822,
    UUID,
    admin,
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

PUBLICATION_KEYS = ["provider", "user_token", "identity_token", "date_publication", "status", "publication_token",
                    "post_url"]


def two_networks(client: TestClient, site: ProjectFixture, sandbox: SandboxServer, name: str,
                 followers: int = 10) -> dict[str, Any]:
    user = import_user(client, site, mastodon_source(sandbox, name, followers))
    return import_user(client, site, bluesky_source(sandbox, name, followers + 1), user_token=user["user_token"])


def for_user(user: dict[str, Any], text: str, *, tracking: int | str = 1, providers: Any = None,
             **parts: Any) -> dict[str, Any]:
    return {"sharing_message": {
        "publish_for_user": {"user_token": user["user_token"], "providers": providers or ["mastodon", "bluesky"]},
        "parts": {"text": {"body": text}, **parts, "flags": {"enable_tracking": tracking}}}}


def test_publish_for_two_users_with_tracking_then_clicks_show_as_referrals_and_stats(
        client: TestClient, site: ProjectFixture, sandbox: SandboxServer, services: Services) -> None:
    alice, bob = two_networks(client, site, sandbox, "alice", 100), two_networks(client, site, sandbox, "bob", 7)
    link = {"url": "https://example.com/launch", "name": "Launch", "caption": "c", "description": "d"}
    first = ok(call(client, site, "POST", "/sharing/messages.json",
                    for_user(alice, "Read https://example.com/post?id=1 now!", link=link)))["sharing_message"]
    assert list(first) == ["sharing_message_token", "date_creation", "date_last_published", "parts", "publications"]
    assert UUID.match(first["sharing_message_token"]) and RFC2822.match(first["date_last_published"])
    assert first["parts"]["text"] == {"body": "Read https://example.com/post?id=1 now!"}
    assert first["parts"]["link"] == link and first["parts"]["flags"] == {"enable_tracking": 1}
    entries = first["publications"]["entries"]
    assert first["publications"]["count"] == 2 and [e["provider"] for e in entries] == ["mastodon", "bluesky"]
    for entry in entries:
        assert list(entry)[:7] == PUBLICATION_KEYS and entry["status"]["flag"] == "success"
        assert entry["status"]["code"] == 200 and entry["user_token"] == alice["user_token"]
        assert [u["original_url"] for u in entry["shorturls"]["entries"]] == ["https://example.com/post?id=1",
                                                                          "https://example.com/launch"]
    # Each publication has its own short links, and the network got them instead of the originals.
    shorts = [u["short_url"] for e in entries for u in e["shorturls"]["entries"]]
    assert len(set(shorts)) == 4
    [toot] = posts(sandbox, "mastodon")
    assert entries[0]["shorturls"]["entries"][0]["short_url"] in toot["text"] and "example.com" not in toot["text"]
    [skeet] = posts(sandbox, "bluesky")
    assert entries[1]["shorturls"]["entries"][0]["short_url"] in skeet["text"]

    second = ok(call(client, site, "POST", "/sharing/messages.json",
                     for_user(bob, "Bob says https://example.com/post?id=1")))["sharing_message"]
    assert [e["status"]["flag"] for e in second["publications"]["entries"]] == ["success", "success"]

    # Clicks: two people on alice's Mastodon link, one on bob's Bluesky link, one unfurler.
    alice_toot = entries[0]["shorturls"]["entries"][0]
    bob_skeet = second["publications"]["entries"][1]["shorturls"]["entries"][0]
    for referrer in ("https://mastodon.example/home", "https://elk.zone/"):
        clicked = client.get("/" + alice_toot["shorturl_token"], headers={"User-Agent": BROWSER, "Referer": referrer},
                             follow_redirects=False)
        assert clicked.status_code == 302 and clicked.headers["location"] == "https://example.com/post?id=1"
    client.get("/" + bob_skeet["shorturl_token"], headers={"User-Agent": BROWSER}, follow_redirects=False)
    client.get("/" + alice_toot["shorturl_token"], headers={"User-Agent": "Slackbot-LinkExpanding 1.0"},
               follow_redirects=False)
    assert services.pipeline is not None
    services.pipeline.flush()

    detail = ok(call(client, site, "GET", f"/shorturls/{alice_toot['shorturl_token']}.json"))["shorturl"]
    assert detail["num_referrals"] == 2 and detail["num_unfurler_referrals"] == 1
    assert [r["page"] for r in detail["referrals"]["entries"]] == ["https://mastodon.example/home", "https://elk.zone/"]
    assert all(RFC2822.match(r["date_creation"]) and list(r) == ["page", "ip_address", "date_creation"]
               for r in detail["referrals"]["entries"])

    stats = client.get("/stats/range.json", params={"v": "3", "key": site.key, "group_by": "channel"}).json()
    clicks = {g["channel"]: g["clicks"] for g in stats["groups"]}
    assert clicks == {"mastodon": 2, "bluesky": 1}
    shared = client.get("/stats/range.json", params={"v": "3", "key": site.key, "group_by": "user_id"}).json()
    assert {g["user_id"] for g in shared["groups"]} == {alice["user_token"], bob["user_token"]}


def test_the_tracked_links_carry_the_post_and_reach(client: TestClient, site: ProjectFixture, sandbox: SandboxServer,
                                                    services: Services) -> None:
    alice = two_networks(client, site, sandbox, "alice", 100)
    message = ok(call(client, site, "POST", "/sharing/messages.json",
                      for_user(alice, "https://example.com/x", providers=["mastodon"])))["sharing_message"]
    entry = message["publications"]["entries"][0]
    short = entry["shorturls"]["entries"][0]
    link = client.get("/stats/awesm_ids/batch.json", params={"v": "3", "key": site.key,
                                                             "awesm_ids": short["short_url"].split("//")[1]
                                                             .replace("/", "_"), "with_metadata": "true"}).json()
    text = str(link)
    assert "mastodon:" in text and alice["user_token"] in text
    assert entry["post_url"].startswith(sandbox.mastodon_url)


def test_publish_for_one_identity_without_tracking(client: TestClient, site: ProjectFixture,
                                                   sandbox: SandboxServer) -> None:
    user = two_networks(client, site, sandbox, "carol")
    bluesky = next(i for i in user["identities"] if i["provider"] == "bluesky")
    body = {"sharing_message": {"publish_for_identity": {"identity_token": bluesky["identity_token"]},
                                "parts": {"text": {"body": "Only here https://example.com/"},
                                          "flags": {"enable_tracking": "0"}}}}
    message = ok(call(client, site, "POST", "/sharing/messages.json", body))["sharing_message"]
    [entry] = message["publications"]["entries"]
    assert entry["provider"] == "bluesky" and "shorturls" not in entry
    assert posts(sandbox, "bluesky")[0]["text"] == "Only here https://example.com/"
    assert posts(sandbox, "mastodon") == []


def test_a_revoked_identity_gives_207_and_the_others_are_published(client: TestClient, site: ProjectFixture,
                                                                    sandbox: SandboxServer) -> None:
    user = two_networks(client, site, sandbox, "dave")
    admin(sandbox, "POST", "/mastodon/accounts/dave/revoke")
    response = call(client, site, "POST", "/sharing/messages.json", for_user(user, "Half of it"))
    assert response.status_code == 207
    request = response.json()["response"]["request"]
    assert request["status"]["code"] == 207 and request["status"]["flag"] == "success"
    entries = response.json()["response"]["result"]["data"]["sharing_message"]["publications"]["entries"]
    mastodon, bluesky = entries
    assert (mastodon["status"]["flag"], mastodon["status"]["code"]) == ("error", 401)
    assert mastodon["status"]["message"] and bluesky["status"]["code"] == 200
    assert len(posts(sandbox, "bluesky")) == 1 and posts(sandbox, "mastodon") == []


def test_a_network_failing_gives_207(client: TestClient, site: ProjectFixture, sandbox: SandboxServer) -> None:
    user = two_networks(client, site, sandbox, "erin")
    admin(sandbox, "POST", "/bluesky/faults", json={"status": 503, "count": 50, "path": "createRecord"})
    response = call(client, site, "POST", "/sharing/messages.json", for_user(user, "Bluesky is down"))
    assert response.status_code == 207
    entries = response.json()["response"]["result"]["data"]["sharing_message"]["publications"]["entries"]
    assert [(e["provider"], e["status"]["code"]) for e in entries] == [("mastodon", 200), ("bluesky", 503)]


def test_a_retried_publish_does_not_double_post_and_completes_what_failed(client: TestClient, site: ProjectFixture,
                                                                           sandbox: SandboxServer) -> None:
    user = two_networks(client, site, sandbox, "frank")
    body = for_user(user, "Once only https://example.com/once")
    admin(sandbox, "POST", "/bluesky/faults", json={"status": 503, "count": 50, "path": "createRecord"})
    first = call(client, site, "POST", "/sharing/messages.json", body)
    assert first.status_code == 207
    admin(sandbox, "DELETE", "/bluesky/faults")
    again = call(client, site, "POST", "/sharing/messages.json", body)  # the client's retry, byte for byte
    message, retried = (r.json()["response"]["result"]["data"]["sharing_message"] for r in (first, again))
    assert again.status_code == 200
    assert retried["sharing_message_token"] == message["sharing_message_token"]
    assert len(posts(sandbox, "mastodon")) == 1 and len(posts(sandbox, "bluesky")) == 1
    # Same publications, same short links: the retry re-sent only what had failed.
    assert [e["publication_token"] for e in retried["publications"]["entries"]] == \
        [e["publication_token"] for e in message["publications"]["entries"]]
    assert retried["publications"]["entries"][1]["shorturls"] == message["publications"]["entries"][1]["shorturls"]
    listing = ok(call(client, site, "GET", "/sharing/messages.json"))["sharing_messages"]
    assert listing["count"] == 1


def test_an_idempotency_key_header_makes_a_retry(client: TestClient, site: ProjectFixture,
                                                 sandbox: SandboxServer) -> None:
    user = two_networks(client, site, sandbox, "gina")
    first = ok(call(client, site, "POST", "/sharing/messages.json", for_user(user, "A"),
                    headers={"Idempotency-Key": "k-1"}))["sharing_message"]
    again = ok(call(client, site, "POST", "/sharing/messages.json", for_user(user, "A, edited"),
                    headers={"Idempotency-Key": "k-1"}))["sharing_message"]
    assert again["sharing_message_token"] == first["sharing_message_token"]
    other = ok(call(client, site, "POST", "/sharing/messages.json", for_user(user, "A"),
                    headers={"Idempotency-Key": "k-2"}))["sharing_message"]
    assert other["sharing_message_token"] != first["sharing_message_token"]
    assert len(posts(sandbox, "mastodon")) == 2


def test_republish_reuses_the_parts_and_moves_date_last_published(client: TestClient, site: ProjectFixture,
                                                                  sandbox: SandboxServer) -> None:
    alice, bob = two_networks(client, site, sandbox, "alice"), two_networks(client, site, sandbox, "bob")
    message = ok(call(client, site, "POST", "/sharing/messages.json",
                      for_user(alice, "Again https://example.com/a", providers=["mastodon"])))["sharing_message"]
    token = message["sharing_message_token"]
    body = {"sharing_message": {"publish_for_user": {"user_token": bob["user_token"], "providers": ["bluesky"]}}}
    again = ok(call(client, site, "POST", f"/sharing/messages/{token}.json", body))["sharing_message"]
    assert again["sharing_message_token"] == token and again["parts"] == message["parts"]
    [entry] = again["publications"]["entries"]
    assert entry["provider"] == "bluesky" and entry["user_token"] == bob["user_token"]
    assert parse_date(again["date_last_published"]) >= parse_date(message["date_last_published"])
    read = ok(call(client, site, "GET", f"/sharing/messages/{token}.json"))["sharing_message"]
    assert [e["provider"] for e in read["publications"]["entries"]] == ["mastodon", "bluesky"]
    assert posts(sandbox, "bluesky")[0]["text"].startswith("Again ")


def test_list_read_and_delete(client: TestClient, site: ProjectFixture, sandbox: SandboxServer) -> None:
    user = two_networks(client, site, sandbox, "hank")
    tokens = [ok(call(client, site, "POST", "/sharing/messages.json",
                      for_user(user, f"Post {n}", providers=["mastodon"])))["sharing_message"]["sharing_message_token"]
              for n in range(3)]
    listing = ok(call(client, site, "GET", "/sharing/messages.json?page=1&order_direction=desc"))["sharing_messages"]
    assert [e["sharing_message_token"] for e in listing["entries"]] == tokens[::-1]
    assert all(list(e) == ["sharing_message_token", "date_creation", "date_last_published"] for e in listing["entries"])
    failed(call(client, site, "DELETE", f"/sharing/messages/{tokens[0]}.json"), 400)
    ok(call(client, site, "GET", f"/sharing/messages/{tokens[0]}.json"))
    ok(call(client, site, "DELETE", f"/sharing/messages/{tokens[0]}.json?confirm_deletion=true"))
    failed(call(client, site, "GET", f"/sharing/messages/{tokens[0]}.json"), 404)
    assert len(posts(sandbox, "mastodon")) == 3  # the posts stay on the network


def test_publish_errors(client: TestClient, site: ProjectFixture, other_site: ProjectFixture,
                        sandbox: SandboxServer) -> None:
    user = import_user(client, site, mastodon_source(sandbox, "ivy"))
    failed(call(client, site, "POST", "/sharing/messages.json", for_user(user, "x", providers=["facebook"])), 409)
    failed(call(client, other_site, "POST", "/sharing/messages.json", for_user(user, "x")), 404)
    empty = {"sharing_message": {"publish_for_user": {"user_token": user["user_token"], "providers": ["mastodon"]},
                                 "parts": {"flags": {"enable_tracking": 1}}}}
    failed(call(client, site, "POST", "/sharing/messages.json", empty), 400)
    failed(call(client, site, "POST", "/sharing/messages.json", {"sharing_message": {"parts": {}}}), 400)
    failed(call(client, site, "POST", "/sharing/messages.json",
                for_user(user, "x", providers=["mastodon"], uploads=[{"name": "a.png", "data": "%%%"}])), 400)
    unknown = {"sharing_message": {"publish_for_user": {"user_token": user["user_token"], "providers": ["mastodon"]}}}
    failed(call(client, site, "POST", "/sharing/messages/00000000-0000-4000-8000-000000000000.json", unknown), 404)
    assert posts(sandbox, "mastodon") == []


def test_providers_as_a_plain_string(client: TestClient, site: ProjectFixture, sandbox: SandboxServer) -> None:
    user = import_user(client, site, mastodon_source(sandbox, "jack"))
    ok(call(client, site, "POST", "/sharing/messages.json", for_user(user, "x", providers="mastodon")))
    assert len(posts(sandbox, "mastodon")) == 1
