"""Finding the links a retweet replaces: only http://, without the sentence around them."""

from __future__ import annotations

import pytest

from sharelytics.core.links.retweet import find_links


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("see http://a.example/x.", ["http://a.example/x"]),
        ("(http://a.example/x)", ["http://a.example/x"]),
        ("http://en.example/wiki/Foo_(bar)!", ["http://en.example/wiki/Foo_(bar)"]),
        ("https://a.example/ and HTTP://b.example/", ["HTTP://b.example/"]),
        ("xhttp://a.example/ http:// http://", []),
        ('<a href="http://a.example/q?x=1&y=2">', ["http://a.example/q?x=1&y=2"]),
        ("two http://a.example/, http://b.example/;", ["http://a.example/", "http://b.example/"]),
    ],
)
def test_find_links(text, urls):
    assert [url for _, _, url in find_links(text)] == urls


def test_spans_point_at_the_urls():
    text = "go http://a.example/x, now"
    [(start, end, url)] = find_links(text)
    assert text[start:end] == url
