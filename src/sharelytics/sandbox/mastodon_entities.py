"""Mastodon entities as the API renders them (IDs as strings, `2024-05-01T10:00:00.000Z` datetimes, HTML content)."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from sharelytics.sandbox.state import Account, Media, Post, SandboxState

VERSION = "4.5.0"
API_VERSION = 7
MAX_CHARACTERS = 500
URL_LENGTH = 23  # every URL counts as 23 characters (`characters_reserved_per_url`)
_URL = re.compile(r"https?://[^\s<>\"]+")


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def text_length(text: str) -> int:
    return len(_URL.sub("x" * URL_LENGTH, text))


def content_html(text: str) -> str:
    """Paragraphs on blank lines, `<br />` on single newlines, URLs as links, everything else escaped."""
    def paragraph(chunk: str) -> str:
        escaped = html.escape(chunk, quote=False)
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}" rel="nofollow noopener" target="_blank">'
                          f'{m.group(0)}</a>', escaped)
        return "<p>" + linked.replace("\n", "<br />") + "</p>"
    return "".join(paragraph(c) for c in re.split(r"\n{2,}", text.strip()) if c)


def account(acct: Account, base: str, *, with_source: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": acct.id, "username": acct.username, "acct": acct.username, "display_name": acct.display_name,
        "locked": False, "bot": False, "discoverable": True, "group": False, "created_at": iso(acct.created_at),
        "note": f"<p>{html.escape(acct.note)}</p>" if acct.note else "", "url": f"{base}/@{acct.username}",
        "uri": f"{base}/users/{acct.username}", "avatar": f"{base}/avatars/original/missing.png",
        "avatar_static": f"{base}/avatars/original/missing.png", "header": f"{base}/headers/original/missing.png",
        "header_static": f"{base}/headers/original/missing.png", "followers_count": acct.followers_count,
        "following_count": acct.following_count, "statuses_count": 0, "last_status_at": None, "emojis": [],
        "fields": [],
    }
    if with_source:
        body["source"] = {"privacy": "public", "sensitive": False, "language": "en", "note": acct.note,
                          "fields": [], "follow_requests_count": 0}
    return body


def media(item: Media, base: str) -> dict[str, Any]:
    kind = item.mime_type.split("/")[0]
    url = f"{base}/system/media_attachments/{item.id}"
    return {"id": item.id, "type": {"image": "image", "video": "video", "audio": "audio"}.get(kind, "unknown"),
            "url": url, "preview_url": f"{url}/small", "remote_url": None, "text_url": None, "meta": {},
            "description": item.description or None, "blurhash": None}


def card(post: Post) -> dict[str, Any] | None:
    """The preview card the instance builds from the first URL (only after posting, as the real crawl does)."""
    match = _URL.search(post.text)
    if not match:
        return None
    url = match.group(0)
    return {"url": url, "title": url, "description": "", "type": "link", "author_name": "", "author_url": "",
            "provider_name": "", "provider_url": "", "html": "", "width": 0, "height": 0, "image": None,
            "embed_url": "", "blurhash": None}


def status(state: SandboxState, post: Post, base: str, *, fresh: bool = False, depth: int = 0) -> dict[str, Any]:
    net = state.net("mastodon")
    author = net.accounts[post.author_id]
    parent = net.posts.get(post.reply_to) if post.reply_to else None
    quoted = net.posts.get(post.quote_of) if post.quote_of else None
    body: dict[str, Any] = {
        "id": post.id, "created_at": iso(post.created_at), "edited_at": None,
        "in_reply_to_id": post.reply_to, "in_reply_to_account_id": parent.author_id if parent else None,
        "sensitive": False, "spoiler_text": "", "visibility": "public", "language": "en",
        "uri": f"{base}/users/{author.username}/statuses/{post.id}", "url": f"{base}/@{author.username}/{post.id}",
        "replies_count": len(state.replies("mastodon", post.id)),
        "reblogs_count": len(state.interactions("mastodon", "repost", post.id)),
        "favourites_count": len(state.interactions("mastodon", "like", post.id)),
        "quotes_count": len(state.quotes("mastodon", post.id)),
        "content": content_html(post.text), "reblog": None, "application": {"name": "sandbox", "website": None},
        "account": account(author, base), "media_attachments": [media(net.media[m], base) for m in post.media_ids
                                                                if m in net.media],
        "mentions": [], "tags": [], "emojis": [], "card": None if fresh else card(post), "poll": None,
        "quote": None, "favourited": False, "reblogged": False, "muted": False, "bookmarked": False,
    }
    if quoted is not None:
        body["quote"] = {"state": "accepted",
                         "quoted_status": status(state, quoted, base, depth=depth + 1) if depth < 1 else None}
    return body


def instance_v1(base: str) -> dict[str, Any]:
    return {"uri": base.split("://", 1)[-1], "title": "sharelytics sandbox", "short_description": "A local fake.",
            "description": "A local fake of the Mastodon API for tests and demos.", "email": "sandbox@localhost",
            "version": VERSION, "urls": {}, "stats": {"user_count": 0, "status_count": 0, "domain_count": 1},
            "languages": ["en"], "registrations": False, "approval_required": False,
            "configuration": _configuration()}


def instance_v2(base: str) -> dict[str, Any]:
    return {"domain": base.split("://", 1)[-1], "title": "sharelytics sandbox", "version": VERSION,
            "source_url": "https://github.com/mastodon/mastodon", "description": "A local fake of the Mastodon API.",
            "api_versions": {"mastodon": API_VERSION}, "languages": ["en"], "configuration": _configuration(),
            "registrations": {"enabled": False, "approval_required": False, "message": None},
            "contact": {"email": "sandbox@localhost", "account": None}, "rules": []}


def _configuration() -> dict[str, Any]:
    return {"statuses": {"max_characters": MAX_CHARACTERS, "max_media_attachments": 4,
                         "characters_reserved_per_url": URL_LENGTH},
            "media_attachments": {"supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp",
                                                           "video/mp4", "video/webm"],
                                  "image_size_limit": 16777216, "video_size_limit": 103809024}}
