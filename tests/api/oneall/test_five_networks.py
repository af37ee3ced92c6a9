"""The networks OneAll sites actually publish to: one user with identities on X, Facebook, LinkedIn, Mastodon and
Bluesky (each imported with its own token shape through `PUT /users.json`), one tracked message published to all
five, clicked through real redirects, reacted to on every network through the sandbox's admin API, and a snapshot
(with a pingback on 127.0.0.1) whose every number is checked against what was done. Then the failures that touch one
network only: a revoked token at publish (207, the other four out) and a deleted post at snapshot time.

Only the OneAll HTTP API, the redirect and the sandbox admin API are used, as a site and its users would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from sharelytics.app import Services
from sharelytics.config import Settings
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
from tests.snapshots.helpers import initiate, wait_processed
from tests.snapshots.receiver import PingbackReceiver

NETWORKS = ["twitter", "facebook", "linkedin", "mastodon", "bluesky"]
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
TEXT = "Launch day, read it all: https://example.com/launch?ref=five"
LINK = {"url": "https://example.com/docs", "name": "The docs", "caption": "Docs", "description": "How it works"}
# Fans' sign-up dates and audiences, so X's retweeters can be checked for date_member_since and num_followers.
FAN_SINCE = {1: datetime(2014, 3, 9, 8, 30, tzinfo=UTC), 2: datetime(2019, 11, 2, 17, 5, tzinfo=UTC)}
FAN_FOLLOWERS = {1: 1500, 2: 42}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The snapshot is built by the in-process job consumer; its pingback may reach the receiver on loopback.
    return settings.with_overrides(pingback_allow="127.0.0.1", job_consumer="on", pingback_retry_initial=0.2)


# -- identities ---------------------------------------------------------------------------------------------------


def sandbox_account(sandbox: SandboxServer, network: str, username: str, **fields: Any) -> dict[str, Any]:
    return admin(sandbox, "POST", f"/{network}/accounts", json={"username": username, **fields})


def twitter_source(sandbox: SandboxServer, username: str, followers: int) -> dict[str, Any]:
    """X: an OAuth 2.0 user-context bearer token alone; `base_url` points the adapter at the sandbox's API."""
    account = sandbox_account(sandbox, "twitter", username, followers_count=followers)
    return {"key": "twitter", "base_url": account["base_url"], "access_token": {"key": account["access_token"]}}


def facebook_source(sandbox: SandboxServer, username: str, followers: int) -> dict[str, Any]:
    """Facebook: a page access token, and the page id in `account_id` (the token alone does not name the page)."""
    account = sandbox_account(sandbox, "facebook", username, followers_count=followers)
    return {"key": "facebook", "base_url": account["base_url"], "account_id": account["page_id"],
            "access_token": {"key": account["access_token"]}}


def linkedin_source(sandbox: SandboxServer, username: str, followers: int) -> dict[str, Any]:
    """LinkedIn: a member token, and the author URN (`urn:li:person:…`) in `account_id`."""
    account = sandbox_account(sandbox, "linkedin", username, followers_count=followers, kind="person")
    return {"key": "linkedin", "base_url": account["base_url"], "account_id": account["author_urn"],
            "access_token": {"key": account["access_token"]}}


SOURCES = {"twitter": twitter_source, "facebook": facebook_source, "linkedin": linkedin_source,
           "mastodon": mastodon_source, "bluesky": bluesky_source}


def user_on_five(client: TestClient, site: ProjectFixture, sandbox: SandboxServer, name: str) -> dict[str, Any]:
    """One user with an identity on each network, imported one after the other onto the same user_token."""
    user: dict[str, Any] | None = None
    for followers, network in enumerate(NETWORKS, start=100):
        user = import_user(client, site, SOURCES[network](sandbox, name, followers),
                           user_token=user["user_token"] if user else None)
        assert user["identity"]["provider"] == network
    assert user is not None
    assert sorted(i["provider"] for i in user["identities"]) == sorted(NETWORKS)
    listed = ok(call(client, site, "GET", f"/users/{user['user_token']}.json"))["user"]["identities"]
    assert sorted(i["provider"] for i in listed) == sorted(NETWORKS) and all(UUID.match(i["identity_token"])
                                                                             for i in listed)
    return user


def publish_to_five(client: TestClient, site: ProjectFixture, user: dict[str, Any], text: str = TEXT,
                    code: int = 200) -> dict[str, Any]:
    body = {"sharing_message": {
        "publish_for_user": {"user_token": user["user_token"], "providers": NETWORKS},
        "parts": {"text": {"body": text}, "link": LINK, "flags": {"enable_tracking": 1}}}}
    return ok(call(client, site, "POST", "/sharing/messages.json", body), code)["sharing_message"]


