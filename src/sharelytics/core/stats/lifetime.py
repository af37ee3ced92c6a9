"""All-time clicks of the links shared in a range (the totals scope, and range questions without dates) from the
project-level rollups, so a 30-day totals over a 30-day-old project does not join `link_totals` to every link.

The all-time clicks per link dimension value (or kept pair) are the sum of `stat_days`; the links shared in the
range have them minus the all-time clicks of the links shared outside it. Whichever side has fewer links is read
per link (the share rollups count both sides cheaply), so the per-link part is at most half the project's links.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, Connection

from sharelytics.core.stats.clicks import Source, click_counts, statement
from sharelytics.core.stats.cube import pair_of
from sharelytics.core.stats.model import Metrics, StatsQuery
from sharelytics.core.stats.share_rollup import basis_outside
from sharelytics.core.stats.shares import share_counts
from sharelytics.storage.tables import CUBE_COLUMNS, link_totals, stat_days

Key = tuple[Any, ...]


def _stat_source(query: StatsQuery, keys: Sequence[str | None],
                 restrict: dict[str, Sequence[Any]] | None) -> Source | None:
    """stat_days read over all time, when its cells answer the dimensions exactly (link dimensions only: the
    links outside the range are subtracted per link, from link_totals)."""
    dims = {f.dimension for f in query.filters} | set(restrict or {}) | {k for k in keys if k}
    if not dims <= set(CUBE_COLUMNS):
        return None
    if len(dims) <= 1:
        return Source(stat_days, "day", False, stat=(next(iter(dims), ""), ""))
    pair = pair_of(dims)
    return Source(stat_days, "day", False, stat=pair) if pair is not None else None


def _read(conn: Connection, source: Source, query: StatsQuery, keys: Sequence[str | None],
          restrict: dict[str, Sequence[Any]] | None, links_where: Sequence[ColumnElement[bool]] = (),
          sign: int = 1, into: dict[Key, Metrics] | None = None) -> dict[Key, Metrics]:
    into = {} if into is None else into
    width = sum(1 for k in keys if k)
    for row in conn.execute(statement(source, query, keys, None, False, restrict, links_where)):
        parts = list(row[:width])
        key = (None, *[(parts.pop(0) or None) if k else None for k in keys])  # the rollups' "" is "none"
        humans, bots, unfurlers, uniques = (sign * int(v or 0) for v in row[width:])
        into.setdefault(key, Metrics(shares=None)).add(Metrics(clicks=humans, bots=bots, unfurlers=unfurlers,
                                                               uniques=uniques, shares=None))
    return into


def _links_shared(conn: Connection, query: StatsQuery) -> int:
    counts = share_counts(conn, replace(query, filters=(), scope="totals"), [None])
    return sum(m.shares or 0 for m in counts.values())


def lifetime_counts(conn: Connection, query: StatsQuery, keys: Sequence[str | None],
                    restrict: dict[str, Sequence[Any]] | None) -> dict[Key, Metrics] | None:
    """The clicks of an all-time question from stat_days, or None when the per-link path is as cheap or the
    only exact one."""
    dated = query.start is not None and query.end is not None
    if query.scope == "active" or (query.scope == "range" and dated):
        return None
    source = _stat_source(query, keys, restrict)
    if source is None:
        return None
    if not dated:
        return _read(conn, source, query, keys, restrict)
    inside = _links_shared(conn, query)
    outside = _links_shared(conn, replace(query, start=None, end=None)) - inside
    if inside <= outside or query.start is None or query.end is None:
        return None  # the links shared in the range are the smaller set: sum them directly
    everything = _read(conn, source, query, keys, restrict)
    per_link = Source(link_totals, None, True)
    return _read(conn, per_link, query, keys, restrict, [basis_outside("shared", query.start, query.end)], -1, everything)


def clicks_of(conn: Connection, query: StatsQuery, keys: Sequence[str | None], *, by_time: bool = False,
              restrict: dict[str, Sequence[Any]] | None = None) -> dict[Key, Metrics]:
    """click_counts, with all-time questions over link dimensions answered from the rollups."""
    if not by_time:
        found = lifetime_counts(conn, query, keys, restrict)
        if found is not None:
            return found
    return click_counts(conn, query, keys, by_time=by_time, restrict=restrict)
