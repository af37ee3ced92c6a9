"""The LinkedIn adapter against the sandbox's REST (Posts, Images, Social Actions) fake."""

from __future__ import annotations

import pytest

from sharelytics.core.providers.http import ProviderHttp
from sharelytics.core.providers.linkedin import LinkedInProvider, escape_commentary
from sharelytics.core.providers.model import (AuthRevoked, Credentials, InvalidPost, LinkPart, PostGone, PostParts,
                                              ProviderUnavailable, RateLimited, Upload)
from sharelytics.sandbox.server import SandboxServer
from tests.core.providers.conftest import PNG, Sleeps, admin, react
from tests.core.providers.networks import credentials, fans, lose_next_answer


@pytest.fixture
def provider(http: ProviderHttp) -> LinkedInProvider:
    return LinkedInProvider(http)


def stored(server: SandboxServer, urn: str):  # type: ignore[no-untyped-def]
    return server.sandbox.state.net("linkedin").posts[urn]


def test_publish_text_link_and_pictures(sandbox: SandboxServer, provider: LinkedInProvider) -> None:
    bob = credentials(sandbox, "linkedin", "bob", display_name="Bob Builder")
    article = provider.publish(bob, PostParts(text="New (post) #1", link=LinkPart("https://example.com/a", name="A",
                                                                                  description="About A")), "pub-1")
    assert article.post_id.startswith("urn:li:share:")
    assert article.post_url == f"https://www.linkedin.com/feed/update/{article.post_id}/"
    post = stored(sandbox, article.post_id)
    assert post.text == r"New \(post\) \#1"  # little text format: reserved characters escaped
    assert post.record["content"] == {"article": {"source": "https://example.com/a", "title": "A",
                                                  "description": "About A"}}
    one = provider.publish(bob, PostParts(text="One", uploads=(Upload(PNG, "image/png", alt="dot"),)), "pub-2")
    assert stored(sandbox, one.post_id).record["content"]["media"]["altText"] == "dot"
    two = provider.publish(bob, PostParts(text="Two", uploads=(Upload(PNG, "image/png"),) * 2,
                                          link=LinkPart("https://example.com/b")), "pub-3")
    assert len(stored(sandbox, two.post_id).record["content"]["multiImage"]["images"]) == 2
    assert stored(sandbox, two.post_id).text == "Two\n\nhttps://example.com/b"
    linked = provider.publish(bob, PostParts(text="Seen", picture_url="https://example.com/p.png"), "pub-4")
    assert stored(sandbox, linked.post_id).text == "Seen\n\nhttps://example.com/p.png"
    account = provider.verify(bob)
    assert (account.account_id, account.display_name) == (bob.account_id, "Bob Builder")


def test_an_organization_page(sandbox: SandboxServer, provider: LinkedInProvider) -> None:
    acme = credentials(sandbox, "linkedin", "acme", display_name="Acme", kind="organization", followers_count=77)
    account = provider.verify(acme)
    assert (account.username, account.followers_count) == ("acme", 77)
    assert account.profile_url == f"https://www.linkedin.com/company/{acme.account_id.rsplit(':', 1)[1]}/"
    assert provider.publish(acme, PostParts(text="From the company"), "pub-1").post_id.startswith("urn:li:share:")


def test_retry_with_the_same_key_posts_once(sandbox: SandboxServer, provider: LinkedInProvider) -> None:
    bob = credentials(sandbox, "linkedin", "bob")
    first = provider.publish(bob, PostParts(text="Once"), "pub-1")
    assert provider.publish(bob, PostParts(text="Once"), "pub-1") == first
    with pytest.raises(InvalidPost, match="duplicate"):
        provider.publish(bob, PostParts(text="Once"), "pub-2")
    lose_next_answer(sandbox, "linkedin", "/rest/posts")
    found = provider.publish(bob, PostParts(text="Lost (and found)"), "pub-3")
    assert [p.id for p in sandbox.sandbox.state.visible_posts("linkedin")] == [first.post_id, found.post_id]


def test_reactions_follow_every_page(sandbox: SandboxServer, provider: LinkedInProvider) -> None:
    bob = credentials(sandbox, "linkedin", "bob")
    post = provider.publish(bob, PostParts(text="React"), "pub-1").post_id
    names = fans(sandbox, "linkedin", 110)
    for name in names:
        react(sandbox, "linkedin", post, "like", name)
        react(sandbox, "linkedin", post, "reply", name, f"Comment by {name}")
    got = provider.reactions(bob, post)
    assert len(got.likes) == 110 == got.like_count and len({r.username for r in got.likes}) == 110
    assert len(got.comments) == 110 == got.comment_count and got.comments[0].content == "Comment by fan0"
    assert got.likes[0].username.startswith("urn:li:person:") and got.likes[0].date is not None


def test_429_waits_for_retry_after(sandbox: SandboxServer, provider: LinkedInProvider, sleeps: Sleeps) -> None:
    bob = credentials(sandbox, "linkedin", "bob")
    admin(sandbox, "POST", "/linkedin/faults", json={"status": 429, "count": 1, "retry_after": 20})
    provider.verify(bob)
    assert len(sleeps) == 1 and 15 < sleeps[0] <= 21
    admin(sandbox, "POST", "/linkedin/faults", json={"status": 429, "count": 1, "retry_after": 86400})
    with pytest.raises(RateLimited):
        provider.verify(bob)


def test_revoked_token_deleted_post_and_server_errors(sandbox: SandboxServer, provider: LinkedInProvider) -> None:
    bob = credentials(sandbox, "linkedin", "bob")
    post = provider.publish(bob, PostParts(text="Short-lived"), "pub-1").post_id
    admin(sandbox, "DELETE", "/linkedin/posts", params={"ref": post})
    with pytest.raises(PostGone):
        provider.reactions(bob, post)
    admin(sandbox, "POST", "/linkedin/faults", json={"status": 500, "count": 1, "path": "/rest/posts"})
    with pytest.raises(ProviderUnavailable):  # a 5xx on create is not repeated blindly: the look finds nothing
        provider.publish(bob, PostParts(text="Maybe"), "pub-2")
    assert provider.publish(bob, PostParts(text="Maybe"), "pub-2").post_id  # the next attempt looks, then posts
    admin(sandbox, "POST", "/linkedin/accounts/bob/revoke")
    with pytest.raises(AuthRevoked, match="Invalid access token"):
        provider.publish(bob, PostParts(text="After"), "pub-3")


def test_credentials_and_commentary() -> None:
    creds = Credentials.linkedin("urn:li:person:abc", "token")
    assert (creds.base_url, creds.account_id) == ("https://api.linkedin.com", "urn:li:person:abc")
    with pytest.raises(ValueError):
        Credentials.linkedin("abc", "token")
    assert escape_commentary("a_b *c* @d [e](f) <g> {h} |i| ~j~ \\") == \
        r"a\_b \*c\* \@d \[e\]\(f\) \<g\> \{h\} \|i\| \~j\~ \\"
