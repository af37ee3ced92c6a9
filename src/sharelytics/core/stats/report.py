"""Answering a StatsQuery: totals, groups (sorted and paged), pivots, intervals and metadata."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from sharelytics.core.stats import ranking, timeline
from sharelytics.core.stats.conversions import conversion_counts
from sharelytics.core.stats.dimensions import is_click_dimension
from sharelytics.core.stats.lifetime import clicks_of
from sharelytics.core.stats.metadata import group_metadata
from sharelytics.core.stats.model import (
    MAX_PER_PAGE,
    Bucket,
    Group,
    Metrics,
    Report,
    StatsQuery,
)
from sharelytics.core.stats.shares import share_counts
from sharelytics.storage.engine import read_only

Key = tuple[Any, ...]


def _counts(conn: Connection, query: StatsQuery, keys: Sequence[str | None], *, by_time: bool = False,
            restrict: dict[str, Sequence[Any]] | None = None) -> dict[Key, Metrics]:
    """Clicks, shares and (when asked) conversions, merged under one key space."""
    merged: dict[Key, Metrics] = {}
    sources = [clicks_of(conn, query, keys, by_time=by_time, restrict=restrict),
               share_counts(conn, query, keys, by_time=by_time, restrict=restrict)]
    if query.with_conversions:
        sources.append(conversion_counts(conn, query, keys, by_time=by_time, restrict=restrict))
    no_shares = any(k and is_click_dimension(k) for k in keys)
    for counts in sources:
        for key, metrics in counts.items():
            merged.setdefault(key, Metrics(shares=None if no_shares else 0)).add(metrics)
    return merged


def _sort_key(sort_type: str | None) -> Callable[[Group], Any]:
    def key(group: Group) -> Any:
        m = group.metrics
        if sort_type == "shares":
            return m.shares or 0
        if sort_type == "clicks_per_share":  # the exact ratio (the rounded one is for display), as ranking.py
            return m.clicks / m.shares if m.shares else 0.0
        if sort_type == "shared_at":
            return m.shared_at or datetime.min
        if sort_type == "conversions":
            return m.conversion_count
        return m.clicks

    return key


def _sorted(groups: list[Group], sort_type: str | None, sort_order: str | None) -> list[Group]:
    # Stable: ties keep the order of their values, so pages never overlap.
    groups = sorted(groups, key=lambda g: (g.value is None, str(g.value)))
    return sorted(groups, key=_sort_key(sort_type), reverse=(sort_order or "desc") != "asc")


def _bucketed(query: StatsQuery, rows: dict[Key, Metrics], position: int) -> dict[Any, list[Bucket]]:
    """Rows keyed (time, group, pivot) -> per value at `position`, a list of buckets of the query's interval."""
    assert query.start is not None and query.end is not None and query.interval is not None
    spans = timeline.intervals(query.start, query.end, query.interval)
    starts = [a for a, _ in spans]
    out: dict[Any, list[Bucket]] = {}
    for key, metrics in rows.items():
        moment = key[0]
        index = bisect_right(starts, moment) - 1
        if index < 0 or moment >= spans[index][1]:
            continue
        value = key[position] if position else None
        buckets = out.get(value)
        if buckets is None:
            buckets = out[value] = [Bucket(a, b, Metrics(shares=None if metrics.shares is None else 0)) for a, b in spans]
        buckets[index].metrics.add(metrics)
    if not query.with_zeros:
        out = {v: [b for b in bs if _active(b.metrics)] for v, bs in out.items()}
    return out


def _active(m: Metrics) -> bool:
    return bool(m.clicks or m.bots or m.unfurlers or m.shares or m.conversions)


def _groups(counts: dict[Key, Metrics], position: int) -> list[Group]:
    return [Group(value=key[position], metrics=m) for key, m in counts.items() if _active(m)]


def _page(query: StatsQuery) -> tuple[int, int]:
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    if query.first is not None:
        return max(0, query.first), per_page
    return (max(1, query.page or 1) - 1) * per_page, per_page


def build_report(engine: Engine, query: StatsQuery) -> Report:
    with read_only(engine).connect() as conn:
        return _report(conn, query)


def _total_of(counts: dict[Key, Metrics]) -> Metrics:
    """The sum of every group of a link dimension: each link (so each of its clicks) has exactly one value of it,
    None included."""
    total = Metrics(shares=0)
    for metrics in counts.values():
        total.add(metrics)
    return total


def _report(conn: Connection, query: StatsQuery) -> Report:
    ranked = bool(query.group_by) and ranking.answers(query)  # a per-link grouping: the page comes from SQL
    # The pivot does not change a group's counts: left out, the group's rollup choice is not a pair's.
    grouped = _counts(conn, replace(query, pivot=None), [query.group_by]) if query.group_by and not ranked else None
    if grouped is not None and not is_click_dimension(query.group_by or ""):
        totals = _total_of(grouped)  # one pass over the rollups instead of two
    else:  # without the group: a per-link group_by would send the clicks rollup choice to per-link rows
        totals = _counts(conn, replace(query, group_by=None, pivot=None), [None]).get((None, None), Metrics())
    intervals = None
    if query.interval:
        rows = _counts(conn, query, [None], by_time=True)
        intervals = _bucketed(query, rows, 0).get(None) or _empty_buckets(query)
    if not query.group_by:
        return Report(query, totals, [], 0, 0, intervals)
    first, per_page = _page(query)
    if grouped is None:
        page, total_results = ranking.ranked_page(conn, query, first, per_page)
    else:
        groups = _sorted(_groups(grouped, 1), query.sort_type, query.sort_order)
        page, total_results = groups[first : first + per_page], len(groups)
    values = [g.value for g in page]
    # Narrow the pivot and interval questions to the page's values, unless the page holds every group (then the
    # IN list only costs: on SQLite it made the pivot's shares scan three times slower).
    restrict = {query.group_by: values} if len(page) < total_results else None
    if page and query.pivot:
        _attach_pivots(conn, query, page, restrict)
    if page and query.interval:
        rows = _counts(conn, query, [query.group_by], by_time=True, restrict=restrict)
        per_group = _bucketed(query, rows, 1)
        for group in page:
            group.intervals = per_group.get(group.value) or _empty_buckets(query)
    if page and query.with_metadata:
        found = group_metadata(conn, query, query.group_by, values)
        for group in page:
            group.metadata = found.get(group.value)
    return Report(query, totals, page, total_results, first, intervals)


def _attach_pivots(conn: Connection, query: StatsQuery, page: list[Group],
                   restrict: dict[str, Sequence[Any]] | None) -> None:
    counts = _counts(conn, query, [query.group_by, query.pivot], restrict=restrict)
    by_group: dict[Any, list[Group]] = {}
    for key, metrics in counts.items():
        if _active(metrics):
            by_group.setdefault(key[1], []).append(Group(value=key[2], metrics=metrics))
    for group in page:
        group.pivots = _sorted(by_group.get(group.value, []), query.pivot_sort_type, query.pivot_sort_order)
    if query.with_metadata and query.pivot:
        pivots = [p for group in page for p in group.pivots or []]
        found = group_metadata(conn, query, query.pivot, sorted({p.value for p in pivots if p.value is not None}))
        for item in pivots:
            item.metadata = found.get(item.value)


def _empty_buckets(query: StatsQuery) -> list[Bucket]:
    if not query.with_zeros:
        return []
    assert query.start is not None and query.end is not None and query.interval is not None
    return [Bucket(a, b, Metrics()) for a, b in timeline.intervals(query.start, query.end, query.interval)]