def snapshot_now(client: TestClient, site: ProjectFixture, message_token: str) -> dict[str, Any]:
    answer = initiate(client, site, message_token, None)
    assert answer.status_code == 201, answer.text
    data = answer.json()["response"]["result"]["data"]["sharing_analytics_snapshot"]
    return wait_processed(client, site, data["sharing_analytics_snapshot_token"])


def by_provider(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    entries = snapshot["publication_snapshots"]["entries"]
    assert sorted(e["publication"]["provider"] for e in entries) == sorted(NETWORKS)
    return {e["publication"]["provider"]: e for e in entries}


# -- the end-to-end story -----------------------------------------------------------------------------------------


def test_import_publish_click_react_and_snapshot_on_all_five_networks(
        client: TestClient, site: ProjectFixture, sandbox: SandboxServer, services: Services) -> None:
    user = user_on_five(client, site, sandbox, "ada")
    message = publish_to_five(client, site, user)
    token = message["sharing_message_token"]
    entries = message["publications"]["entries"]
    assert message["publications"]["count"] == 5 and [e["provider"] for e in entries] == NETWORKS
    for entry in entries:
        assert (entry["status"]["flag"], entry["status"]["code"]) == ("success", 200), entry
        assert entry["user_token"] == user["user_token"] and entry["post_url"].startswith("http")
        shorts = entry["shorturls"]["entries"]
        assert sorted(u["original_url"] for u in shorts) == sorted([LINK["url"], "https://example.com/launch?ref=five"])
    # Each network got exactly one post, carrying its publication's short link instead of the original URL.
    for network, entry in zip(NETWORKS, entries):
        [post] = posts(sandbox, network)
        text_short = next(u for u in entry["shorturls"]["entries"] if "launch" in u["original_url"])
        assert text_short["short_url"] in post["text"] and "example.com/launch" not in post["text"], (network, post)

    # Clicks through the real redirect: publication i, short URL j gets i + 2j + 1 people; one crawler per URL.
    expected_referrals: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(entries):
        for j, short in enumerate(entry["shorturls"]["entries"]):
            people = i + 2 * j + 1
            for agent in [BROWSER] * people + [GOOGLEBOT]:
                answer = client.get("/" + short["shorturl_token"], headers={"User-Agent": agent},
                                    follow_redirects=False)
                assert answer.status_code == 302 and answer.headers["location"] == short["original_url"]
            expected_referrals[(entry["provider"], short["original_url"])] = people
    assert services.pipeline is not None
    services.pipeline.flush()

    # Two fans on every network; on LinkedIn a reactor is named by URN, elsewhere by username (Facebook: name).
    accounts = {network: [sandbox_account(sandbox, network, f"fan{n}", followers_count=FAN_FOLLOWERS[n],
                                          created_at=FAN_SINCE[n].isoformat(), display_name=f"fan{n}",
                                          **({"kind": "person"} if network == "linkedin" else {}))
                          for n in (1, 2)] for network in NETWORKS}
    fans = {network: [a["id"] if network == "linkedin" else a["username"] for a in created]
            for network, created in accounts.items()}
    urls = {e["provider"]: e["post_url"] for e in entries}

    def react(network: str, kind: str, fan: int, text: str = "", **extra: Any) -> None:
        admin(sandbox, "POST", f"/{network}/reactions", json={
            "post": urls[network], "kind": kind, "by": accounts[network][fan - 1]["username"], "text": text, **extra})

    # X: two likes, one retweet, one reply, one quote.
    react("twitter", "like", 1), react("twitter", "like", 2), react("twitter", "repost", 1)
    react("twitter", "reply", 2, "Congrats on the launch"), react("twitter", "quote", 1, "Worth reading")
    # Facebook: two reactions of different types, one comment, one share (counted, never listed by Graph).
    react("facebook", "like", 1), react("facebook", "like", 2, reaction="LOVE")
    react("facebook", "reply", 1, "Nice page post"), react("facebook", "repost", 2)
    # LinkedIn: two likes, two comments (it has no reposts or quotes in its Social Actions).
    react("linkedin", "like", 1), react("linkedin", "like", 2)
    react("linkedin", "reply", 1, "Well done"), react("linkedin", "reply", 2, "Sharing with my team")
    # Mastodon: one favourite, two boosts, one reply, one quote.
    react("mastodon", "like", 2), react("mastodon", "repost", 1), react("mastodon", "repost", 2)
    react("mastodon", "reply", 1, "Boosted!"), react("mastodon", "quote", 2, "Quoting this")
    # Bluesky: two likes, one repost, one reply, one quote.
    react("bluesky", "like", 1), react("bluesky", "like", 2), react("bluesky", "repost", 2)
    react("bluesky", "reply", 2, "Nice skeet"), react("bluesky", "quote", 1, "Look at this")

    with PingbackReceiver() as receiver:
        answer = initiate(client, site, token, receiver.url)
        assert answer.status_code == 201, answer.text
        snapshot_token = answer.json()["response"]["result"]["data"]["sharing_analytics_snapshot"][
            "sharing_analytics_snapshot_token"]
        [pingback] = receiver.wait(1, timeout=60)
    announced = orjson.loads(pingback.body)["response"]
    assert announced["request"]["status"]["code"] == 200
    assert announced["result"]["data"]["sharing_analytics_snapshot"]["sharing_analytics_snapshot_token"] == \
        snapshot_token

    built = ok(call(client, site, "GET", f"/sharing/analytics/snapshots/{snapshot_token}.json"))[
        "sharing_analytics_snapshot"]
    assert built["status"] == "processed" and RFC2822.match(built["date_finished"])
    assert built["publication_snapshots"]["count"] == 5
    found = by_provider(built)

    for entry in entries:
        network = entry["provider"]
        publication, result = found[network]["publication"], found[network]["publication_snapshot"]
        assert {k: publication[k] for k in ("user_token", "identity_token", "date_publication", "shorturls")} == {
            k: entry[k] for k in ("user_token", "identity_token", "date_publication", "shorturls")}
        assert (result["status"]["flag"], result["status"]["code"]) == ("success", 200), (network, result["status"])
        assert RFC2822.match(result["date_processed"])
        got = {(u["target"], u["num_referrals"], u["num_bot_referrals"]) for u in result["urls"]["entries"]}
        assert got == {(target, people, 1) for (net, target), people in expected_referrals.items()
                       if net == network}, network
        assert result["urls"]["count"] == 2

    def names(network: str, key: str) -> list[str]:
        node = found[network]["publication_snapshot"][key]
        assert node["count"] == len(node["entries"])
        return sorted(r["username"] for r in node["entries"])

    def contents(network: str, key: str) -> list[str]:
        return sorted(r["content"] for r in found[network]["publication_snapshot"][key]["entries"])

    def reported(network: str, key: str) -> int | None:
        return found[network]["publication_snapshot"][key].get("num_reported")

    t, f, li, m, b = (fans[n] for n in NETWORKS)
    # X
    assert names("twitter", "likes") == sorted(t) and reported("twitter", "likes") == 2
    assert names("twitter", "retweets") == [t[0]] and reported("twitter", "retweets") == 1
    [retweet] = found["twitter"]["publication_snapshot"]["retweets"]["entries"]
    assert retweet["num_followers"] == FAN_FOLLOWERS[1]
    assert parse_date(retweet["date_member_since"]) == FAN_SINCE[1]
    assert retweet["profileUrl"] == f"https://x.com/{t[0]}"
    assert names("twitter", "comments") == [t[1]] and contents("twitter", "comments") == ["Congrats on the launch"]
    assert names("twitter", "quotes") == [t[0]] and contents("twitter", "quotes") == ["Worth reading"]
    assert reported("twitter", "comments") == 1 and reported("twitter", "quotes") == 1
    # Facebook: the share is only a counter; Graph lists nobody who shared.
    assert names("facebook", "likes") == sorted(f) and reported("facebook", "likes") == 2
    assert names("facebook", "comments") == [f[0]] and contents("facebook", "comments") == ["Nice page post"]
    assert reported("facebook", "comments") == 1
    assert names("facebook", "retweets") == [] and reported("facebook", "retweets") == 1
    assert names("facebook", "quotes") == []
    # LinkedIn
    assert names("linkedin", "likes") == sorted(li) and reported("linkedin", "likes") == 2
    assert names("linkedin", "comments") == sorted(li) and reported("linkedin", "comments") == 2
    assert contents("linkedin", "comments") == ["Sharing with my team", "Well done"]
    assert names("linkedin", "retweets") == [] and names("linkedin", "quotes") == []
    # Mastodon
    assert names("mastodon", "likes") == [m[1]] and reported("mastodon", "likes") == 1
    assert names("mastodon", "retweets") == sorted(m) and reported("mastodon", "retweets") == 2
    assert names("mastodon", "comments") == [m[0]] and any("Boosted!" in c for c in contents("mastodon", "comments"))
    assert names("mastodon", "quotes") == [m[1]] and any("Quoting this" in c for c in contents("mastodon", "quotes"))
    # Bluesky
    assert names("bluesky", "likes") == sorted(b) and reported("bluesky", "likes") == 2
    assert names("bluesky", "retweets") == [b[1]] and reported("bluesky", "retweets") == 1
    assert names("bluesky", "comments") == [b[1]] and contents("bluesky", "comments") == ["Nice skeet"]
    assert names("bluesky", "quotes") == [b[0]] and contents("bluesky", "quotes") == ["Look at this"]
    for network in NETWORKS:
        for comment in found[network]["publication_snapshot"]["comments"]["entries"]:
            assert comment["date"] is None or RFC2822.match(comment["date"])


# -- import checks ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("network", "account_id", "says"), [
    ("facebook", "my-page", "Facebook: 'my-page': a Facebook page id is numeric"),
    ("facebook", " ", "a Facebook identity needs an account_id"),
    ("linkedin", "urn:li:share:123", ("LinkedIn: 'urn:li:share:123': a LinkedIn author is urn:li:person:<id> or "
                                      "urn:li:organization:<id>")),
    ("linkedin", "urn:li:person:", "a LinkedIn author is urn:li:person:<id>"),
    ("linkedin", "", "a LinkedIn identity needs an account_id"),
])
def test_a_malformed_page_id_or_author_urn_is_refused_before_the_network_is_asked(
        client: TestClient, site: ProjectFixture, sandbox: SandboxServer, network: str, account_id: str,
        says: str) -> None:
    source = SOURCES[network](sandbox, "eve", 1)
    source["account_id"] = account_id
    # Were the network asked, every call would fail with 503 and the import would be a 502, not this 400.
    admin(sandbox, "POST", f"/{network}/faults", json={"status": 503, "count": 1000})
    refused = failed(call(client, site, "PUT", "/users.json", {"user": {"identity": {"source": source}}}), 400)
    assert says in refused["status"]["info"], refused
    assert ok(call(client, site, "GET", "/users.json"))["users"]["count"] == 0  # nothing stored


