"""The Bluesky adapter against the sandbox PDS."""

from __future__ import annotations

import pytest

from sharelytics.core.providers.bluesky import BlueskyProvider
from sharelytics.core.providers.bluesky_text import facets_for, record_key
from sharelytics.core.providers.http import ProviderHttp
from sharelytics.core.providers.model import AuthRevoked, InvalidPost, LinkPart, PostGone, PostParts, Upload
from sharelytics.sandbox.server import SandboxServer
from tests.core.providers.conftest import PNG, Sleeps, account, admin, posts, react


@pytest.fixture
def provider(http: ProviderHttp) -> BlueskyProvider:
    return BlueskyProvider(http)


def _record(sandbox: SandboxServer, uri: str) -> dict:
    return sandbox.sandbox.state.post("bluesky", uri).record


def test_publish_link_card_with_facets_at_utf8_byte_offsets(sandbox: SandboxServer, provider: BlueskyProvider) -> None:
    bob = account(sandbox, "bluesky", "bob", followers_count=9)
    parts = PostParts(text="Grüße aus Köln 🎉 #news", link=LinkPart("https://example.com/ä?x=1", name="Title",
                                                                      description="About"))
    published = provider.publish(bob, parts, "pub-1")
    assert published.reach == 9 and published.post_id.startswith("at://did:plc:")
    assert published.post_url == f"https://bsky.app/profile/bob.sandbox.test/post/{published.post_id.rsplit('/')[-1]}"
    record = _record(sandbox, published.post_id)
    encoded = record["text"].encode("utf-8")
    spans = {f["features"][0]["$type"].rsplit("#")[-1]: encoded[f["index"]["byteStart"]:f["index"]["byteEnd"]]
             for f in record["facets"]}
    assert spans == {"link": "https://example.com/ä?x=1".encode(), "tag": "#news".encode()}
    assert record["embed"] == {"$type": "app.bsky.embed.external", "external": {
        "uri": "https://example.com/ä?x=1", "title": "Title", "description": "About"}}


def test_facets_count_bytes_not_characters() -> None:
    [facet] = facets_for("Read this ünïcode link https://e.x/a.")
    assert facet["index"] == {"byteStart": 25, "byteEnd": 38}  # characters: 23..36 and facet["features"][0]["uri"] == "https://e.x/a"


def test_publish_images(sandbox: SandboxServer, provider: BlueskyProvider) -> None:
    bob = account(sandbox, "bluesky", "bob")
    published = provider.publish(bob, PostParts(text="A dot", uploads=(Upload(PNG, "image/png", alt="dot"),)), "k")
    embed = _record(sandbox, published.post_id)["embed"]
    assert embed["$type"] == "app.bsky.embed.images" and embed["images"][0]["alt"] == "dot"
    assert embed["images"][0]["image"]["mimeType"] == "image/png"
    with pytest.raises(InvalidPost):
        provider.publish(bob, PostParts(text="Clip", uploads=(Upload(b"x", "video/mp4"),)), "k2")


def test_retry_with_the_same_key_posts_once(sandbox: SandboxServer, provider: BlueskyProvider) -> None:
    bob = account(sandbox, "bluesky", "bob")
    first = provider.publish(bob, PostParts(text="Once"), "pub-1")
    assert first.post_id.endswith("/" + record_key("pub-1"))
    assert provider.publish(bob, PostParts(text="Once"), "pub-1").post_id == first.post_id
    assert len(posts(sandbox, "bluesky")) == 1


class FirstLookMisses(BlueskyProvider):
    """A second worker that did not see the first answer: its look-up misses, so it goes to createRecord."""

    missed = False

    def _existing(self, credentials, did, rkey):  # type: ignore[no-untyped-def]
        if not self.missed:
            self.missed = True
            return None
        return super()._existing(credentials, did, rkey)


def test_a_create_whose_answer_was_lost_is_found_not_repeated(sandbox: SandboxServer, http: ProviderHttp) -> None:
    bob = account(sandbox, "bluesky", "bob")
    first = BlueskyProvider(http).publish(bob, PostParts(text="Once"), "pub-1")
    # The PDS answers 500 for the taken record key; the adapter then finds the record instead of failing.
    again = FirstLookMisses(http).publish(bob, PostParts(text="Once"), "pub-1")
    assert again.post_id == first.post_id and len(posts(sandbox, "bluesky")) == 1


def test_reactions_follow_every_cursor_with_follower_counts(sandbox: SandboxServer,
                                                            provider: BlueskyProvider) -> None:
    bob = account(sandbox, "bluesky", "bob")
    post = provider.publish(bob, PostParts(text="React"), "pub-1").post_id
    for n in range(130):
        admin(sandbox, "POST", "/bluesky/accounts", json={"username": f"fan{n}", "followers_count": n,
                                                          "created_at": "2023-04-05T00:00:00+00:00"})
        react(sandbox, "bluesky", post, "like", f"fan{n}")
    for n in range(105):
        react(sandbox, "bluesky", post, "repost", f"fan{n}")
    reply = react(sandbox, "bluesky", post, "reply", "fan1", "Nice")
    react(sandbox, "bluesky", reply["id"], "reply", "fan2", "Agreed")
    react(sandbox, "bluesky", post, "quote", "fan3", "Look")
    got = provider.reactions(bob, post)
    assert len(got.likes) == 130 == got.like_count and len(got.reposts) == 105 == got.repost_count
    like = next(r for r in got.likes if r.username == "fan42.sandbox.test")
    assert like.num_followers == 42 and like.date is not None and like.date_member_since.year == 2023
    assert like.profile_url == "https://bsky.app/profile/fan42.sandbox.test"
    assert [(r.username, r.content) for r in got.comments] == [("fan1.sandbox.test", "Nice"),
                                                               ("fan2.sandbox.test", "Agreed")]
    assert [(r.content, r.num_followers) for r in got.quotes] == [("Look", 3)] and got.quote_count == 1


def test_429_and_5xx_are_retried(sandbox: SandboxServer, provider: BlueskyProvider, sleeps: Sleeps) -> None:
    bob = account(sandbox, "bluesky", "bob")
    post = provider.publish(bob, PostParts(text="Hi"), "pub-1").post_id
    admin(sandbox, "POST", "/bluesky/faults", json={"status": 429, "count": 1, "retry_after": 10,
                                                    "path": "getLikes"})
    admin(sandbox, "POST", "/bluesky/faults", json={"status": 502, "count": 1, "path": "getQuotes"})
    provider.reactions(bob, post)
    assert len(sleeps) == 2 and any(8 < s <= 11 for s in sleeps)


def test_revoked_app_password_and_deleted_post(sandbox: SandboxServer, provider: BlueskyProvider) -> None:
    bob = account(sandbox, "bluesky", "bob")
    post = provider.publish(bob, PostParts(text="Short-lived"), "pub-1").post_id
    admin(sandbox, "DELETE", "/bluesky/posts", params={"ref": post})
    with pytest.raises(PostGone):
        provider.reactions(bob, post)
    admin(sandbox, "POST", "/bluesky/accounts/bob/revoke")
    with pytest.raises(AuthRevoked):
        provider.publish(bob, PostParts(text="After"), "pub-2")
    with pytest.raises(AuthRevoked):
        provider.verify(bob)
