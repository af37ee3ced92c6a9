"""The X adapter against the sandbox's X API v2 fake."""

from __future__ import annotations

import pytest

from sharelytics.core.providers.budget import RateBudget
from sharelytics.core.providers.http import ProviderHttp, RetryPolicy
from sharelytics.core.providers.idempotency import SqliteIdempotencyStore
from sharelytics.core.providers.model import (AuthRevoked, Credentials, InvalidPost, LinkPart, PostGone, PostParts,
                                              ProviderUnavailable, RateLimited, Upload)
from sharelytics.core.providers.twitter import TwitterProvider
from sharelytics.sandbox.server import SandboxServer
from tests.core.providers.conftest import PNG, Sleeps, admin, posts, react
from tests.core.providers.networks import credentials, fans, lose_next_answer


@pytest.fixture
def provider(http: ProviderHttp) -> TwitterProvider:
    return TwitterProvider(http)


def test_publish_text_link_and_pictures(sandbox: SandboxServer, http: ProviderHttp) -> None:
    alice = credentials(sandbox, "twitter", "alice", followers_count=120)
    provider = TwitterProvider(http, media_fetcher=lambda url: Upload(PNG, "image/png", name="dot.png"))
    published = provider.publish(alice, PostParts(text="New post", link=LinkPart("https://example.com/a")), "pub-1")
    assert published.reach == 120 and published.post_url == f"https://x.com/alice/status/{published.post_id}"
    with_pictures = provider.publish(alice, PostParts(text="Pictures", picture_url="https://example.com/p.png",
                                                      uploads=(Upload(PNG, "image/png"),)), "pub-2")
    stored = {p["id"]: p for p in posts(sandbox, "twitter")}
    assert stored[published.post_id]["text"] == "New post\n\nhttps://example.com/a"
    assert stored[with_pictures.post_id]["text"] == "Pictures"
    assert len(sandbox.sandbox.state.net("twitter").posts[with_pictures.post_id].media_ids) == 2
    link_only = TwitterProvider(http).publish(alice, PostParts(text="Seen", picture_url="https://example.com/q.png"),
                                              "pub-3")
    assert posts(sandbox, "twitter")[-1]["text"] == "Seen\n\nhttps://example.com/q.png" and link_only.post_id
    account = provider.verify(alice)
    assert (account.username, account.followers_count, account.profile_url) == ("alice", 120, "https://x.com/alice")


def test_refusals_before_sending(sandbox: SandboxServer, provider: TwitterProvider) -> None:
    alice = credentials(sandbox, "twitter", "alice")
    with pytest.raises(InvalidPost):
        provider.publish(alice, PostParts(text="x" * 281), "pub-1")
    assert provider.publish(alice, PostParts(text="x" * 250 + " https://example.com/" + "a" * 80), "pub-2").post_id
    with pytest.raises(InvalidPost):
        provider.publish(alice, PostParts(text="clip", uploads=(Upload(b"\x00\x00\x00\x18ftypmp42", "video/mp4"),)),
                         "pub-3")


def test_retry_with_the_same_key_posts_once(sandbox: SandboxServer, provider: TwitterProvider) -> None:
    alice = credentials(sandbox, "twitter", "alice")
    first = provider.publish(alice, PostParts(text="Once"), "pub-1")
    assert provider.publish(alice, PostParts(text="Once"), "pub-1") == first
    assert len(posts(sandbox, "twitter")) == 1
    with pytest.raises(InvalidPost, match="duplicate"):  # X refuses the same text again; it was not this key's post
        provider.publish(alice, PostParts(text="Once"), "pub-2")
    assert provider.publish(alice, PostParts(text="Twice"), "pub-2").post_id != first.post_id


def test_a_lost_answer_is_found_not_repeated(sandbox: SandboxServer, provider: TwitterProvider) -> None:
    alice = credentials(sandbox, "twitter", "alice")
    lose_next_answer(sandbox, "twitter", "/2/tweets")
    published = provider.publish(alice, PostParts(text="Lost and found https://example.com/a"), "pub-1")
    [stored] = posts(sandbox, "twitter")
    assert published.post_id == stored["id"]


def test_a_timed_out_create_is_not_sent_twice(sandbox: SandboxServer, sleeps: Sleeps) -> None:
    alice = credentials(sandbox, "twitter", "alice")
    quick = ProviderHttp(timeout=0.5, retry=RetryPolicy(attempts=4, initial=0.01, maximum=0.05, jitter=0.01),
                         budget=RateBudget(max_wait=60, sleep=sleeps, clock=sleeps.clock), sleep=sleeps,
                         clock=sleeps.clock)
    lose_next_answer(sandbox, "twitter", "/2/tweets", delay=1.5)  # posted, then the client gives up waiting
    published = TwitterProvider(quick).publish(alice, PostParts(text="Slow"), "pub-1")
    quick.close()
    assert [p["id"] for p in posts(sandbox, "twitter")] == [published.post_id]


