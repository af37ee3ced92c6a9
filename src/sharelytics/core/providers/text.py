"""Small text helpers shared by the adapters: HTML to plain text, RFC 3339 dates, composing the post text."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

from sharelytics.core.providers.model import PostParts

_BREAKS = {"br", "p", "li", "div"}


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS - {"br"}:
            self.chunks.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def html_to_text(html: str) -> str:
    """Mastodon's sanitised status HTML as the text a person wrote (paragraphs become blank lines)."""
    parser = _TextOf()
    parser.feed(html or "")
    parser.close()
    return "".join(parser.chunks).strip()


def parse_datetime(value: object) -> datetime | None:
    """RFC 3339 (`Z` or an offset, any fraction) or a plain date, as naive UTC; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.replace(microsecond=0)


def compose_text(parts: PostParts, extra_urls: tuple[str, ...] = ()) -> str:
    """The message text with the link (and any media URL that could not be attached) appended unless already in it.

    Both networks turn a URL in the text into a clickable link, and Mastodon builds its preview card from it.
    """
    text = parts.text.strip()
    urls = ([parts.link.url] if parts.link else []) + list(extra_urls)
    for url in urls:
        if url and url not in text:
            text = f"{text}\n\n{url}" if text else url
    return text
