"""Rollups of stored clicks, added in the transaction that stores the clicks they count:

- `click_hours` / `click_days`: per link per hour / UTC day (humans, bots, unfurlers, uniques);
- `link_totals`: per link, all time, with the first and last click;
- `click_facets`: per link, hour and combination of click dimensions (kind, country, referrer host, browser, ...);
- `stat_hours` / `stat_days`: per project, the total and per single dimension value (link or click dimension),
  and per day for the pairs of dimensions in `core/stats/cube.PAIRS` (core/stats/cube.py).

Counts are aggregated in Python first (plain tuples, the four counts packed in one int), then added with one
DBAPI executemany per table (`storage.upsert.raw_add_counts`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection

from sharelytics.core.clicks.classify import BOT, HUMAN, UNFURLER
from sharelytics.core.stats.cube import (
    BOT_ONE,
    HUMAN_ONE,
    UNFURLER_ONE,
    UNIQUE_ONE,
    Cell,
    add_stats,
    expand,
    unpack,
)
from sharelytics.storage.tables import (
    click_days,
    click_facets,
    click_hours,
    link_totals,
)
from sharelytics.storage.upsert import db_datetime, raw_add_counts

COUNTS = ("humans", "bots", "unfurlers", "uniques")
FACET_DIMENSIONS = ("kind", "country", "referrer_host", "browser", "os", "device")
ONE = {HUMAN: HUMAN_ONE, BOT: BOT_ONE, UNFURLER: UNFURLER_ONE}  # counts packed in one int (core/stats/cube.py)
UNIQUE = UNIQUE_ONE


class StoredClick(NamedTuple):
    """What the rollups need of one newly stored click."""

    click_id: str
    link_id: int
    second: int  # Unix time, whole seconds
    kind: str
    country: str
    referrer_host: str
    browser: str
    os: str
    device: str


def moment_of(second: int) -> datetime:
    return datetime.fromtimestamp(second, UTC).replace(tzinfo=None)


def upsert_rollups(
    conn: Connection,
    rows: Sequence[StoredClick],
    cells: Mapping[int, tuple[int, Cell]],
    first_visits: Collection[str] = (),
) -> None:
    """Add the counts of `rows` (newly stored clicks) to every rollup. `cells`: link id -> (project, link cell)."""
    if not rows:
        return
    hours: dict[tuple[int, int], int] = {}
    days: dict[tuple[int, int], int] = {}
    links: dict[int, list[int]] = {}
    facets: dict[tuple[Any, ...], int] = {}
    for row in rows:
        link_id, second = row.link_id, row.second
        value = ONE[row.kind] + (UNIQUE if row.click_id in first_visits else 0)
        hour = second - second % 3600
        day = second - second % 86400
        key: Any = (link_id, hour)
        hours[key] = hours.get(key, 0) + value
        key = (link_id, day)
        days[key] = days.get(key, 0) + value
        found = links.get(link_id)
        if found is None:
            links[link_id] = [value, second, second]
        else:
            found[0] += value
            found[1] = min(found[1], second)
            found[2] = max(found[2], second)
        key = (link_id, hour, row.kind, row.country, row.referrer_host, row.browser, row.os, row.device)
        facets[key] = facets.get(key, 0) + value

    to_db = db_datetime(conn)
    moments: dict[int, Any] = {}

    def at(second: int) -> Any:
        found = moments.get(second)
        if found is None:
            found = moments[second] = to_db(moment_of(second))
        return found

    project_of = {link_id: project_id for link_id, (project_id, _) in cells.items()}
    raw_add_counts(conn, click_hours, ("link_id", "hour"), COUNTS, [
        (link_id, at(hour), *unpack(value), project_of[link_id]) for (link_id, hour), value in hours.items()
    ], extra=("project_id",))
    raw_add_counts(conn, click_days, ("link_id", "day"), COUNTS, [
        (link_id, at(day), *unpack(value), project_of[link_id]) for (link_id, day), value in days.items()
    ], extra=("project_id",))
    raw_add_counts(conn, link_totals, ("link_id",), COUNTS, [
        (link_id, *unpack(value), project_of[link_id], at(first), at(last))
        for link_id, (value, first, last) in links.items()
    ], extra=("project_id",), earliest=("first_clicked_at",), latest=("last_clicked_at",))
    facet_rows = []
    stat_input: dict[tuple[Any, ...], int] = {}
    for (link_id, hour, kind, *dims), value in facets.items():
        humans, bots, unfurlers, uniques = unpack(value)
        facet_rows.append((link_id, at(hour), kind, *dims, humans + bots + unfurlers, uniques, project_of[link_id]))
        project_id, cell = cells[link_id]
        key = (project_id, hour, *cell, *dims)
        stat_input[key] = stat_input.get(key, 0) + value
    raw_add_counts(conn, click_facets, ("link_id", "hour", *FACET_DIMENSIONS), ("clicks", "uniques"), facet_rows,
                   extra=("project_id",))
    add_stats(conn, expand(stat_input.items()), at)
