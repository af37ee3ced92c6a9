"""The Mastodon fake driven by Mastodon.py: log in, post with media and an idempotency key, read reactions with
pagination, and get the SDK's own exceptions for revoked tokens, missing statuses and rate limits."""

from __future__ import annotations

import pytest
from mastodon import Mastodon, MastodonNotFoundError, MastodonRatelimitError, MastodonUnauthorizedError

from sharelytics.sandbox.server import SandboxServer
from tests.sandbox.conftest import PNG, admin, make_account


def client(server: SandboxServer, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=server.mastodon_url, ratelimit_method="throw",
                    request_timeout=10)


def test_password_login_and_verify_credentials(sandbox: SandboxServer) -> None:
    alice = make_account(sandbox, "mastodon", "alice", password="secret-pw", followers_count=42,
                         created_at="2019-03-01T10:00:00+00:00")
    client_id, client_secret = Mastodon.create_app("sharelytics", api_base_url=sandbox.mastodon_url,
                                                   scopes=["read", "write"])
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=sandbox.mastodon_url)
    token = api.log_in("alice", "secret-pw", scopes=["read", "write"], allow_http=True)
    me = client(sandbox, token).account_verify_credentials()
    assert (me.id, me.acct, me.followers_count) == (alice["id"], "alice", 42)
    assert me.url == f"{sandbox.mastodon_url}/@alice" and me.created_at.year == 2019 and me.source.privacy == "public"


def test_status_post_with_media_and_idempotency(sandbox: SandboxServer) -> None:
    alice = make_account(sandbox, "mastodon", "alice")
    api = client(sandbox, alice["access_token"])
    media = api.media_post(PNG, mime_type="image/png", description="a dot")
    first = api.status_post("Hello https://example.com/a", media_ids=[media], visibility="public",
                            idempotency_key="pub-1")
    again = api.status_post("Hello https://example.com/a", media_ids=[media], visibility="public",
                            idempotency_key="pub-1")
    assert first.id == again.id
    assert first.media_attachments[0].type == "image" and first.media_attachments[0].description == "a dot"
    assert '<a href="https://example.com/a"' in first.content and first.card is None
    assert api.status(first.id).card.url == "https://example.com/a"  # built after posting, as the real crawl
    assert len(admin(sandbox, "GET", "/mastodon/posts")["posts"]) == 1


def test_reactions_with_pagination(sandbox: SandboxServer) -> None:
    alice = make_account(sandbox, "mastodon", "alice")
    api = client(sandbox, alice["access_token"])
    post = api.status_post("React to me")
    for n in range(45):
        make_account(sandbox, "mastodon", f"fan{n}", followers_count=n)
        admin(sandbox, "POST", "/mastodon/reactions", json={"post": post.id, "kind": "like", "by": f"fan{n}"})
    admin(sandbox, "POST", "/mastodon/reactions", json={"post": post.id, "kind": "repost", "by": "fan1"})
    admin(sandbox, "POST", "/mastodon/reactions", json={"post": post.id, "kind": "reply", "by": "fan2",
                                                        "text": "Nice <b>post</b>"})
    admin(sandbox, "POST", "/mastodon/reactions", json={"post": post.id, "kind": "quote", "by": "fan3",
                                                        "text": "Look at this"})
    page = api.status_favourited_by(post.id)
    names = [a.acct for a in page]
    while (page := api.fetch_next(page)) is not None:
        names += [a.acct for a in page]
    assert sorted(names) == sorted(f"fan{n}" for n in range(45)) and names[0] == "fan44"
    assert [a.acct for a in api.status_reblogged_by(post.id)] == ["fan1"]
    replies = api.status_context(post.id).descendants
    assert [(s.account.acct, s.content) for s in replies] == [("fan2", "<p>Nice &lt;b&gt;post&lt;/b&gt;</p>")]
    status = api.status(post.id)
    assert (status.favourites_count, status.reblogs_count, status.replies_count, status.quotes_count) == (45, 1, 1, 1)
    quotes = api.status_quotes(post.id)
    assert quotes[0].quote.quoted_status.id == post.id


def test_revoked_token_missing_status_and_rate_limit(sandbox: SandboxServer) -> None:
    alice = make_account(sandbox, "mastodon", "alice")
    api = client(sandbox, alice["access_token"])
    with pytest.raises(MastodonNotFoundError):
        api.status("1")
    admin(sandbox, "POST", "/mastodon/faults", json={"status": 429, "count": 1, "retry_after": 30})
    with pytest.raises(MastodonRatelimitError):
        api.account_verify_credentials()
    admin(sandbox, "POST", "/mastodon/accounts/alice/revoke")
    with pytest.raises(MastodonUnauthorizedError):
        api.account_verify_credentials()
