"""The dimensions stats can filter, group and pivot on, and where each one lives.

Link dimensions are attributes of the link (joined from `links`); click dimensions are attributes of each click
(stored in `click_facets`). Stat dimensions are the low-cardinality link dimensions and the click dimensions kept in the
project-level `stat_hours` / `stat_days` rollups, so the common questions never touch per-link rows.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from sharelytics.storage.tables import STAT_DIMENSIONS as _STAT_DIMENSIONS
from sharelytics.storage.tables import click_facets, domains, links

LINK_DIMENSIONS: tuple[str, ...] = (
    "application", "awesm_id", "campaign", "channel", "domain", "original_url", "parent", "service",
    "service_postid", "service_userid", "sharer_id", "tag", "tool", "user_id",
)
CLICK_DIMENSIONS: tuple[str, ...] = ("referrer_host", "country", "browser", "os", "device")
CUBE_DIMENSIONS: frozenset[str] = frozenset({"application", "campaign", "channel", "domain", "service", "tag", "tool"})
# The dimensions the project-level stat rollups keep, singly (and some pairs: core/stats/cube.PAIRS).
STAT_DIMENSIONS: frozenset[str] = frozenset(_STAT_DIMENSIONS)
DIMENSIONS: tuple[str, ...] = LINK_DIMENSIONS + CLICK_DIMENSIONS
# Accepted spellings of click dimensions.
ALIASES = {"referrer": "referrer_host", "referer": "referrer_host", "country_code": "country"}


def canonical(name: str) -> str | None:
    name = ALIASES.get(name, name)
    return name if name in DIMENSIONS else None


def is_click_dimension(name: str) -> bool:
    return name in CLICK_DIMENSIONS


def link_column(name: str) -> ColumnElement[str]:
    """The SQL expression of a link dimension (the domain is its hostname, as in awesm_id)."""
    if name == "domain":
        return domains.c.hostname
    return links.c[name]


def facet_column(name: str) -> ColumnElement[str]:
    return click_facets.c[name]
