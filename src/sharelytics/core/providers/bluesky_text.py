"""Bluesky records: rich-text facets (UTF-8 byte offsets), deterministic record keys, the post record itself."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

_URL = re.compile(r"https?://[^\s<>\"]+")
_TAG = re.compile(r"(?:^|(?<=\s))#([^\s#]*[^\d\s#.,;:!?)\]\"'][^\s#]*?)(?=[.,;:!?)\]\"']*(?:\s|$))")
_TRAILING = ".,;:!?\"'"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
# Derived record keys carry a time inside 2023 (after Bluesky opened, before any real key we would collide with in
# meaning): a TID must be a plausible timestamp, and the hash only needs to spread keys, not to tell the time.
_TID_EPOCH_US = 1_672_531_200_000_000
_TID_SPAN_US = 365 * 24 * 3600 * 1_000_000


def _byte_index(text: str, char_index: int) -> int:
    return len(text[:char_index].encode("utf-8"))


def _trim_url(url: str) -> str:
    url = url.rstrip(_TRAILING)
    if url.endswith(")") and url.count("(") < url.count(")"):  # "(see https://x.y/a)" keeps its own parenthesis
        url = url[:-1]
    return url


def _facet(text: str, start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {"$type": "app.bsky.richtext.facet",
            "index": {"byteStart": _byte_index(text, start), "byteEnd": _byte_index(text, end)},
            "features": [feature]}


def link_facets(text: str) -> list[dict[str, Any]]:
    """A `#link` facet for every http(s) URL in the text; offsets are UTF-8 bytes, end exclusive."""
    facets = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        facets.append(_facet(text, match.start(), match.start() + len(url),
                             {"$type": "app.bsky.richtext.facet#link", "uri": url}))
    return facets


def tag_facets(text: str) -> list[dict[str, Any]]:
    """A `#tag` facet for every hashtag outside URLs (a tag is at most 64 characters, not only digits)."""
    urls = [(m.start(), m.end()) for m in _URL.finditer(text)]
    facets = []
    for match in _TAG.finditer(text):
        tag = match.group(1)
        if len(tag) > 64 or any(start <= match.start() < end for start, end in urls):
            continue
        facets.append(_facet(text, match.start(), match.end(1), {"$type": "app.bsky.richtext.facet#tag", "tag": tag}))
    return facets


def facets_for(text: str) -> list[dict[str, Any]]:
    return sorted(link_facets(text) + tag_facets(text), key=lambda f: f["index"]["byteStart"])


def record_key(idempotency_key: str) -> str:
    """A valid TID (13 base32-sortable characters) derived from the idempotency key, so that a retried publish
    addresses the same record: the second create finds the key taken instead of posting twice."""
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode("utf-8")).digest()[:8], "big")
    micros = _TID_EPOCH_US + (digest >> 10) % _TID_SPAN_US
    value = (micros << 10) | (digest & 0x3FF)  # top bit stays 0: 53-bit microseconds, 10-bit clock id
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def rfc3339(moment: datetime) -> str:
    """Naive UTC as Bluesky writes it: milliseconds and `Z`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def post_record(text: str, created_at: datetime, embed: dict[str, Any] | None = None,
                langs: tuple[str, ...] = ()) -> dict[str, Any]:
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": rfc3339(created_at)}
    facets = facets_for(text)
    if facets:
        record["facets"] = facets
    if embed:
        record["embed"] = embed
    if langs:
        record["langs"] = list(langs)
    return record
