"""The Mastodon adapter against the sandbox instance."""

from __future__ import annotations

import pytest

from sharelytics.core.providers.http import ProviderHttp
from sharelytics.core.providers.mastodon import MastodonProvider
from sharelytics.core.providers.model import (AuthRevoked, InvalidPost, LinkPart, PostGone, PostParts,
                                              ProviderUnavailable, RateLimited, Upload)
from sharelytics.sandbox.server import SandboxServer
from tests.core.providers.conftest import PNG, Sleeps, account, admin, posts, react


@pytest.fixture
def provider(http: ProviderHttp) -> MastodonProvider:
    return MastodonProvider(http)


def test_publish_text_link_and_media(sandbox: SandboxServer, provider: MastodonProvider) -> None:
    alice = account(sandbox, "mastodon", "alice", followers_count=120)
    parts = PostParts(text="New post", link=LinkPart("https://example.com/a", name="A"),
                      uploads=(Upload(PNG, "image/png", alt="a dot"),))
    published = provider.publish(alice, parts, "pub-1")
    assert published.reach == 120 and published.post_url == f"{sandbox.mastodon_url}/@alice/{published.post_id}"
    [stored] = posts(sandbox, "mastodon")
    assert stored["text"] == "New post\n\nhttps://example.com/a"
    assert provider.verify(alice).username == "alice"


def test_retry_with_the_same_key_posts_once(sandbox: SandboxServer, provider: MastodonProvider) -> None:
    alice = account(sandbox, "mastodon", "alice")
    first = provider.publish(alice, PostParts(text="Once"), "pub-1")
    again = provider.publish(alice, PostParts(text="Once"), "pub-1")
    assert again.post_id == first.post_id and len(posts(sandbox, "mastodon")) == 1
    assert provider.publish(alice, PostParts(text="Once"), "pub-2").post_id != first.post_id


def test_5xx_is_retried_and_a_lost_answer_does_not_double_post(sandbox: SandboxServer, provider: MastodonProvider,
                                                              sleeps: Sleeps) -> None:
    alice = account(sandbox, "mastodon", "alice")
    admin(sandbox, "POST", "/mastodon/faults", json={"status": 503, "count": 2, "path": "/api/v1/statuses"})
    provider.publish(alice, PostParts(text="Through"), "pub-1")
    assert len(posts(sandbox, "mastodon")) == 1 and len(sleeps) == 2
    admin(sandbox, "POST", "/mastodon/faults", json={"status": 502, "count": 10})
    with pytest.raises(ProviderUnavailable):
        provider.publish(alice, PostParts(text="Never"), "pub-2")


def test_429_waits_for_the_announced_reset(sandbox: SandboxServer, provider: MastodonProvider,
                                           sleeps: Sleeps) -> None:
    alice = account(sandbox, "mastodon", "alice")
    admin(sandbox, "POST", "/mastodon/faults", json={"status": 429, "count": 1, "retry_after": 20})
    provider.verify(alice)
    assert len(sleeps) == 1 and 15 < sleeps[0] <= 21  # the wait the server asked for, not a blind backoff
    admin(sandbox, "POST", "/mastodon/faults", json={"status": 429, "count": 1, "retry_after": 3600})
    with pytest.raises(RateLimited) as limited:
        provider.verify(alice)
    assert limited.value.retry_at is not None


def test_spent_budget_waits_before_sending(sandbox: SandboxServer, provider: MastodonProvider,
                                           sleeps: Sleeps) -> None:
    alice = account(sandbox, "mastodon", "alice")
    admin(sandbox, "PUT", "/mastodon/ratelimit", json={"limit": 2, "window": 30})
    provider.verify(alice)
    provider.verify(alice)  # the answer says remaining 0 until the window resets
    assert sleeps == [] and provider._http.budget.remaining(alice.identity) == 0
    provider._http.budget.max_wait = 5
    with pytest.raises(RateLimited):
        provider.verify(alice)
    assert sleeps == []  # refused up front: nothing was sent, nothing slept
    provider._http.budget.max_wait = 60
    admin(sandbox, "DELETE", "/mastodon/faults")  # the server's window starts afresh (as after a real reset)
    provider.verify(alice)
    assert len(sleeps) == 1 and 25 < sleeps[0] <= 30  # waited for the announced reset, then went through


def test_reactions_follow_every_page(sandbox: SandboxServer, provider: MastodonProvider) -> None:
    alice = account(sandbox, "mastodon", "alice")
    post = provider.publish(alice, PostParts(text="React"), "pub-1").post_id
    for n in range(85):
        admin(sandbox, "POST", "/mastodon/accounts", json={"username": f"fan{n}", "followers_count": n,
                                                           "created_at": "2020-02-02T00:00:00+00:00"})
        react(sandbox, "mastodon", post, "like", f"fan{n}")
    react(sandbox, "mastodon", post, "repost", "fan7")
    reply = react(sandbox, "mastodon", post, "reply", "fan8", "Great & <true>")
    react(sandbox, "mastodon", reply["id"], "reply", "fan9", "Nested")
    for n in range(45):
        react(sandbox, "mastodon", post, "quote", f"fan{n}", f"Quote {n}")
    got = provider.reactions(alice, post)
    assert len(got.likes) == 85 == got.like_count and len({r.username for r in got.likes}) == 85
    like = next(r for r in got.likes if r.username == "fan3")
    assert like.num_followers == 3 and like.date_member_since.year == 2020 and like.profile_url.endswith("/@fan3")
    assert [r.username for r in got.reposts] == ["fan7"] and got.repost_count == 1
    assert [(r.username, r.content) for r in got.comments] == [("fan8", "Great & <true>"), ("fan9", "Nested")]
    assert got.comments[0].date is not None
    assert len(got.quotes) == 45 == got.quote_count and got.quotes[0].content.startswith("Quote")


def test_revoked_token_and_deleted_post(sandbox: SandboxServer, provider: MastodonProvider) -> None:
    alice = account(sandbox, "mastodon", "alice")
    post = provider.publish(alice, PostParts(text="Short-lived"), "pub-1").post_id
    admin(sandbox, "DELETE", "/mastodon/posts", params={"ref": post})
    with pytest.raises(PostGone):
        provider.reactions(alice, post)
    with pytest.raises(InvalidPost):
        provider.publish(alice, PostParts(text="x" * 501), "pub-2")
    admin(sandbox, "POST", "/mastodon/accounts/alice/revoke")
    with pytest.raises(AuthRevoked):
        provider.publish(alice, PostParts(text="After"), "pub-3")