def test_a_token_for_another_account_is_refused_with_the_network_s_word(
        client: TestClient, site: ProjectFixture, sandbox: SandboxServer) -> None:
    # A well-formed URN that the token does not belong to: the network is asked, and says no.
    source = linkedin_source(sandbox, "eve", 1)
    other = sandbox_account(sandbox, "linkedin", "mallory", kind="person")
    source["account_id"] = other["author_urn"]
    failed(call(client, site, "PUT", "/users.json", {"user": {"identity": {"source": source}}}), 400)


# -- one network failing --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("revoked", NETWORKS)
def test_a_revoked_token_on_one_network_gives_207_and_the_other_four_are_published(
        client: TestClient, site: ProjectFixture, sandbox: SandboxServer, revoked: str) -> None:
    user = user_on_five(client, site, sandbox, "bea")
    admin(sandbox, "POST", f"/{revoked}/accounts/bea/revoke")
    message = publish_to_five(client, site, user, code=207)
    entries = message["publications"]["entries"]
    assert message["publications"]["count"] == 5
    outcomes = {e["provider"]: (e["status"]["flag"], e["status"]["code"]) for e in entries}
    assert outcomes.pop(revoked)[0] == "error" and set(outcomes.values()) == {("success", 200)}
    [failure] = [e for e in entries if e["provider"] == revoked]
    assert failure["status"]["message"] and not posts(sandbox, revoked)
    for network in outcomes:
        assert len(posts(sandbox, network)) == 1, network
    # The snapshot covers the four publications that went out, and each of them reads fine.
    snapshot = snapshot_now(client, site, message["sharing_message_token"])
    statuses = {e["publication"]["provider"]: e["publication_snapshot"]["status"]["code"]
                for e in snapshot["publication_snapshots"]["entries"]}
    assert statuses == dict.fromkeys(outcomes, 200)


