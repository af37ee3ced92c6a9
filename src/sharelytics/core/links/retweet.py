"""Retweet: every `http://` link in a text becomes a tracked link, and the text comes back with them substituted.

awe.sm: "Only links with a leading http:// will be recognized." One link per distinct URL, all created in one
transaction; a URL that is not a usable link (no host, too long) is left in the text untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine

from sharelytics.core.links import metadata as rules
from sharelytics.core.links.create import NewLink, create_links_in
from sharelytics.core.links.domains import Domain
from sharelytics.core.links.model import InvalidMetadata, InvalidUrl, Link, LinkMetadata
from sharelytics.core.links.tools import Tool
from sharelytics.core.projects.model import Project

MAX_TEXT = 10_000
MAX_LINKS = 50
# Not preceded by a letter, digit or slash (so `xhttp://` and `…/http://` are not links); runs to whitespace.
_LINK = re.compile(r"(?<![\w/])http://[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"»”’"


@dataclass(frozen=True)
class RetweetResult:
    text: str
    links: list[Link]


def _trim(candidate: str) -> str:
    """Drop sentence punctuation after a URL, and a closing bracket the URL did not open."""
    while candidate:
        last = candidate[-1]
        if last in _TRAILING:
            candidate = candidate[:-1]
        elif last in ")]}" and candidate.count("([{"[")]}".index(last)]) < candidate.count(last):
            candidate = candidate[:-1]
        else:
            break
    return candidate


def find_links(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) of every recognised link, in order."""
    found = []
    for match in _LINK.finditer(text):
        url = _trim(match.group(0))
        try:
            rules.check_url(url)
        except InvalidUrl:
            continue
        found.append((match.start(), match.start() + len(url), url))
    return found


def retweet(engine: Engine, project: Project, tool: Tool, domain: Domain, text: str, meta: LinkMetadata) -> RetweetResult:
    if len(text) > MAX_TEXT:
        raise InvalidMetadata(f"text is longer than {MAX_TEXT} characters", "text")
    spans = find_links(text)
    distinct = list(dict.fromkeys(url for _, _, url in spans))
    if len(distinct) > MAX_LINKS:
        raise InvalidMetadata(f"text has more than {MAX_LINKS} links", "text")
    if not distinct:
        return RetweetResult(text, [])
    with engine.begin() as conn:
        created = create_links_in(conn, project, tool, domain, [NewLink(url, meta) for url in distinct])
    short = {url: link.awesm_url for url, link in zip(distinct, created)}
    pieces, cursor = [], 0
    for start, end, url in spans:
        pieces += [text[cursor:start], short[url]]
        cursor = end
    pieces.append(text[cursor:])
    return RetweetResult("".join(pieces), created)
