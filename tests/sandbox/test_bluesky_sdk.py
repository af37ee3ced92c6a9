"""The Bluesky fake driven by the atproto SDK: login, posts with link facets and an external card, images,
likes / reposts / replies / quotes with cursors, profiles, and the SDK's exceptions for refusals."""

from __future__ import annotations

import pytest
from atproto import Client, client_utils, models
from atproto_client.exceptions import BadRequestError, RequestException, UnauthorizedError

from sharelytics.sandbox.server import SandboxServer
from tests.sandbox.conftest import PNG, admin, make_account


def login(server: SandboxServer, account: dict) -> Client:
    client = Client(base_url=server.bluesky_url)
    client.login(account["handle"], account["app_password"])
    return client


def test_login_reads_the_profile(sandbox: SandboxServer) -> None:
    bob = make_account(sandbox, "bluesky", "bob", followers_count=7, created_at="2023-05-01T00:00:00+00:00")
    client = login(sandbox, bob)
    assert client.me.did == bob["did"] and client.me.handle == "bob.sandbox.test"
    assert client.me.followers_count == 7 and client.me.created_at.startswith("2023-05-01")
    with pytest.raises(UnauthorizedError):
        Client(base_url=sandbox.bluesky_url).login(bob["handle"], "wrong-password")


def test_send_post_with_link_facet_and_external_embed(sandbox: SandboxServer) -> None:
    client = login(sandbox, make_account(sandbox, "bluesky", "bob"))
    text = client_utils.TextBuilder().text("Read ").link("this ünïcode link", "https://example.com/a")
    external = models.AppBskyEmbedExternal.Main(external=models.AppBskyEmbedExternal.External(
        uri="https://example.com/a", title="T", description="D"))
    sent = client.send_post(text, embed=external)
    post = client.get_posts([sent.uri]).posts[0]
    assert post.record.text == "Read this ünïcode link"
    assert (post.record.facets[0].index.byte_start, post.record.facets[0].index.byte_end) == (5, 24)
    assert post.embed.external.uri == "https://example.com/a" and post.embed.py_type == "app.bsky.embed.external#view"


def test_upload_blob_and_send_image(sandbox: SandboxServer) -> None:
    client = login(sandbox, make_account(sandbox, "bluesky", "bob"))
    blob = client.upload_blob(PNG).blob
    assert blob.mime_type == "image/png" and blob.size == len(PNG)  # sniffed: the SDK sends */*
    sent = client.send_image("A dot", image=PNG, image_alt="a dot")
    post = client.get_posts([sent.uri]).posts[0]
    assert post.embed.images[0].alt == "a dot"


def test_reactions_with_cursors_and_thread(sandbox: SandboxServer) -> None:
    bob = make_account(sandbox, "bluesky", "bob")
    client = login(sandbox, bob)
    sent = client.send_post("React to me")
    for n in range(60):
        make_account(sandbox, "bluesky", f"fan{n}", followers_count=n)
        admin(sandbox, "POST", "/bluesky/reactions", json={"post": sent.uri, "kind": "like", "by": f"fan{n}"})
    admin(sandbox, "POST", "/bluesky/reactions", json={"post": sent.uri, "kind": "repost", "by": "fan1"})
    reply = admin(sandbox, "POST", "/bluesky/reactions", json={"post": sent.uri, "kind": "reply", "by": "fan2",
                                                               "text": "Nice post"})
    admin(sandbox, "POST", "/bluesky/reactions", json={"post": reply["id"], "kind": "reply", "by": "fan4",
                                                       "text": "Agreed"})
    admin(sandbox, "POST", "/bluesky/reactions", json={"post": sent.uri, "kind": "quote", "by": "fan3",
                                                       "text": "Look at this"})
    likes, cursor = [], None
    while True:
        page = client.get_likes(sent.uri, cursor=cursor, limit=25)
        likes += [like.actor.handle for like in page.likes]
        if not (cursor := page.cursor):
            break
    assert len(likes) == 60 and likes[0] == "fan59.sandbox.test"
    assert [p.handle for p in client.get_reposted_by(sent.uri).reposted_by] == ["fan1.sandbox.test"]
    thread = client.get_post_thread(sent.uri, depth=10).thread
    assert thread.post.like_count == 60 and thread.post.reply_count == 1 and thread.post.quote_count == 1
    assert thread.replies[0].post.record.text == "Nice post"
    assert thread.replies[0].replies[0].post.record.text == "Agreed"
    quotes = client.app.bsky.feed.get_quotes({"uri": sent.uri})
    assert quotes.posts[0].embed.record.uri == sent.uri
    profiles = client.get_profiles(["fan3.sandbox.test", "fan4.sandbox.test"]).profiles
    assert [p.followers_count for p in profiles] == [3, 4]


def test_likes_and_reposts_through_the_sdk(sandbox: SandboxServer) -> None:
    bob = login(sandbox, make_account(sandbox, "bluesky", "bob"))
    carol = login(sandbox, make_account(sandbox, "bluesky", "carol"))
    sent = bob.send_post("Hello")
    carol.like(sent.uri, sent.cid)
    carol.repost(sent.uri, sent.cid)
    post = bob.get_posts([sent.uri]).posts[0]
    assert (post.like_count, post.repost_count) == (1, 1)
    assert bob.delete_post(sent.uri)
    with pytest.raises(BadRequestError) as gone:
        bob.get_post_thread(sent.uri)
    assert gone.value.response.content.error == "NotFound"


def test_rate_limit_and_revoked_session(sandbox: SandboxServer) -> None:
    bob_account = make_account(sandbox, "bluesky", "bob")
    bob = login(sandbox, bob_account)
    admin(sandbox, "POST", "/bluesky/faults", json={"status": 429, "count": 1, "retry_after": 2})
    with pytest.raises(RequestException) as limited:
        bob.get_profile(bob_account["did"])
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["retry-after"] == "2"
    assert limited.value.response.headers["ratelimit-remaining"] == "0"
    admin(sandbox, "POST", "/bluesky/accounts/bob/revoke")
    with pytest.raises(UnauthorizedError):
        bob.send_post("Hello")
