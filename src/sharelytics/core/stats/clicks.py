"""Click counts per (time?, group, pivot) from the coarsest rollup that answers the question exactly.

- stat_days / stat_hours (project level) for the total, one dimension (link or click), or a kept pair of
  dimensions per day (core/stats/cube.PAIRS);
- click_days / click_hours joined to links for any other link dimension;
- click_facets (per link and hour) as soon as a click dimension (country, browser, ...) is involved;
- link_totals for all-time questions (totals, active, single links without dates).
Never the raw `clicks` table. The per-link rollups are keyed (project, time, link): a project's span is one index
range; the few links a per-link filter (awesm_id, user_id, ...) picks are read by key, their hours or days listed
(core/clicks/history.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    Table,
    and_,
    case,
    func,
    select,
)

from sharelytics.core.clicks import history
from sharelytics.core.stats.cube import pair_of
from sharelytics.core.stats.dimensions import (
    CUBE_DIMENSIONS,
    LINK_DIMENSIONS,
    STAT_DIMENSIONS,
    is_click_dimension,
    link_column,
)
from sharelytics.core.stats.model import Filter, Metrics, StatsQuery
from sharelytics.core.stats.shares import link_scope
from sharelytics.core.stats.sql import matches
from sharelytics.core.stats.timeline import STEPS, segments
from sharelytics.storage.tables import (
    click_days,
    click_facets,
    click_hours,
    domains,
    link_totals,
    links,
    stat_days,
    stat_hours,
)

Key = tuple[Any, ...]  # (time or None, group value, pivot value) — absent parts are None
COUNTS = ("humans", "bots", "unfurlers", "uniques")


@dataclass(frozen=True)
class Source:
    """One rollup table, how to read its time column, and whether link dimensions come from a join."""

    table: Table
    time_column: str | None  # None: all time (link_totals)
    joins_links: bool
    facets: bool = False
    stat: tuple[str, str] | None = None  # stat_hours / stat_days: the (a, b) dimensions read


# Rollups keyed (project_id, time, ...).
BY_PROJECT_TIME: Final = frozenset({click_days, click_hours, click_facets, stat_days, stat_hours})
# Link dimensions with about one value per link: a filter on one picks few links.
PICKING: Final = frozenset(LINK_DIMENSIONS) - CUBE_DIMENSIONS
MAX_PICKED = 2_000  # links read by key at most; more are read with the project's whole span
MAX_SEEKS = 100_000  # index seeks (links x hours or days) a statement may make instead of reading the span


def _dimensions(query: StatsQuery) -> set[str]:
    names = {f.dimension for f in query.filters}
    return names | {n for n in (query.group_by, query.pivot) if n}


def choose(query: StatsQuery, unit: str) -> Source:
    """The rollup for `unit` ("hour", "day" or "all") given the dimensions the query touches."""
    dims = _dimensions(query)
    if query.scope == "range" and unit != "all" and dims <= STAT_DIMENSIONS:
        table = stat_days if unit == "day" else stat_hours
        if len(dims) <= 1:
            return Source(table, unit, False, stat=(next(iter(dims), ""), ""))
        pair = pair_of(dims) if unit == "day" else None
        if pair is not None:
            return Source(table, unit, False, stat=pair)
    if any(is_click_dimension(d) for d in dims):
        return Source(click_facets, None if unit == "all" else "hour", True, facets=True)
    if unit == "all":
        return Source(link_totals, None, True)
    return Source(click_days if unit == "day" else click_hours, unit, True)


def _column(source: Source, name: str) -> ColumnElement[Any]:
    if source.stat is not None:
        return source.table.c.av if name == source.stat[0] else source.table.c.bv
    if is_click_dimension(name):
        return click_facets.c[name]
    if source.joins_links:
        return link_column(name)
    return source.table.c[name]


def _sums(source: Source) -> list[ColumnElement[Any]]:
    if source.facets:
        kinds = {"humans": "human", "bots": "bot", "unfurlers": "unfurler"}
        sums = [func.sum(case((click_facets.c.kind == kind, click_facets.c.clicks), else_=0)) for kind in kinds.values()]
        return [*sums, func.sum(click_facets.c.uniques)]
    return [func.sum(source.table.c[name]) for name in COUNTS]


def _from(source: Source, query: StatsQuery) -> FromClause:
    if not source.joins_links:
        return source.table
    joined = source.table.join(links, links.c.id == source.table.c.link_id)
    if "domain" in _dimensions(query):
        joined = joined.join(domains, domains.c.id == links.c.domain_id)
    return joined


def filter_clause(source: Source, filters: Iterable[Filter]) -> list[ColumnElement[bool]]:
    cube = not source.joins_links
    return [matches(_column(source, f.dimension), f.values, cube) for f in filters]


def _time(source: Source) -> ColumnElement[datetime]:
    return source.table.c[source.time_column]  # type: ignore[index]


def picked_links(
    conn: Connection, query: StatsQuery, restrict: dict[str, Sequence[Any]] | None = None
) -> list[int] | None:
    """The ids of the links a per-link dimension (awesm_id, user_id, ...) in the filters or `restrict` narrows the
    question to, when at most MAX_PICKED; None when nothing narrows it that much."""
    named = {f.dimension: f.values for f in query.filters if not is_click_dimension(f.dimension)}
    named.update({k: v for k, v in (restrict or {}).items() if not is_click_dimension(k)})
    if not PICKING & set(named):
        return None
    joined = links.join(domains, domains.c.id == links.c.domain_id) if "domain" in named else links
    return few_ids(conn, select(links.c.id).select_from(joined).where(
        links.c.project_id.in_(query.project_ids),
        *(matches(link_column(name), list(values), False) for name, values in named.items())))


def few_ids(conn: Connection, ids: Select[Any]) -> list[int] | None:
    """The ids the statement selects, when at most MAX_PICKED; None when more."""
    found = list(conn.execute(ids.limit(MAX_PICKED + 1)).scalars())
    return found if len(found) <= MAX_PICKED else None


def by_key(
    conn: Connection, table: Table, picked: list[int] | None, span: tuple[datetime, datetime] | None
) -> ColumnElement[bool] | None:
    """`picked` links' rows of `table` (click_hours, click_days, click_facets) in `span` (None: all time) as index
    seeks, their times listed; None when there are too many seeks (then the span is read)."""
    if picked is None or table not in (click_hours, click_days, click_facets):
        return None
    unit = "day" if table is click_days else "hour"
    span = span or history.span(conn, picked)
    if span is None:
        return table.c.link_id.in_([])  # no click, ever
    step = STEPS[unit]
    if len(picked) * ((span[1] - span[0]) // step + 1) > MAX_SEEKS:
        return None
    return and_(history.time_of(table).in_(history.moments(*span, unit)), table.c.link_id.in_(picked))


def statement(
    source: Source,
    query: StatsQuery,
    keys: Sequence[str | None],
    span: tuple[datetime, datetime] | None,
    by_time: bool,
    restrict: dict[str, Sequence[Any]] | None = None,
    links_where: Sequence[ColumnElement[bool]] = (),
    seeks: ColumnElement[bool] | None = None,
) -> Select[Any]:
    """The counts' statement; `seeks` (by_key) reads a few links' rows by key instead of the whole span."""
    # The rollup's own project_id when it has one: it leads their key, so the span is one index range.
    owner = source.table.c.project_id if source.table in BY_PROJECT_TIME else links.c.project_id
    where = [owner.in_(query.project_ids), *filter_clause(source, query.filters), *links_where]
    if source.stat is not None:
        where += [source.table.c.a == source.stat[0], source.table.c.b == source.stat[1]]
    if seeks is not None:
        where.append(seeks)
    elif span is not None:
        where += [_time(source) >= span[0], _time(source) < span[1]]
    for name, values in (restrict or {}).items():
        where.append(matches(_column(source, name), list(values), not source.joins_links))
    group_cols = [_time(source)] if by_time else []
    group_cols += [_column(source, k) for k in keys if k]
    return select(*group_cols, *_sums(source)).select_from(_from(source, query)).where(and_(*where)).group_by(*group_cols)


def _metrics(values: Sequence[Any]) -> Metrics:
    humans, bots, unfurlers, uniques = (int(v or 0) for v in values)
    return Metrics(clicks=humans, bots=bots, unfurlers=unfurlers, uniques=uniques)


def _collect(
    conn: Connection, stmt: Select[Any], by_time: bool, keys: Sequence[str | None], into: dict[Key, Metrics]
) -> None:
    width = (1 if by_time else 0) + sum(1 for k in keys if k)
    for row in conn.execute(stmt):
        moment = row[0] if by_time else None
        parts = list(row[1 if by_time else 0 : width])
        values = [(parts.pop(0) or None) if k else None for k in keys]  # the cube's "" is "none"
        key = (moment, *values)
        into.setdefault(key, Metrics(shares=None)).add(_metrics(row[width:]))


def click_counts(
    conn: Connection,
    query: StatsQuery,
    keys: Sequence[str | None],
    *,
    by_time: bool = False,
    restrict: dict[str, Sequence[Any]] | None = None,
) -> dict[Key, Metrics]:
    """Counts keyed by (time, group, pivot). With by_time the time is the rollup row's hour or day start."""
    result: dict[Key, Metrics] = {}
    picked = picked_links(conn, query, restrict)
    if query.scope != "range" or query.start is None or query.end is None:
        source = choose(query, "all")
        seeks = by_key(conn, source.table, picked, None)
        stmt = statement(source, query, keys, None, False, restrict, link_scope(query), seeks)
        _collect(conn, stmt, False, keys, result)
        return result
    for unit, a, b in segments(query.start, query.end, query.interval if by_time else None):
        source = choose(query, unit)
        stmt = statement(source, query, keys, (a, b), by_time, restrict, seeks=by_key(conn, source.table, picked, (a, b)))
        _collect(conn, stmt, by_time, keys, result)
    return result
