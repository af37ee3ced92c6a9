"""Making reactions happen: a fake account likes, reposts, replies to or quotes a post, exactly as if it had used
the network's API (Bluesky reactions are records with their own at-uris, replies carry root and parent; on
Facebook a like is a reaction of some type, a repost a share and a reply a comment; on LinkedIn a reply is a
comment)."""

from __future__ import annotations

import json
import re
from typing import Any

from sharelytics.sandbox.ids import cid_for, new_tid
from sharelytics.sandbox.state import Account, Post, SandboxError, SandboxState, now

KINDS = ("like", "repost", "reply", "quote")
SUPPORTED = {"facebook": ("like", "repost", "reply"), "linkedin": ("like", "reply")}
FACEBOOK_REACTIONS = ("LIKE", "LOVE", "WOW", "HAHA", "SAD", "ANGRY", "CARE")
_BSKY_URL = re.compile(r"/profile/([^/]+)/post/([A-Za-z0-9._:~-]+)")
_FACEBOOK_URL = re.compile(r"facebook\.com/(\d+)/posts/(\d+)")
_LINKEDIN_URN = re.compile(r"urn:li:(?:share|ugcPost):\d+")


def resolve_post(state: SandboxState, network: str, ref: str) -> Post:
    """A post by id / at-uri, by its web URL, or (Bluesky) by its record key."""
    ref = ref.strip()
    if network in ("mastodon", "twitter"):
        return state.post(network, ref.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])
    if network == "facebook":
        match = _FACEBOOK_URL.search(ref)
        return state.post(network, f"{match.group(1)}_{match.group(2)}" if match else ref)
    if network == "linkedin":
        found = _LINKEDIN_URN.search(ref)
        return state.post(network, found.group(0) if found else ref)
    if ref.startswith("at://"):
        return state.post(network, ref)
    match = _BSKY_URL.search(ref)
    if match:
        author = state.account(network, match.group(1))
        return state.post(network, f"at://{author.id}/app.bsky.feed.post/{match.group(2)}")
    found = [p for p in state.visible_posts(network) if p.id.rsplit("/", 1)[-1] == ref]
    if len(found) != 1:
        raise SandboxError(f"no single bluesky post {ref!r}; use its at:// URI")
    return found[0]


def react(state: SandboxState, network: str, post_ref: str, kind: str, by: str, text: str = "", *,
          reaction: str = "LIKE") -> dict[str, Any]:
    kinds = SUPPORTED.get(network, KINDS)
    if kind not in kinds:
        raise SandboxError(f"on {network}, kind must be one of {', '.join(kinds)}")
    if network == "facebook" and reaction.upper() not in FACEBOOK_REACTIONS:
        raise SandboxError(f"a Facebook reaction is one of {', '.join(FACEBOOK_REACTIONS)}")
    if kind in ("reply", "quote") and not text.strip():
        raise SandboxError(f"a {kind} needs text")
    post, actor = resolve_post(state, network, post_ref), state.account(network, by)
    if kind in ("like", "repost"):
        uri = f"at://{actor.id}/app.bsky.feed.{kind}/{new_tid()}" if network == "bluesky" else ""
        detail = reaction.upper() if network == "facebook" and kind == "like" else ""
        interaction = state.interact(network, kind, post.id, actor.id, uri, detail)
        return {"kind": kind, "by": actor.username, "post": post.id, "id": interaction.uri or str(interaction.id)}
    if network == "bluesky":
        created = _bluesky_post(state, post, actor, kind, text)
    else:
        created = _plain_post(state, network, post, actor, kind, text)
    return {"kind": kind, "by": actor.username, "post": post.id, "id": created.id}


def _reply_id(state: SandboxState, network: str, target: Post) -> str:
    """Facebook comments are `<post object id>_<n>`, LinkedIn comments `urn:li:comment:(<post urn>,<n>)`."""
    if network == "facebook":
        return f"{target.id.rsplit('_', 1)[-1]}_{state.new_id()}"
    if network == "linkedin":
        return f"urn:li:comment:({target.id},{state.new_id()})"
    return state.new_id()


def _plain_post(state: SandboxState, network: str, target: Post, actor: Account, kind: str, text: str) -> Post:
    post_id = _reply_id(state, network, target) if kind == "reply" else state.new_id()
    return state.add_post(network, Post(id=post_id, seq=state.new_seq(), author_id=actor.id, text=text,
                                        created_at=now(), reply_to=target.id if kind == "reply" else None,
                                        quote_of=target.id if kind == "quote" else None))


def _bluesky_post(state: SandboxState, target: Post, actor: Account, kind: str, text: str) -> Post:
    created = now()
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "langs": ["en"],
                              "createdAt": created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond // 1000:03d}Z"}
    target_ref = {"uri": target.id, "cid": target.cid}
    if kind == "reply":
        root = target.record.get("reply", {}).get("root") or target_ref
        record["reply"] = {"root": root, "parent": target_ref}
    else:
        record["embed"] = {"$type": "app.bsky.embed.record", "record": target_ref}
    uri = f"at://{actor.id}/app.bsky.feed.post/{new_tid()}"
    return state.add_post("bluesky", Post(id=uri, seq=state.new_seq(), author_id=actor.id, text=text,
                                          created_at=created, cid=cid_for(json.dumps(record, sort_keys=True).encode()),
                                          reply_to=target.id if kind == "reply" else None,
                                          quote_of=target.id if kind == "quote" else None, record=record))
