"""X text rules the adapter needs: the weighted length X counts, the text a tweet had before X wrapped its links
in t.co, the rate headers in the spelling `ProviderHttp` reads, and X's problem bodies as one line."""

from __future__ import annotations

import re
from typing import Any

import httpx

MAX_WEIGHT = 280
URL_WEIGHT = 23  # every URL counts as a t.co link of 23 characters
_URL = re.compile(r"https?://[^\s<>\"]+")
# twitter-text v3: these code point ranges weigh 1, everything else (CJK, emoji...) 2.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"


def weighted_length(text: str) -> int:
    """The length X checks against 280."""
    urls = _URL.findall(text)
    rest = _URL.sub("", text)
    return URL_WEIGHT * len(urls) + sum(1 if any(lo <= ord(c) <= hi for lo, hi in _LIGHT) else 2 for c in rest)


def expanded_text(tweet: dict[str, Any]) -> str:
    """The tweet's text with each t.co link put back to the URL that was posted (`entities.urls`)."""
    text = str(tweet.get("text", ""))
    for entity in (tweet.get("entities") or {}).get("urls") or []:
        short, long = entity.get("url"), entity.get("expanded_url")
        if short and long:
            text = text.replace(short, long)
    return text


def same_text(a: str, b: str) -> bool:
    """Equal up to whitespace, which X trims and collapses at the ends of lines."""
    return " ".join(a.split()) == " ".join(b.split())


def rate_aliases(response: httpx.Response) -> dict[str, str]:
    """`x-rate-limit-*` (reset in epoch seconds) as `x-ratelimit-*`, which the shared budget understands."""
    headers = response.headers
    return {f"x-ratelimit-{name}": headers[f"x-rate-limit-{name}"] for name in ("limit", "remaining", "reset")
            if f"x-rate-limit-{name}" in headers}


def problem_text(body: Any) -> str:
    """X v2 problems: `{"title", "detail", "type", "status"}`, or `{"errors": [{"message" | "detail"}]}`."""
    if not isinstance(body, dict):
        return ""
    if body.get("detail") or body.get("title"):
        return str(body.get("detail") or body.get("title"))
    errors = body.get("errors") or []
    return "; ".join(str(e.get("detail") or e.get("message") or "") for e in errors if isinstance(e, dict))


def is_not_found(body: Any) -> bool:
    """X answers a read of a deleted or unknown tweet with 200 and a resource-not-found problem instead of data."""
    if not isinstance(body, dict) or body.get("data"):
        return False
    return any(isinstance(e, dict) and e.get("type") == NOT_FOUND for e in body.get("errors") or [])
