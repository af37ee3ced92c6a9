"""Conversion counts and values per (time?, group, pivot), from the hourly conversion rollup joined to links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, select

from sharelytics.core.stats.dimensions import is_click_dimension, link_column
from sharelytics.core.stats.model import Metrics, StatsQuery
from sharelytics.core.stats.shares import link_scope
from sharelytics.core.stats.sql import matches
from sharelytics.storage.tables import conversion_hours, domains, links

Key = tuple[Any, ...]


def conversion_counts(
    conn: Connection,
    query: StatsQuery,
    keys: Sequence[str | None],
    *,
    by_time: bool = False,
    restrict: dict[str, Sequence[Any]] | None = None,
) -> dict[Key, Metrics]:
    if any(k and is_click_dimension(k) for k in keys):
        return {}  # conversions are not tied to a click's country or browser
    where: list[ColumnElement[bool]] = [links.c.project_id.in_(query.project_ids)]
    if query.scope == "range" and query.start is not None and query.end is not None:
        where += [conversion_hours.c.hour >= query.start, conversion_hours.c.hour < query.end]
    else:
        where += link_scope(query)
    for item in query.filters:
        if not is_click_dimension(item.dimension):
            where.append(matches(link_column(item.dimension), item.values, cube=False))
    for name, values in (restrict or {}).items():
        where.append(matches(link_column(name), list(values), cube=False))
    group_cols: list[ColumnElement[Any]] = [conversion_hours.c.hour] if by_time else []
    group_cols += [link_column(k) for k in keys if k]
    source = conversion_hours.join(links, links.c.id == conversion_hours.c.link_id).join(
        domains, domains.c.id == links.c.domain_id
    )
    stmt = (
        select(*group_cols, conversion_hours.c.type, func.sum(conversion_hours.c.conversions),
               func.sum(conversion_hours.c.value))
        .select_from(source)
        .where(and_(*where))
        .group_by(*group_cols, conversion_hours.c.type)
    )
    width = len(group_cols)
    result: dict[Key, Metrics] = {}
    for row in conn.execute(stmt):
        moment = row[0] if by_time else None
        parts = list(row[1 if by_time else 0 : width])
        key = (moment, *[parts.pop(0) if k else None for k in keys])
        kind, count, value = row[width], int(row[width + 1] or 0), int(row[width + 2] or 0)
        metrics = result.setdefault(key, Metrics(shares=None))
        metrics.conversions[kind] = [count, value]
    return result
