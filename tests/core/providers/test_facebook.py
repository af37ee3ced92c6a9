"""The Facebook adapter against the sandbox's Graph API fake."""

from __future__ import annotations

import pytest

from sharelytics.core.providers.facebook import FacebookProvider
from sharelytics.core.providers.http import ProviderHttp
from sharelytics.core.providers.model import (AuthRevoked, Credentials, InvalidPost, LinkPart, PostGone, PostParts,
                                              RateLimited, Upload)
from sharelytics.sandbox.server import SandboxServer
from tests.core.providers.conftest import PNG, Sleeps, admin, react
from tests.core.providers.networks import credentials, fans, lose_next_answer


@pytest.fixture
def provider(http: ProviderHttp) -> FacebookProvider:
    return FacebookProvider(http)


def stored(server: SandboxServer, post_id: str):  # type: ignore[no-untyped-def]
    return server.sandbox.state.net("facebook").posts[post_id]


def test_publish_text_link_and_pictures(sandbox: SandboxServer, provider: FacebookProvider) -> None:
    page = credentials(sandbox, "facebook", "mypage", followers_count=300)
    linked = provider.publish(page, PostParts(text="New post", link=LinkPart("https://example.com/a")), "pub-1")
    assert linked.reach == 300 and linked.post_id.startswith(f"{page.account_id}_")
    assert linked.post_url == f"https://www.facebook.com/{page.account_id}/posts/{linked.post_id.split('_')[1]}"
    assert (stored(sandbox, linked.post_id).text, stored(sandbox, linked.post_id).record["link"]) == \
        ("New post", "https://example.com/a")
    photo = provider.publish(page, PostParts(text="A photo", picture_url="https://example.com/p.jpg",
                                             link=LinkPart("https://example.com/b")), "pub-2")
    assert stored(sandbox, photo.post_id).text == "A photo\n\nhttps://example.com/b"  # photos carry no link field
    album = provider.publish(page, PostParts(text="Two", uploads=(Upload(PNG, "image/png"),) * 2), "pub-3")
    assert len(stored(sandbox, album.post_id).media_ids) == 2
    account = provider.verify(page)
    assert (account.account_id, account.username, account.followers_count) == (page.account_id, "mypage", 300)


def test_retry_with_the_same_key_posts_once(sandbox: SandboxServer, provider: FacebookProvider) -> None:
    page = credentials(sandbox, "facebook", "mypage")
    first = provider.publish(page, PostParts(text="Once"), "pub-1")
    assert provider.publish(page, PostParts(text="Once"), "pub-1") == first
    with pytest.raises(InvalidPost, match="506"):  # Graph refuses a duplicate status message
        provider.publish(page, PostParts(text="Once"), "pub-2")
    lose_next_answer(sandbox, "facebook", "/feed")
    found = provider.publish(page, PostParts(text="Lost https://example.com/x"), "pub-3")
    mine = [p for p in sandbox.sandbox.state.visible_posts("facebook") if p.author_id == page.account_id]
    assert [p.id for p in mine] == [first.post_id, found.post_id]


def test_a_lost_photo_answer_is_found(sandbox: SandboxServer, provider: FacebookProvider) -> None:
    page = credentials(sandbox, "facebook", "mypage")
    lose_next_answer(sandbox, "facebook", "/photos")
    found = provider.publish(page, PostParts(text="Photo", uploads=(Upload(PNG, "image/png"),)), "pub-1")
    assert [p.id for p in sandbox.sandbox.state.visible_posts("facebook")] == [found.post_id]


def test_reactions_follow_the_cursors(sandbox: SandboxServer, provider: FacebookProvider) -> None:
    page = credentials(sandbox, "facebook", "mypage")
    post = provider.publish(page, PostParts(text="React"), "pub-1").post_id
    names = fans(sandbox, "facebook", 130)
    for n, name in enumerate(names):
        admin(sandbox, "POST", "/facebook/reactions",
              json={"post": post, "kind": "like", "by": name, "reaction": "LOVE" if n % 2 else "LIKE"})
        react(sandbox, "facebook", post, "reply", name, f"Comment {n}")
    for name in names[:3]:
        react(sandbox, "facebook", post, "repost", name)
    got = provider.reactions(page, post)
    assert len(got.likes) == 130 == got.like_count and len({r.username for r in got.likes}) == 130
    assert len(got.comments) == 130 == got.comment_count
    assert [c.content for c in got.comments[:2]] == ["Comment 0", "Comment 1"] and got.comments[0].date
    assert got.repost_count == 3 and got.likes[0].profile_url.startswith("https://www.facebook.com/fan")


def test_throttling_waits_for_regained_access(sandbox: SandboxServer, provider: FacebookProvider,
                                               sleeps: Sleeps) -> None:
    page = credentials(sandbox, "facebook", "mypage")
    admin(sandbox, "POST", "/facebook/faults", json={"status": 429, "count": 1, "retry_after": 20})
    provider.verify(page)  # code 32 with estimated_time_to_regain_access: 1 minute
    assert len(sleeps) == 1 and 55 < sleeps[0] <= 60
    admin(sandbox, "POST", "/facebook/faults", json={"status": 429, "count": 1, "retry_after": 3600})
    with pytest.raises(RateLimited):
        provider.verify(page)


def test_usage_headers_feed_the_budget(sandbox: SandboxServer, provider: FacebookProvider) -> None:
    page = credentials(sandbox, "facebook", "mypage")
    admin(sandbox, "PUT", "/facebook/ratelimit", json={"limit": 10, "window": 3600})
    provider.verify(page)
    assert provider._http.budget.remaining(page.identity) == 90  # 10 % used: 90 points left
    admin(sandbox, "PUT", "/facebook/ratelimit", json={"limit": 1, "window": 3600})
    provider.verify(page)
    assert provider._http.budget.remaining(page.identity) == 0
    with pytest.raises(RateLimited):
        provider.verify(page)


def test_revoked_token_and_deleted_post(sandbox: SandboxServer, provider: FacebookProvider) -> None:
    page = credentials(sandbox, "facebook", "mypage")
    post = provider.publish(page, PostParts(text="Short-lived"), "pub-1").post_id
    admin(sandbox, "DELETE", "/facebook/posts", params={"ref": post})
    with pytest.raises(PostGone, match="does not exist"):
        provider.reactions(page, post)
    admin(sandbox, "POST", "/facebook/accounts/mypage/revoke")
    with pytest.raises(AuthRevoked, match="190"):
        provider.publish(page, PostParts(text="After"), "pub-2")


def test_another_pages_token_is_refused(sandbox: SandboxServer, provider: FacebookProvider) -> None:
    mine = credentials(sandbox, "facebook", "mypage")
    other = credentials(sandbox, "facebook", "other")
    borrowed = Credentials.facebook(other.account_id, mine.access_token, mine.base_url)
    with pytest.raises(AuthRevoked, match="200"):
        provider.publish(borrowed, PostParts(text="Not mine"), "pub-1")


def test_credentials_shape() -> None:
    creds = Credentials.facebook("1234", "page-token")
    assert (creds.base_url, creds.account_id, creds.identity) == ("https://graph.facebook.com", "1234",
                                                                  "facebook:https://graph.facebook.com:1234")
    with pytest.raises(ValueError):
        Credentials.facebook("mypage", "page-token")
