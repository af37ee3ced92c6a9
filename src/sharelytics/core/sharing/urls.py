"""Finding the URLs in a message text and putting short URLs in their place."""

from __future__ import annotations

import re
from collections.abc import Mapping

# http(s) URLs up to whitespace or a character no URL carries raw; trailing punctuation is trimmed below.
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"”’»"
_CLOSERS = {")": "(", "]": "["}


def _trim(url: str) -> str:
    """`(see http://x.org/a).` -> `http://x.org/a`: sentence punctuation and unbalanced closers are not the URL's."""
    while url:
        last = url[-1]
        if last in _TRAILING or last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last]):
            url = url[:-1]
        else:
            break
    return url


def _spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if "://" in url and len(url) > url.index("://") + 3:
            spans.append((match.start(), match.start() + len(url), url))
    return spans


def find_urls(text: str) -> list[str]:
    """Every URL of the text, in order, repeats included."""
    return [url for _start, _end, url in _spans(text)]


def replace_urls(text: str, replacements: Mapping[str, str]) -> str:
    """The text with each URL found in `replacements` swapped for its replacement (the rest unchanged)."""
    out, position = [], 0
    for start, end, url in _spans(text):
        if url in replacements:
            out += [text[position:start], replacements[url]]
            position = end
    out.append(text[position:])
    return "".join(out)
