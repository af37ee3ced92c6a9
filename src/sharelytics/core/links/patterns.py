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

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import IntegrityError

from sharelytics.core.projects.model import Project
from sharelytics.storage.tables import redirection_patterns

GA_PATTERN = (
    "%original_url%?utm_campaign=%campaign%&utm_medium=%domain%-%channel%"
    "&utm_source=%referrer%-%domain%&utm_content=%tool%"
)
REFERRER_MARKER = "SLREFERRERMARKER"  # survives URL encoding unchanged
TRIM = 128
_PLACEHOLDER = re.compile(r"%([a-z_]+)%")
# Create-time values a pattern may name (core/links/create.py `_fields` fills them), and the two forms of the URL.
FIELD_PLACEHOLDERS = frozenset({
    "awesm_id", "awesm_url", "domain", "path", "channel", "service", "tool", "application", "campaign",
    "campaign_name", "parent", "sharer_id", "service_userid", "service_postid", "user_id", "user_id_username",
    "username", "user_id_profile_url", "user_id_icon_url", "tag", "notes", "project",
})
PLACEHOLDERS = FIELD_PLACEHOLDERS | {"original_url", "escaped_original_url", "referrer"}
_HEX_PAIR = re.compile(r"[a-f]{2}")  # `%ef%bb%bf` in a literal URL reads as `%ef%`: an escape, not a placeholder


class PatternError(Exception):
    """Base of redirection-pattern errors."""


class InvalidPattern(PatternError):
    pass


class PatternNotFound(PatternError):
    pass


@dataclass(frozen=True)
class RedirectionPattern:
    project_id: int
    hostname: str  # the original_url hostname it applies to, lower case; `*` for any
    pattern: str
    enabled: bool


@dataclass(frozen=True)
class RedirectTarget:
    redirect_url: str  # as stored and returned: click-time values at their creation-time defaults
    template: str | None  # with REFERRER_MARKER where the click's referrer goes; None when nothing varies


def enabled_patterns(conn: Connection, project_id: int) -> dict[str, str]:
    """The project's enabled patterns by hostname: read once per create call, however many links it makes."""
    rows = conn.execute(
        select(redirection_patterns.c.hostname, redirection_patterns.c.pattern).where(
            redirection_patterns.c.project_id == project_id, redirection_patterns.c.enabled.is_(True)
        )
    ).all()
    return {row.hostname: row.pattern for row in rows}


def pattern_for(patterns: Mapping[str, str], original_url: str) -> str | None:
    """The pattern for original_url's hostname, else the project's `*` pattern, else None."""
    if not patterns:
        return None
    host = (urlsplit(original_url).hostname or "").lower()
    return patterns.get(host) or patterns.get("*")


def find_pattern(conn: Connection, project_id: int, original_url: str) -> str | None:
    return pattern_for(enabled_patterns(conn, project_id), original_url)


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
        if name in fields or name in FIELD_PLACEHOLDERS:  # a known field without a value is empty
            return _escaped(fields.get(name))
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
        extra = "&".join(f"{k}{eq}{_substitute(v, fields, original_url)}" for k, eq, v in pairs)
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


# -- managing a project's patterns (operators: `sharelytics patterns ...`) ---------------------------------------------


def check_pattern(pattern: str) -> str:
    """A usable pattern, stripped: `%original_url%` followed by nothing or a query, or an absolute http(s) URL
    template; every `%name%` must be a known placeholder (catches `%campain%` before any link is made with it)."""
    pattern = pattern.strip()
    if not pattern or any(c.isspace() for c in pattern):
        raise InvalidPattern("a pattern is a URL template without spaces")
    unknown = sorted({n for n in _PLACEHOLDER.findall(pattern) if n not in PLACEHOLDERS and not _HEX_PAIR.fullmatch(n)})
    if unknown:
        raise InvalidPattern(f"unknown placeholders: {', '.join('%' + n + '%' for n in unknown)}; "
                             f"known: {', '.join(sorted(PLACEHOLDERS))}")
    if pattern.startswith("%original_url%"):
        if pattern[len("%original_url%"):][:1] not in ("", "?", "&"):
            raise InvalidPattern("after %original_url% a pattern may only add query parameters (?a=b&c=d)")
        return pattern
    sample = urlsplit(_PLACEHOLDER.sub("x", pattern))
    if sample.scheme.lower() not in ("http", "https") or not sample.hostname:
        raise InvalidPattern("a pattern must start with %original_url% or be an absolute http(s) URL")
    return pattern


def normalise_pattern_host(hostname: str) -> str:
    """`Example.COM`, `https://example.com/page` -> `example.com`; `*` stays (any host)."""
    hostname = hostname.strip()
    if hostname == "*":
        return hostname
    host = (urlsplit(hostname).hostname if "://" in hostname else hostname.strip("/")) or ""
    host = host.lower()
    if not host or any(c.isspace() or c in "/?#%*" for c in host):
        raise InvalidPattern(f"not a hostname: {hostname!r} (or `*` for any host)")
    return host


def _pattern_row(engine: Engine, project: Project, hostname: str) -> RedirectionPattern | None:
    query = select(redirection_patterns).where(
        redirection_patterns.c.project_id == project.id, redirection_patterns.c.hostname == hostname
    )
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return None if row is None else RedirectionPattern(row["project_id"], row["hostname"], row["pattern"],
                                                       bool(row["enabled"]))


def set_pattern(engine: Engine, project: Project, hostname: str, pattern: str) -> RedirectionPattern:
    """Enable `pattern` for links whose original_url is on `hostname`, replacing the one it had (one per host).
    Applies to links created from now on: a link's redirect_url never changes."""
    hostname, pattern = normalise_pattern_host(hostname), check_pattern(pattern)
    where = (redirection_patterns.c.project_id == project.id, redirection_patterns.c.hostname == hostname)
    with engine.begin() as conn:
        changed = conn.execute(update(redirection_patterns).where(*where).values(pattern=pattern, enabled=True))
        if changed.rowcount == 0:
            try:
                with conn.begin_nested():
                    conn.execute(redirection_patterns.insert().values(
                        project_id=project.id, hostname=hostname, pattern=pattern, enabled=True))
            except IntegrityError:  # set concurrently: the update below makes ours the one that stays
                conn.execute(update(redirection_patterns).where(*where).values(pattern=pattern, enabled=True))
    return RedirectionPattern(project.id, hostname, pattern, True)


def list_patterns(engine: Engine, project: Project) -> list[RedirectionPattern]:
    query = (select(redirection_patterns).where(redirection_patterns.c.project_id == project.id)
             .order_by(redirection_patterns.c.hostname))
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [RedirectionPattern(r["project_id"], r["hostname"], r["pattern"], bool(r["enabled"])) for r in rows]


def disable_pattern(engine: Engine, project: Project, hostname: str) -> RedirectionPattern:
    """Stop applying the host's pattern to new links (kept, so `set` can bring it back)."""
    hostname = normalise_pattern_host(hostname)
    found = _pattern_row(engine, project, hostname)
    if found is None:
        raise PatternNotFound(f"project {project.name!r} has no pattern for {hostname}")
    with engine.begin() as conn:
        conn.execute(update(redirection_patterns).where(
            redirection_patterns.c.project_id == project.id, redirection_patterns.c.hostname == hostname
        ).values(enabled=False))
    return RedirectionPattern(found.project_id, found.hostname, found.pattern, False)
