"""Redirection patterns: where a link really sends people, computed from its metadata.

A project may enable one pattern per original_url hostname (or `*` for any). `%field%` placeholders take the
link's values, URL-escaped and trimmed to 128 characters, empty when missing; `%original_url%` and
`%escaped_original_url%` are neither trimmed nor (the first) escaped. Two forms:

- a pattern starting with `%original_url%` appends its query parameters to the original URL, in order
  (the GA form: `…?utm_campaign=&utm_medium=demo.awe.sm-copypaste&utm_source=direct-demo.awe.sm&utm_content=test-main`);
- any other pattern is a whole URL; its query is re-encoded with `+` for spaces, as awe.sm answered
  (`opinion.php?…&url=http%3A%2F%2Fwww.cuteon.me&message=cute+on+me+right%3F`). The reference calls that
  answer's parameter order "alphabetical", but it is not; we keep the pattern's own order.

`%referrer%` is filled per click with the referrer's host (`direct` when there is none): the stored redirect_url
shows `direct`, and the redirect template keeps a marker the redirect replaces. Conversion domains add
`awesm=<awesm_id>` last. See docs/decisions/2026-11-23-redirection-patterns.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from sqlalchemy import Connection, select

from sharelytics.storage.tables import redirection_patterns

GA_PATTERN = (
    "%original_url%?utm_campaign=%campaign%&utm_medium=%domain%-%channel%"
    "&utm_source=%referrer%-%domain%&utm_content=%tool%"
)
REFERRER_MARKER = "SLREFERRERMARKER"  # survives URL encoding unchanged
TRIM = 128
_PLACEHOLDER = re.compile(r"%([a-z_]+)%")


@dataclass(frozen=True)
class RedirectTarget:
    redirect_url: str  # as stored and returned: click-time values at their creation-time defaults
    template: str | None  # with REFERRER_MARKER where the click's referrer goes; None when nothing varies


def find_pattern(conn: Connection, project_id: int, original_url: str) -> str | None:
    host = (urlsplit(original_url).hostname or "").lower()
    rows = conn.execute(
        select(redirection_patterns.c.hostname, redirection_patterns.c.pattern).where(
            redirection_patterns.c.project_id == project_id,
            redirection_patterns.c.enabled.is_(True),
            redirection_patterns.c.hostname.in_([host, "*"]),
        )
    ).all()
    by_host = {row.hostname: row.pattern for row in rows}
    return by_host.get(host) or by_host.get("*")


def _escaped(value: str | None) -> str:
    return quote((value or "")[:TRIM], safe="")


def _substitute(template: str, fields: Mapping[str, str | None], original_url: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "original_url":
            return original_url
        if name == "escaped_original_url":
            return quote(original_url, safe="")
        if name == "referrer":
            return REFERRER_MARKER
        if name in fields:
            return _escaped(fields[name])
        return match.group(0)  # not a placeholder we know: leave the text alone

    return _PLACEHOLDER.sub(value, template)


def _append_query(url: str, extra: str) -> str:
    """Append an already-encoded `a=b&c=d` to url's query, with `?` or `&`."""
    if not extra:
        return url
    parts = urlsplit(url)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _reencoded_query(url: str) -> str:
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), parts.fragment))


def apply_pattern(pattern: str, fields: Mapping[str, str | None], original_url: str) -> str:
    if pattern.startswith("%original_url%"):
        rest = pattern[len("%original_url%"):].lstrip("?&")
        # Split by hand: parse_qsl would read "%ca" in "%campaign%" as an escape. Substituted values are
        # already escaped, so they are appended verbatim, in the pattern's order.
        pairs = [part.partition("=") for part in rest.split("&") if part]
        extra = "&".join(f"{k}={_substitute(v, fields, original_url)}" for k, _, v in pairs)
        return _append_query(original_url, extra)
    return _reencoded_query(_substitute(pattern, fields, original_url))


def redirect_target(
    pattern: str | None, fields: Mapping[str, str | None], original_url: str, conversion_id: str | None
) -> RedirectTarget:
    """The stored redirect_url and, when it varies per click, the template the redirect fills."""
    template = apply_pattern(pattern, fields, original_url) if pattern else original_url
    if conversion_id is not None:
        template = _append_query(template, f"awesm={quote(conversion_id, safe='')}")
    varies = REFERRER_MARKER in template
    return RedirectTarget(
        redirect_url=template.replace(REFERRER_MARKER, "direct"), template=template if varies else None
    )


def fill_click_time(template: str, referrer_host: str | None) -> str:
    """Per click: the referrer's host (escaped, trimmed) where the pattern said %referrer%."""
    return template.replace(REFERRER_MARKER, _escaped(referrer_host) if referrer_host else "direct")


def is_conversion_host(original_url: str, conversion_domains: tuple[str, ...]) -> bool:
    host = (urlsplit(original_url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in conversion_domains)
