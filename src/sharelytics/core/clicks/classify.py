"""Classifying a click: who fetched the link (human, bot or link-preview unfurler), with what, from where.

Everything here is pure and cached per input string, so the writer pays for ua-parser and crawlerdetect once per
distinct User-Agent, not once per click.
"""

from __future__ import annotations

import re
import socket
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from urllib.parse import urlsplit

import iptocc
from crawlerdetect import CrawlerDetect
from ua_parser import parse as parse_user_agent

from sharelytics.core.clicks.privacy import parse_ip

HUMAN, BOT, UNFURLER = "human", "bot", "unfurler"
KINDS = (HUMAN, BOT, UNFURLER)

MAX_NAME = 100  # agent, browser, os and device columns
MAX_HOST = 255
MAX_LANGUAGE_TAG = 35  # the longest registered BCP 47 tags fit
# ua-parser's name for "not recognised": stored as unknown instead.
UNKNOWN_FAMILY = "Other"


@dataclass(frozen=True, slots=True)
class AgentInfo:
    kind: str
    agent_name: str | None
    browser: str | None
    os: str | None
    device: str | None


def _load_unfurlers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    text = files("sharelytics.core.clicks").joinpath("unfurlers.txt").read_text(encoding="utf-8")
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, pattern = line.partition(":")
        entries.append((name.strip(), re.compile(pattern.strip(), re.IGNORECASE)))
    return tuple(entries)


UNFURLERS = _load_unfurlers()

# CrawlerDetect keeps the last match on the instance: one instance, used under a lock.
_crawlers = CrawlerDetect()
_crawlers_lock = threading.Lock()


def unfurler_name(user_agent: str) -> str | None:
    for name, pattern in UNFURLERS:
        if pattern.search(user_agent):
            return name
    return None


def bot_name(user_agent: str) -> str | None:
    with _crawlers_lock:
        if not _crawlers.isCrawler(user_agent):
            return None
        return (_crawlers.getMatches() or "bot")[:MAX_NAME]


def _family(value: str | None) -> str | None:
    if not value or value == UNKNOWN_FAMILY:
        return None
    return value[:MAX_NAME]


@lru_cache(maxsize=65_536)
def classify_agent(user_agent: str | None) -> AgentInfo:
    """Kind and agent (unfurler list first, then crawlerdetect), plus browser, OS and device from ua-parser.

    A request without a User-Agent is counted as a bot: every browser sends one.
    """
    if not user_agent or not user_agent.strip():
        return AgentInfo(BOT, None, None, None, None)
    parsed = parse_user_agent(user_agent)
    browser = _family(parsed.user_agent.family if parsed.user_agent else None)
    os_name = _family(parsed.os.family if parsed.os else None)
    device = _family(parsed.device.family if parsed.device else None)
    if (name := unfurler_name(user_agent)) is not None:
        return AgentInfo(UNFURLER, name, browser, os_name, device)
    if (name := bot_name(user_agent)) is not None:
        return AgentInfo(BOT, name, browser, os_name, device)
    return AgentInfo(HUMAN, None, browser, os_name, device)


@lru_cache(maxsize=16_384)
def referrer_host(referrer: str | None) -> str | None:
    """Lower-cased host of the referrer without port; None for a direct visit or an unparseable referrer."""
    if not referrer:
        return None
    try:
        host = urlsplit(referrer.strip()).hostname
    except ValueError:
        return None
    return host[:MAX_HOST] if host else None


@lru_cache(maxsize=4_096)
def first_language(accept_language: str | None) -> str | None:
    """`en-US,en;q=0.9` -> `en-US`: the client's preferred tag, bounded; None when absent or a wildcard."""
    if not accept_language:
        return None
    tag = accept_language.split(",", 1)[0].split(";", 1)[0].strip()
    if not tag or tag == "*":
        return None
    return tag[:MAX_LANGUAGE_TAG]


def country_of(ip: str | None) -> str | None:
    """ISO 3166 alpha-2 code from iptocc's offline database, on the raw IP (before the privacy mode)."""
    if ip:
        try:  # IPv4, the common case: canonical text straight from the packed form
            text = socket.inet_ntop(socket.AF_INET, socket.inet_pton(socket.AF_INET, ip.strip()))
        except OSError:
            pass
        else:
            code = iptocc.country_code(text)
            return code if code and len(code) == 2 else None
    address = parse_ip(ip)
    if address is None:
        return None
    code = iptocc.country_code(str(address))
    return code if code and len(code) == 2 else None
