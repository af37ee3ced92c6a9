"""X API v2 objects as the API renders them: users and tweets with the requested `user.fields` / `tweet.fields`,
links wrapped in t.co with `entities.urls`, `2024-05-01T10:00:00.000Z` datetimes, and the v2 problem bodies."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from typing import Any

from sharelytics.core.providers.twitter_text import NOT_FOUND, weighted_length
from sharelytics.sandbox.state import Account, Post, SandboxState

NET = "twitter"
MAX_WEIGHT = 280
_URL = re.compile(r"https?://[^\s<>\"]+")


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def text_too_long(text: str) -> bool:
    return weighted_length(text) > MAX_WEIGHT


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> dict[str, Any]:
    return {"title": title, "detail": detail, "type": kind, "status": status}


def not_found(tweet_id: str) -> dict[str, Any]:
    """What X answers (with 200) for a tweet that does not exist or was deleted."""
    return {"errors": [{"value": tweet_id, "detail": f"Could not find tweet with id: [{tweet_id}].",
                        "title": "Not Found Error", "resource_type": "tweet", "parameter": "id",
                        "resource_id": tweet_id, "type": NOT_FOUND}]}


def tco(url: str) -> str:
    digest = base64.b32encode(hashlib.sha256(url.encode()).digest()).decode().lower()
    return f"https://t.co/{digest[:10]}"


def wrapped(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The text with every URL replaced by its t.co link, and the `entities.urls` describing them."""
    out, urls, last = [], [], 0
    for match in _URL.finditer(text):
        out.append(text[last:match.start()])
        start = len("".join(out))
        short, long = tco(match.group(0)), match.group(0)
        out.append(short)
        display = long.split("://", 1)[1]
        urls.append({"start": start, "end": start + len(short), "url": short, "expanded_url": long,
                     "display_url": display if len(display) <= 26 else display[:25] + "…"})
        last = match.end()
    out.append(text[last:])
    return "".join(out), urls


def fields(request_value: str | None) -> set[str]:
    return {f.strip() for f in (request_value or "").split(",") if f.strip()}


def user(account: Account, wanted: set[str]) -> dict[str, Any]:
    body: dict[str, Any] = {"id": account.id, "name": account.display_name, "username": account.username}
    if "created_at" in wanted:
        body["created_at"] = iso(account.created_at)
    if "public_metrics" in wanted:
        body["public_metrics"] = {"followers_count": account.followers_count,
                                  "following_count": account.following_count, "tweet_count": 0,
                                  "listed_count": 0, "like_count": 0}
    if "description" in wanted:
        body["description"] = account.note
    if "protected" in wanted:
        body["protected"] = False
    if "verified" in wanted:
        body["verified"] = False
    return body


def conversation_id(state: SandboxState, post: Post) -> str:
    net = state.net(NET)
    while post.reply_to and post.reply_to in net.posts:
        post = net.posts[post.reply_to]
    return post.id


def tweet(state: SandboxState, post: Post, wanted: set[str]) -> dict[str, Any]:
    text, urls = wrapped(post.text)
    body: dict[str, Any] = {"id": post.id, "text": text, "edit_history_tweet_ids": [post.id]}
    if "created_at" in wanted:
        body["created_at"] = iso(post.created_at)
    if "author_id" in wanted:
        body["author_id"] = post.author_id
    if "conversation_id" in wanted:
        body["conversation_id"] = conversation_id(state, post)
    if "entities" in wanted and urls:
        body["entities"] = {"urls": urls}
    if "public_metrics" in wanted:
        body["public_metrics"] = {"retweet_count": len(state.interactions(NET, "repost", post.id)),
                                  "reply_count": len(state.replies(NET, post.id)),
                                  "like_count": len(state.interactions(NET, "like", post.id)),
                                  "quote_count": len(state.quotes(NET, post.id)), "bookmark_count": 0,
                                  "impression_count": 0}
    parent = state.net(NET).posts.get(post.reply_to) if post.reply_to else None
    if "in_reply_to_user_id" in wanted and parent is not None:
        body["in_reply_to_user_id"] = parent.author_id
    if "referenced_tweets" in wanted and (post.reply_to or post.quote_of):
        body["referenced_tweets"] = [{"type": "replied_to" if post.reply_to else "quoted",
                                      "id": post.reply_to or post.quote_of}]
    if "attachments" in wanted and post.media_ids:
        body["attachments"] = {"media_keys": [f"3_{m}" for m in post.media_ids]}
    return body


def page_token(key: int) -> str:
    return base64.b32encode(f"p{key}".encode()).decode().lower().rstrip("=")


def page_key(token: str) -> int | None:
    try:
        raw = base64.b32decode(token.upper() + "=" * (-len(token) % 8)).decode()
        return int(raw[1:]) if raw.startswith("p") else None
    except (ValueError, UnicodeDecodeError):
        return None
