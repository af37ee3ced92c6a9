"""Bluesky views as the AppView renders them: profile views, postView, threadViewPost, embed views. Counts are
integers and union members carry `$type`, which the atproto SDK's strict models need."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sharelytics.sandbox.state import Account, Post, SandboxState

NET = "bluesky"
THREAD = "app.bsky.feed.defs#threadViewPost"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def profile_basic(acct: Account) -> dict[str, Any]:
    return {"did": acct.id, "handle": acct.username,
            "displayName": acct.display_name, "createdAt": iso(acct.created_at), "labels": [],
            "viewer": {"muted": False, "blockedBy": False}}


def profile_view(acct: Account) -> dict[str, Any]:
    return {**profile_basic(acct), "description": acct.note, "indexedAt": iso(acct.created_at)}


def profile_detailed(state: SandboxState, acct: Account) -> dict[str, Any]:
    posts = sum(1 for p in state.visible_posts(NET) if p.author_id == acct.id)
    return {**profile_view(acct), "followersCount": acct.followers_count, "followsCount": acct.following_count,
            "postsCount": posts, "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False}}


def post_view(state: SandboxState, post: Post, *, depth: int = 0) -> dict[str, Any]:
    author = state.net(NET).accounts[post.author_id]
    view: dict[str, Any] = {
        "uri": post.id, "cid": post.cid, "author": profile_basic(author), "record": post.record,
        "replyCount": len(state.replies(NET, post.id)),
        "repostCount": len(state.interactions(NET, "repost", post.id)),
        "likeCount": len(state.interactions(NET, "like", post.id)),
        "quoteCount": len(state.quotes(NET, post.id)), "bookmarkCount": 0,
        "indexedAt": iso(post.created_at), "viewer": {"threadMuted": False, "embeddingDisabled": False},
        "labels": [],
    }
    embed = embed_view(state, author, post.record.get("embed"), depth)
    if embed is not None:
        view["embed"] = embed
    return view


def embed_view(state: SandboxState, author: Account, embed: Any, depth: int) -> dict[str, Any] | None:
    if not isinstance(embed, dict):
        return None
    kind = embed.get("$type")
    if kind == "app.bsky.embed.images":
        return {"$type": "app.bsky.embed.images#view",
                "images": [_image_view(author, image) for image in embed.get("images", [])]}
    if kind == "app.bsky.embed.external":
        external = embed.get("external", {})
        return {"$type": "app.bsky.embed.external#view",
                "external": {"uri": external.get("uri", ""), "title": external.get("title", ""),
                             "description": external.get("description", "")}}
    if kind == "app.bsky.embed.record":
        return {"$type": "app.bsky.embed.record#view",
                "record": _record_view(state, embed.get("record", {}).get("uri", ""), depth)}
    return None


def _image_view(author: Account, image: dict[str, Any]) -> dict[str, Any]:
    link = image.get("image", {}).get("ref", {}).get("$link", "")
    base = f"https://cdn.sandbox.test/img/feed_thumbnail/plain/{author.id}/{link}"
    return {"thumb": base + "@jpeg", "fullsize": base.replace("feed_thumbnail", "feed_fullsize") + "@jpeg",
            "alt": image.get("alt", "")}


def _record_view(state: SandboxState, uri: str, depth: int) -> dict[str, Any]:
    quoted = state.net(NET).posts.get(uri)
    if quoted is None or quoted.deleted:
        return {"$type": "app.bsky.embed.record#viewNotFound", "uri": uri, "notFound": True}
    author = state.net(NET).accounts[quoted.author_id]
    return {"$type": "app.bsky.embed.record#viewRecord", "uri": quoted.id, "cid": quoted.cid,
            "author": profile_basic(author), "value": quoted.record, "indexedAt": iso(quoted.created_at),
            "replyCount": len(state.replies(NET, quoted.id)), "likeCount": len(state.interactions(NET, "like", uri)),
            "repostCount": len(state.interactions(NET, "repost", uri)), "quoteCount": len(state.quotes(NET, uri))}


def thread_view(state: SandboxState, post: Post, depth: int) -> dict[str, Any]:
    view: dict[str, Any] = {"$type": THREAD, "post": post_view(state, post)}
    if depth > 0:
        view["replies"] = [thread_view(state, reply, depth - 1) for reply in state.replies(NET, post.id)]
    return view
