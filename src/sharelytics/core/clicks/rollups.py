"""Rollups of stored clicks, added in the transaction that stores the clicks they count:

- `click_hours` / `click_days`: per link per hour / UTC day (humans, bots, unfurlers, uniques), keyed time first;
- `link_totals`: per link, all time, with the first and last click and the last human click;
- `click_facets`: per link, hour and combination of click dimensions (kind, country, referrer host, browser, ...);
- `stat_hours` / `stat_days`: per project, the total and per single dimension value (link or click dimension),
  and per day for the pairs of dimensions in `core/stats/cube.PAIRS` (core/stats/cube.py).

Counts are aggregated in Python first (plain tuples, the four counts packed in one int), then added with one
DBAPI executemany per table (`storage.upsert.raw_add_counts`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Connection

from sharelytics.core.clock import from_timestamp

from sharelytics.core.clicks.classify import BOT, HUMAN, UNFURLER
from sharelytics.core.stats.cube import (
    BOT_ONE,
    HUMAN_ONE,
    UNFURLER_ONE,
    UNIQUE_ONE,
    SHIFT,
    Cell,
    Partials,
    add_stats,
    spread,
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
KIND_SHIFT = {HUMAN: 0, BOT: SHIFT, UNFURLER: 2 * SHIFT}
UNIQUE = UNIQUE_ONE
UNIQUE_SHIFT = 3 * SHIFT


Facet = tuple[int, int, str, str, str, str, str, str]  # link, hour (Unix s), kind, then FACET_COLUMNS ("" unknown)


class StoredClick(NamedTuple):
    """What the rollups need of one newly stored click."""

    click_id: str
    second: int  # Unix time, whole seconds
    facet: Facet  # its click_facets cell, built once by the writer (the rollups only count it)


def moment_of(second: int) -> datetime:
    return datetime.fromtimestamp(second, UTC).replace(tzinfo=None)


# "MM:SS.000000" for each second of an hour: a click's time is its hour's prefix plus one of these.
_MINUTES_SECONDS = tuple(f"{s // 60:02d}:{s % 60:02d}.000000" for s in range(3600))


def second_to_db(conn: Connection) -> Callable[[int], Any]:
    """Unix seconds -> a DateTime column's value as the driver takes it; on SQLite the text SQLAlchemy stores, built
    from a per-hour prefix (strftime per value was a tenth of the writer's time)."""
    if conn.dialect.name != "sqlite":
        return from_timestamp
    to_db = db_datetime(conn)
    prefixes: dict[int, str] = {}

    def text(second: int) -> str:
        hour, rest = divmod(second, 3600)
        prefix = prefixes.get(hour)
        if prefix is None:
            prefix = prefixes[hour] = to_db(moment_of(hour * 3600))[:14]  # "YYYY-MM-DD HH:"
        return prefix + _MINUTES_SECONDS[rest]

    return text


def upsert_rollups(
    conn: Connection,
    rows: Sequence[StoredClick],
    cells: Mapping[int, tuple[int, Cell]],
    first_visits: Collection[str] = (),
) -> None:
    """Add the counts of `rows` (newly stored clicks) to every rollup. `cells`: link id -> (project, link cell)."""
    if not rows:
        return
    # Per facet cell first (about one entry per click); hours, days, totals and the stat cells are then sums of
    # those entries, not of the clicks.
    facets: dict[Facet, int] = {}
    links: dict[int, list[int]] = {}
    for click_id, second, facet in rows:
        value = ONE[facet[2]]
        if click_id in first_visits:
            value += UNIQUE
        facets[facet] = facets.get(facet, 0) + value
        human = second if facet[2] == HUMAN else 0
        found = links.get(facet[0])
        if found is None:
            links[facet[0]] = [value, second, second, human]
        else:
            found[0] += value
            if second < found[1]:
                found[1] = second
            elif second > found[2]:
                found[2] = second
            if human > found[3]:
                found[3] = human
    hours: dict[tuple[int, int], int] = {}
    facet_rows = []
    partials = Partials()
    at = cache(second_to_db(conn))  # the same few hours and days, thousands of times
    for facet, value in facets.items():
        link_id, hour, kind = facet[0], facet[1], facet[2]
        key = (link_id, hour)
        hours[key] = hours.get(key, 0) + value
        project_id, cell = cells[link_id]
        uniques = value >> UNIQUE_SHIFT  # one kind per facet cell, every count positive: no unpack needed
        clicks = (value - (uniques << UNIQUE_SHIFT)) >> KIND_SHIFT[kind]
        dims = facet[3:]
        facet_rows.append((project_id, at(hour), link_id, kind, *dims, clicks, uniques))
        partials.add(project_id, hour, cell, dims, value)
    days: dict[tuple[int, int], int] = {}
    for (link_id, hour), value in hours.items():
        key = (link_id, hour - hour % 86400)
        days[key] = days.get(key, 0) + value

    project_of = {link_id: project_id for link_id, (project_id, _) in cells.items()}
    raw_add_counts(conn, click_hours, ("project_id", "hour", "link_id"), COUNTS, [
        (project_of[link_id], at(hour), link_id, *unpack(value)) for (link_id, hour), value in hours.items()
    ])
    raw_add_counts(conn, click_days, ("project_id", "day", "link_id"), COUNTS, [
        (project_of[link_id], at(day), link_id, *unpack(value)) for (link_id, day), value in days.items()
    ])
    to_text = second_to_db(conn)  # first and last clicks: any second, not worth caching
    raw_add_counts(conn, link_totals, ("link_id",), COUNTS, [
        (link_id, *unpack(value), project_of[link_id], to_text(first), to_text(last), to_text(human) if human else None)
        for link_id, (value, first, last, human) in links.items()
    ], extra=("project_id",), earliest=("first_clicked_at",), latest=("last_clicked_at", "last_human_at"))
    raw_add_counts(conn, click_facets, ("project_id", "hour", "link_id", *FACET_DIMENSIONS), ("clicks", "uniques"),
                   facet_rows)
    add_stats(conn, spread(partials), at)