@pytest.mark.parametrize("deleted", NETWORKS)
def test_a_deleted_post_on_one_network_marks_only_that_publication(
        client: TestClient, site: ProjectFixture, sandbox: SandboxServer, services: Services, deleted: str) -> None:
    user = user_on_five(client, site, sandbox, "cy")
    message = publish_to_five(client, site, user, text="Gone soon? https://example.com/gone")
    entries = {e["provider"]: e for e in message["publications"]["entries"]}
    for entry in entries.values():
        short = entry["shorturls"]["entries"][0]
        assert client.get("/" + short["shorturl_token"], headers={"User-Agent": BROWSER},
                          follow_redirects=False).status_code == 302
    assert services.pipeline is not None
    services.pipeline.flush()
    admin(sandbox, "DELETE", f"/{deleted}/posts", params={"ref": entries[deleted]["post_url"]})
    found = by_provider(snapshot_now(client, site, message["sharing_message_token"]))
    for network, entry in found.items():
        result = entry["publication_snapshot"]
        assert result["urls"]["entries"][0]["num_referrals"] == 1  # the clicks are ours: counted either way
        if network == deleted:
            assert (result["status"]["flag"], result["status"]["code"]) == ("error", 404) and result["status"]["info"]
            assert "likes" not in result
        else:
            assert (result["status"]["flag"], result["status"]["code"]) == ("success", 200), (network, result)
            assert result["likes"]["count"] == 0
