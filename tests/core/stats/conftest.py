"""A small world for stats: links with varied dimensions, clicks written through the real click writer, and an
independent oracle that answers the same questions from the raw records in plain Python."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, update

from sharelytics.core.clicks.classify import classify_agent, country_of
from sharelytics.core.clicks.journal import ClickRecord
from sharelytics.core.clicks.writer import ClickWriter
from sharelytics.core.links.create import NewLink, create_links
from sharelytics.core.links.domains import ensure_shared_domain
from sharelytics.core.links.model import Link, LinkMetadata
from sharelytics.core.links.tools import create_tool
from sharelytics.core.stats.share_rollup import link_fact, move_shares
from sharelytics.storage import tables as t
from tests.conftest import ProjectFixture

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.0 Mobile/15E148 Safari/604.1")
AGENTS = [CHROME, IPHONE, "Twitterbot/1.0", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"]
IPS = ["8.8.8.8", "81.2.69.142", "2a02:2e0::1", "1.1.1.1"]
EPOCH = datetime(2026, 3, 1)  # a Sunday; the world spans ten days from here
CLICK_TABLES = (t.clicks, t.click_hours, t.click_days, t.link_totals, t.link_visitors, t.stat_hours, t.stat_days,
                t.click_facets)


@dataclass(frozen=True)
class Fact:
    """One click as the oracle sees it."""

    link: Link
    at: datetime
    kind: str
    country: str | None
    visitor: tuple[str, str]


@dataclass
class World:
    engine: Engine
    project: ProjectFixture
    links: list[Link]
    facts: list[Fact]
    writer: ClickWriter

    def reset_clicks(self) -> None:
        with self.engine.begin() as conn:
            for table in CLICK_TABLES:
                conn.execute(delete(table))
        self.facts = []

    def click(self, specs: Sequence[tuple[int, int, int, int]]) -> None:
        """(link index, seconds after EPOCH, agent index, ip index) per click, written as one batch."""
        records = []
        for n, (link_index, seconds, agent, ip) in enumerate(specs):
            link = self.links[link_index % len(self.links)]
            at = EPOCH + timedelta(seconds=seconds)
            ua, address = AGENTS[agent % len(AGENTS)], IPS[ip % len(IPS)]
            records.append(ClickRecord(f"w{len(self.facts)}-{n}", link.id, link.project_id,
                                       at.replace(tzinfo=UTC).timestamp(), ua, address, None, None))
            self.facts.append(Fact(link, at, classify_agent(ua).kind, country_of(address), (address, ua)))
        self.writer.write(records)

    def set_created(self, link_index: int, at: datetime, shared_at: datetime | None = None) -> None:
        link = self.links[link_index]
        with self.engine.begin() as conn:
            before = link_fact(conn, link.id)
            conn.execute(update(t.links).where(t.links.c.id == link.id)
                         .values(created_at=at, service_postid_shared_at=shared_at))
            assert before is not None
            move_shares(conn, before, link_fact(conn, link.id))  # as url/update keeps the share rollups

    # --- the oracle ---

    def first_visits(self) -> set[int]:
        """Indexes of the facts that were a human visitor's first click on their link."""
        seen: set[tuple[int, tuple[str, str]]] = set()
        firsts: set[int] = set()
        for index, fact in sorted(enumerate(self.facts), key=lambda item: item[1].at):
            key = (fact.link.id, fact.visitor)
            if fact.kind == "human" and key not in seen:
                seen.add(key)
                firsts.add(index)
        return firsts

    def count(self, start: datetime | None, end: datetime | None, key: Callable[[Fact], Any] = lambda f: None,
              where: Callable[[Fact], bool] = lambda f: True) -> dict[Any, Counter[str]]:
        firsts = self.first_visits()
        out: dict[Any, Counter[str]] = {}
        for index, fact in enumerate(self.facts):
            if (start is None or start <= fact.at < end) and where(fact):  # type: ignore[operator]
                counts = out.setdefault(key(fact), Counter())
                counts[fact.kind] += 1
                if index in firsts:
                    counts["unique"] += 1
        return out


LINK_SPECS = [
    ("twitter", "alpha", "spring", "u1"),
    ("twitter", "beta", None, "u2"),
    ("facebook-post", "alpha", "spring", None),
    ("email", None, "autumn", "u1"),
    ("test123", "beta", None, "u3"),
]


@pytest.fixture
def world(engine: Engine, project: ProjectFixture) -> World:
    domain = ensure_shared_domain(engine, "sl.test")
    other_tool = create_tool(engine, project.project, "Widgets", "Share Bar")
    items = [NewLink(f"https://example.com/{n}", LinkMetadata(channel=channel, tag=tag, campaign=campaign,
                                                              user_id=user))
             for n, (channel, tag, campaign, user) in enumerate(LINK_SPECS)]
    made = create_links(engine, project.project, project.tool, domain, items[:3])
    made += create_links(engine, project.project, other_tool, domain, items[3:])
    return World(engine, project, made, [], ClickWriter(engine, "test-secret"))
