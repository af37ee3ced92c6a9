"""Shares: links created (or, for totals, shared: service_postid_shared_at wins over created_at) in the range,
grouped like the clicks; and the link sets that totals and active are about."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.engine import Dialect

from sharelytics.core.stats import timeline
from sharelytics.core.stats.dimensions import is_click_dimension, link_column
from sharelytics.core.stats.model import Metrics, StatsQuery
from sharelytics.core.stats.sql import as_datetime, hour_floor, matches
from sharelytics.storage.tables import click_days, click_hours, domains, links

Key = tuple[Any, ...]


def shared_at() -> ColumnElement[datetime]:
    return func.coalesce(links.c.service_postid_shared_at, links.c.created_at)


def _active_in(start: datetime, end: datetime) -> ColumnElement[bool]:
    """The link had a click (of any kind) in [start, end): read from the day and hour rollups."""
    clauses = []
    for unit, a, b in _split(start, end):
        table = click_days if unit == "day" else click_hours
        column = table.c.day if unit == "day" else table.c.hour
        clauses.append(exists().where(table.c.link_id == links.c.id, column >= a, column < b))
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
        return [shared_at() >= query.start, shared_at() < query.end]
    return [_active_in(query.start, query.end)]


def _statement(query: StatsQuery, keys: Sequence[str | None], by_time: bool, dialect: Dialect,
               restrict: dict[str, Sequence[Any]] | None) -> Select[Any]:
    when = links.c.created_at if query.scope == "range" else shared_at()
    where: list[ColumnElement[bool]] = [links.c.project_id.in_(query.project_ids)]
    if query.start is not None and query.end is not None:
        if query.scope == "active":
            where += link_scope(query)
        else:
            where += [when >= query.start, when < query.end]
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


def share_counts(
    conn: Connection,
    query: StatsQuery,
    keys: Sequence[str | None],
    *,
    by_time: bool = False,
    restrict: dict[str, Sequence[Any]] | None = None,
) -> dict[Key, Metrics]:
    """Shares keyed like click_counts: (creation hour or None, group, pivot)."""
    if any(k and is_click_dimension(k) for k in keys):
        return {}  # a click's country says nothing about shares: they are reported as null
    result: dict[Key, Metrics] = {}
    width = (1 if by_time else 0) + sum(1 for k in keys if k)
    for row in conn.execute(_statement(query, keys, by_time, conn.dialect, restrict)):
        moment = as_datetime(row[0]) if by_time else None
        parts = list(row[1 if by_time else 0 : width])
        key = (moment, *[parts.pop(0) if k else None for k in keys])
        count, latest = row[width], row[width + 1]
        result[key] = Metrics(shares=int(count), shared_at=as_datetime(latest) if latest else None)
    return result
