"""Finding URLs in a message text and swapping in short URLs."""

from __future__ import annotations

import pytest

from sharelytics.core.sharing.urls import find_urls, replace_urls


@pytest.mark.parametrize("text, urls", [
    ("Read https://example.com/a now", ["https://example.com/a"]),
    ("End of sentence http://x.org/p.", ["http://x.org/p"]),
    ("(see https://en.wikipedia.org/wiki/Foo_(bar))", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("(see https://x.org/a)", ["https://x.org/a"]),
    ("two: https://a.org, HTTPS://B.ORG/x?y=1&z=2!", ["https://a.org", "HTTPS://B.ORG/x?y=1&z=2"]),
    ('quoted "https://q.org/x"', ["https://q.org/x"]),
    ("no scheme example.com and ftp://x.org and https://", []),
])
def test_find_urls(text: str, urls: list[str]) -> None:
    assert find_urls(text) == urls


def test_replace_urls_keeps_everything_else_and_repeats() -> None:
    text = "A https://a.org/1, again https://a.org/1 and https://b.org."
    assert replace_urls(text, {"https://a.org/1": "http://s/X"}) == \
        "A http://s/X, again http://s/X and https://b.org."
    assert replace_urls(text, {}) == text