def test_a_pending_attempt_survives_the_process(sandbox: SandboxServer, http: ProviderHttp, tmp_path) -> None:
    alice = credentials(sandbox, "twitter", "alice")
    user_id = TwitterProvider(http).verify(alice).account_id
    store = SqliteIdempotencyStore(tmp_path / "idempotency.sqlite3")
    lose_next_answer(sandbox, "twitter", "/2/tweets")
    admin(sandbox, "POST", "/twitter/faults", json={"status": 503, "count": 4, "path": f"/2/users/{user_id}/tweets"})
    with pytest.raises(ProviderUnavailable):  # the look after the lost answer fails too: the attempt stays pending
        TwitterProvider(http, store=store).publish(alice, PostParts(text="Pending"), "pub-1")
    again = TwitterProvider(http, store=SqliteIdempotencyStore(tmp_path / "idempotency.sqlite3"))
    published = again.publish(alice, PostParts(text="Pending"), "pub-1")  # another worker, same store file
    assert [p["id"] for p in posts(sandbox, "twitter")] == [published.post_id]


def test_reactions_follow_every_page(sandbox: SandboxServer, provider: TwitterProvider) -> None:
    alice = credentials(sandbox, "twitter", "alice")
    post = provider.publish(alice, PostParts(text="React"), "pub-1").post_id
    names = fans(sandbox, "twitter", 120)
    for name in names:
        react(sandbox, "twitter", post, "repost", name)
        react(sandbox, "twitter", post, "reply", name, f"Reply from {name} https://example.com/{name}")
    for name in names[:105]:
        react(sandbox, "twitter", post, "like", name)
    for name in names[:12]:
        react(sandbox, "twitter", post, "quote", name, f"Quote {name}")
    got = provider.reactions(alice, post)
    assert len(got.reposts) == 120 == got.repost_count and len({r.username for r in got.reposts}) == 120
    assert len(got.comments) == 120 == got.comment_count
    assert got.comments[0].content.startswith("Reply from fan") and "https://example.com/fan" in got.comments[0].content
    assert len(got.likes) == 100 and got.like_count == 105  # X lists the latest 100 likers only
    assert len(got.quotes) == 12 == got.quote_count and got.quotes[0].date is not None
    fan3 = next(r for r in got.reposts if r.username == "fan3")
    assert fan3.num_followers == 3 and fan3.date_member_since.year == 2020 and fan3.profile_url == "https://x.com/fan3"


def test_429_waits_for_the_reset_header(sandbox: SandboxServer, provider: TwitterProvider, sleeps: Sleeps) -> None:
    alice = credentials(sandbox, "twitter", "alice")
    admin(sandbox, "POST", "/twitter/faults", json={"status": 429, "count": 1, "retry_after": 20})
    provider.verify(alice)
    assert len(sleeps) == 1 and 15 < sleeps[0] <= 21  # X sends no Retry-After: this came from x-rate-limit-reset
    admin(sandbox, "POST", "/twitter/faults", json={"status": 429, "count": 1, "retry_after": 3600})
    with pytest.raises(RateLimited):
        provider.verify(alice)


def test_the_budget_follows_x_rate_headers(sandbox: SandboxServer, provider: TwitterProvider,
                                           sleeps: Sleeps) -> None:
    alice = credentials(sandbox, "twitter", "alice")
    admin(sandbox, "PUT", "/twitter/ratelimit", json={"limit": 2, "window": 900})
    provider.verify(alice)
    provider.verify(alice)
    assert provider._http.budget.remaining(alice.identity) == 0
    with pytest.raises(RateLimited):  # 900 s is longer than the budget waits: refused before sending
        provider.verify(alice)
    assert sleeps == []


def test_revoked_token_and_deleted_post(sandbox: SandboxServer, provider: TwitterProvider) -> None:
    alice = credentials(sandbox, "twitter", "alice")
    post = provider.publish(alice, PostParts(text="Short-lived"), "pub-1").post_id
    admin(sandbox, "DELETE", "/twitter/posts", params={"ref": post})
    with pytest.raises(PostGone, match="Could not find tweet"):
        provider.reactions(alice, post)
    admin(sandbox, "POST", "/twitter/accounts/alice/revoke")
    with pytest.raises(AuthRevoked, match="Unauthorized"):
        provider.publish(alice, PostParts(text="After"), "pub-2")
    with pytest.raises(AuthRevoked):
        provider.reactions(alice, post)


def test_credentials_shape() -> None:
    creds = Credentials.twitter(" token ")
    assert (creds.base_url, creds.access_token, creds.account_id) == ("https://api.x.com", "token", "")
    assert "token" not in repr(creds) and "token" not in creds.identity
    with pytest.raises(ValueError):
        Credentials.twitter("  ")
