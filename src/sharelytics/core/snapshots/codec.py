"""What a processed publication stores (`snapshot_publications.result`) and its short URLs, as JSON: written once,
read back unchanged by every later GET and by the pingback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from sharelytics.core.providers.model import REACTION_KINDS, Reaction, Reactions
from sharelytics.core.snapshots.model import SnapshotUrl, UrlReferrals

_LISTS = {"like": "likes", "comment": "comments", "repost": "reposts", "quote": "quotes"}
_COUNTS = {"like": "like_count", "comment": "comment_count", "repost": "repost_count", "quote": "quote_count"}


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def encode_shorturls(urls: list[SnapshotUrl]) -> str:
    return orjson.dumps([{"link_id": u.link_id, "shorturl_token": u.shorturl_token, "short_url": u.short_url,
                          "original_url": u.original_url} for u in urls]).decode()


def decode_shorturls(text: str) -> tuple[SnapshotUrl, ...]:
    return tuple(SnapshotUrl(**item) for item in orjson.loads(text))


def _reaction(r: Reaction) -> dict[str, Any]:
    return {"username": r.username, "profile_url": r.profile_url, "content": r.content, "date": _date(r.date),
            "date_member_since": _date(r.date_member_since), "num_followers": r.num_followers}


def encode_result(urls: tuple[UrlReferrals, ...], reactions: Reactions | None) -> str:
    body: dict[str, Any] = {"urls": [vars(u) for u in urls]}
    if reactions is not None:
        body["reactions"] = {kind: [_reaction(r) for r in reactions.of(kind)] for kind in REACTION_KINDS}
        body["counts"] = {kind: getattr(reactions, _COUNTS[kind]) for kind in REACTION_KINDS}
    return orjson.dumps(body).decode()


def _decode_reaction(kind: str, item: dict[str, Any]) -> Reaction:
    return Reaction(kind=kind, username=item["username"], profile_url=item["profile_url"],  # type: ignore[arg-type]
                    content=item.get("content"), date=_parse(item.get("date")),
                    date_member_since=_parse(item.get("date_member_since")), num_followers=item.get("num_followers"))


def decode_result(text: str) -> tuple[tuple[UrlReferrals, ...], Reactions | None]:
    body = orjson.loads(text)
    urls = tuple(UrlReferrals(**item) for item in body["urls"])
    if "reactions" not in body:
        return urls, None
    lists = {_LISTS[k]: tuple(_decode_reaction(k, item) for item in body["reactions"].get(k, [])) for k in REACTION_KINDS}
    counts = {_COUNTS[k]: body.get("counts", {}).get(k) for k in REACTION_KINDS}
    return urls, Reactions(**lists, **counts)
