"""Shares: links created (or, for totals, shared: service_postid_shared_at wins over created_at) in the range,
grouped like the clicks; and the link sets that totals and active are about.

Read from the share rollups (share_hours, share_days: core/stats/share_rollup.py) when they answer the question
exactly: no dimension or one link dimension (hours and days), a kept pair (whole days). Anything else (a per-link
dimension such as user_id, a pair over edge hours, the active scope) counts `links` rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.engine import Dialect

from sharelytics.core.stats import timeline
from sharelytics.core.stats.cube import pair_of
from sharelytics.core.stats.dimensions import is_click_dimension, link_column
from sharelytics.core.stats.model import Metrics, StatsQuery
from sharelytics.core.stats.share_rollup import SHARE_PAIRS, basis_between
from sharelytics.core.stats.sql import as_datetime, hour_floor, matches
from sharelytics.storage.tables import CUBE_COLUMNS, click_days, click_hours, domains, links, share_days, share_hours

Key = tuple[Any, ...]
Span = tuple[datetime, datetime] | None


def shared_at() -> ColumnElement[datetime]:
    return func.coalesce(links.c.service_postid_shared_at, links.c.created_at)


def _active_in(project_ids: Sequence[int], start: datetime, end: datetime) -> ColumnElement[bool]:
    """The link had a click (of any kind) in [start, end): its id is among the day and hour rollups' rows of the
    span (read as the index ranges they are keyed by: project, time)."""
    clauses = []
    for unit, a, b in _split(start, end):
        table = click_days if unit == "day" else click_hours
        column = table.c.day if unit == "day" else table.c.hour
        clauses.append(links.c.id.in_(select(table.c.link_id).where(table.c.project_id.in_(project_ids),
                                                                     column >= a, column < b)))
    return or_(*clauses)


def _split(start: datetime, end: datetime) -> list[tuple[str, datetime, datetime]]:
    cut = timeline.split(start, end)
    parts = [("hour", a, b) for a, b in cut.hours]
    return parts + ([("day", *cut.days)] if cut.days else [])


def link_scope(query: StatsQuery) -> list[ColumnElement[bool]]:
    """Which links a totals or active question is about (range questions select by time on the rollups)."""
    if query.start is None or query.end is None or query.scope == "range":
        return []
    if query.scope == "totals":
        return [basis_between("shared", query.start, query.end)]
    return [_active_in(query.project_ids, query.start, query.end)]


def _basis(query: StatsQuery) -> str:
    return "created" if query.scope == "range" else "shared"


def _dimensions(query: StatsQuery, keys: Sequence[str | None], restrict: dict[str, Sequence[Any]] | None) -> set[str]:
    """The link dimensions a shares question touches: click-dimension filters narrow clicks, not shares."""
    named = {f.dimension for f in query.filters if not is_click_dimension(f.dimension)}
    return named | set(restrict or {}) | {k for k in keys if k}


def _rollup(dims: set[str], unit: str) -> tuple[Table, tuple[str, str]] | None:
    """The share rollup and (a, b) cells that answer `dims` over a span of `unit` ("hour", "day", "all")."""
    if not dims <= set(CUBE_COLUMNS):
        return None
    table = share_hours if unit == "hour" else share_days
    if len(dims) <= 1:
        return table, (next(iter(dims), ""), "")
    pair = pair_of(dims) if unit != "hour" else None
    return (share_days, pair) if pair in SHARE_PAIRS else None


def _rollup_statement(table: Table, ab: tuple[str, str], query: StatsQuery, keys: Sequence[str | None], span: Span,
                      by_time: bool, restrict: dict[str, Sequence[Any]] | None) -> Select[Any]:
    def column(name: str) -> ColumnElement[Any]:
        return table.c.av if name == ab[0] else table.c.bv

    time = table.c.hour if table is share_hours else table.c.day
    where = [table.c.project_id.in_(query.project_ids), table.c.basis == _basis(query), table.c.a == ab[0],
             table.c.b == ab[1]]
    if span is not None:
        where += [time >= span[0], time < span[1]]
    for item in query.filters:
        if not is_click_dimension(item.dimension):
            where.append(matches(column(item.dimension), item.values, cube=True))
    for name, values in (restrict or {}).items():
        where.append(matches(column(name), values, cube=True))
    group_cols = ([time] if by_time else []) + [column(k) for k in keys if k]
    return (select(*group_cols, func.sum(table.c.links), func.max(table.c.latest))
            .where(and_(*where)).group_by(*group_cols))


def _links_statement(query: StatsQuery, keys: Sequence[str | None], span: Span, by_time: bool, dialect: Dialect,
                     restrict: dict[str, Sequence[Any]] | None) -> Select[Any]:
    when = links.c.created_at if query.scope == "range" else shared_at()
    where: list[ColumnElement[bool]] = [links.c.project_id.in_(query.project_ids)]
    if query.scope == "active":
        where += link_scope(query)
    elif span is not None:
        where.append(basis_between(_basis(query), *span))
    for item in query.filters:  # click-dimension filters narrow clicks, not which links were shared
        if not is_click_dimension(item.dimension):
            where.append(link_column(item.dimension).in_(list(item.values)))
    for name, values in (restrict or {}).items():
        where.append(matches(link_column(name), list(values), cube=False))
    group_cols: list[ColumnElement[Any]] = [hour_floor(when, dialect)] if by_time else []
    group_cols += [link_column(k) for k in keys if k]
    named = {f.dimension for f in query.filters} | set(restrict or {}) | {k for k in keys if k}
    # Every link has a domain (domain_id is NOT NULL): the join only when the domain is asked about, so the
    # count can come from ix_links_project_created_dims alone.
    source = links.join(domains, domains.c.id == links.c.domain_id) if "domain" in named else links
    return (
        select(*group_cols, func.count(), func.max(shared_at()))
        .select_from(source)
        .where(and_(*where))
        .group_by(*group_cols)
    )


def _spans(query: StatsQuery, by_time: bool) -> list[tuple[str, Span]]:
    """(unit, span) pieces of the question: whole UTC days and edge hours, or all time."""
    if query.start is None or query.end is None or query.scope == "active":
        return [("all", None if query.start is None or query.end is None else (query.start, query.end))]
    return [(unit, (a, b)) for unit, a, b in timeline.segments(query.start, query.end,
                                                               query.interval if by_time else None)]


def share_counts(
    conn: Connection,
    query: StatsQuery,
    keys: Sequence[str | None],
    *,
    by_time: bool = False,
    restrict: dict[str, Sequence[Any]] | None = None,
) -> dict[Key, Metrics]:
    """Shares keyed like click_counts: (creation hour or day or None, group, pivot)."""
    if any(k and is_click_dimension(k) for k in keys):
        return {}  # a click's country says nothing about shares: they are reported as null
    result: dict[Key, Metrics] = {}
    width = (1 if by_time else 0) + sum(1 for k in keys if k)
    dims = _dimensions(query, keys, restrict)
    for unit, span in _spans(query, by_time):
        found = None if query.scope == "active" else _rollup(dims, unit)
        if found is not None:
            stmt = _rollup_statement(*found, query, keys, span, by_time, restrict)
        else:
            stmt = _links_statement(query, keys, span, by_time, conn.dialect, restrict)
        for row in conn.execute(stmt):
            moment = as_datetime(row[0]) if by_time else None
            parts = list(row[1 if by_time else 0 : width])
            key = (moment, *[(parts.pop(0) or None) if k else None for k in keys])  # the rollups' "" is "none"
            count, latest = row[width], row[width + 1]
            metrics = Metrics(shares=int(count or 0), shared_at=as_datetime(latest) if latest else None)
            result.setdefault(key, Metrics()).add(metrics)
    return result
