"""Rollups of stored clicks, added in the transaction that stores the clicks they count:

- `click_hours` / `click_days`: per link per hour / UTC day (humans, bots, unfurlers, uniques);
- `link_totals`: per link, all time, with the first and last click;
- `cube_hours` / `cube_days`: per project and combination of low-cardinality link dimensions (core/stats/cube.py);
- `click_facets`: per link, hour and combination of click dimensions (kind, country, referrer host, browser, ...).

Counts are aggregated in Python first, then added with one upsert per table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Collection, Iterable, Mapping

from sqlalchemy import Connection

from sharelytics.core.clicks.classify import BOT, HUMAN, UNFURLER
from sharelytics.core.stats.cube import Cell
from sharelytics.storage.tables import (
    CUBE_COLUMNS,
    click_days,
    click_facets,
    click_hours,
    cube_days,
    cube_hours,
    link_totals,
)
from sharelytics.storage.upsert import add_counts

KIND_COLUMNS = {HUMAN: "humans", BOT: "bots", UNFURLER: "unfurlers"}
COUNTS = ("humans", "bots", "unfurlers", "uniques")
FACET_DIMENSIONS = ("kind", "country", "referrer_host", "browser", "os", "device")

FacetKey = tuple[Any, ...]  # link_id, hour, then FACET_DIMENSIONS


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def day_of(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class Tally:
    """Counts of one rollup cell, with the first and last click it saw."""

    counts: Counter[str]
    first: datetime
    last: datetime

    def add(self, column: str, moment: datetime, unique: bool) -> None:
        self.counts[column] += 1
        if unique:
            self.counts["uniques"] += 1
        self.first, self.last = min(self.first, moment), max(self.last, moment)


def _tally(into: dict[Any, Tally], key: Any, column: str, moment: datetime, unique: bool) -> None:
    found = into.get(key)
    if found is None:
        found = into[key] = Tally(Counter(), moment, moment)
    found.add(column, moment, unique)


@dataclass
class Aggregates:
    hours: dict[tuple[int, datetime], Tally]
    days: dict[tuple[int, datetime], Tally]
    links: dict[int, Tally]
    facets: dict[FacetKey, Counter[str]]


def aggregate(rows: Iterable[Mapping[str, Any]], first_visits: Collection[str] = ()) -> Aggregates:
    """Count click rows (as stored in `clicks`) per link-hour, link-day, link and facet cell. A click whose id is
    in `first_visits` was its visitor's first on that link: it counts as unique."""
    result = Aggregates({}, {}, {}, {})
    for row in rows:
        moment, link_id, column = row["clicked_at"], row["link_id"], KIND_COLUMNS[row["kind"]]
        unique = row["click_id"] in first_visits
        _tally(result.hours, (link_id, hour_of(moment)), column, moment, unique)
        _tally(result.days, (link_id, day_of(moment)), column, moment, unique)
        _tally(result.links, link_id, column, moment, unique)
        facet = result.facets.setdefault((link_id, hour_of(moment), *(row[d] or "" for d in FACET_DIMENSIONS)), Counter())
        facet["clicks"] += 1
        facet["uniques"] += unique
    return result


def _counts(tally: Tally) -> dict[str, int]:
    return {column: tally.counts.get(column, 0) for column in COUNTS}


def _per_link(table_rows: dict[tuple[int, datetime], Tally], time_column: str,
              project_of: Mapping[int, int]) -> list[dict[str, Any]]:
    return [{"link_id": link_id, time_column: moment, "project_id": project_of[link_id], **_counts(tally)}
            for (link_id, moment), tally in table_rows.items()]


def _cube(table_rows: dict[tuple[int, datetime], Tally], time_column: str,
          cells: Mapping[int, tuple[int, Cell]]) -> list[dict[str, Any]]:
    merged: dict[tuple[Any, ...], Counter[str]] = {}
    for (link_id, moment), tally in table_rows.items():
        project_id, cell = cells[link_id]
        merged.setdefault((project_id, moment, *cell), Counter()).update(_counts(tally))
    return [{"project_id": key[0], time_column: key[1], **dict(zip(CUBE_COLUMNS, key[2:])),
             **{c: counts.get(c, 0) for c in COUNTS}} for key, counts in merged.items()]


def upsert_rollups(
    conn: Connection,
    rows: list[Mapping[str, Any]],
    cells: Mapping[int, tuple[int, Cell]],
    first_visits: Collection[str] = (),
) -> None:
    """Add the counts of `rows` (newly stored clicks) to every rollup. `cells`: link id -> (project, cube cell)."""
    if not rows:
        return
    agg = aggregate(rows, first_visits)
    project_of = {link_id: project_id for link_id, (project_id, _) in cells.items()}
    add_counts(conn, click_hours, ("link_id", "hour"), COUNTS, _per_link(agg.hours, "hour", project_of))
    add_counts(conn, click_days, ("link_id", "day"), COUNTS, _per_link(agg.days, "day", project_of))
    totals = [{"link_id": link_id, "project_id": project_of[link_id], **_counts(t), "first_clicked_at": t.first,
               "last_clicked_at": t.last} for link_id, t in agg.links.items()]
    add_counts(conn, link_totals, ("link_id",), COUNTS, totals,
               earliest=("first_clicked_at",), latest=("last_clicked_at",))
    add_counts(conn, cube_hours, ("project_id", "hour", *CUBE_COLUMNS), COUNTS, _cube(agg.hours, "hour", cells))
    add_counts(conn, cube_days, ("project_id", "day", *CUBE_COLUMNS), COUNTS, _cube(agg.days, "day", cells))
    facets = [{"link_id": key[0], "hour": key[1], "project_id": project_of[key[0]], "clicks": counts["clicks"],
               "uniques": counts["uniques"], **dict(zip(FACET_DIMENSIONS, key[2:]))} for key, counts in agg.facets.items()]
    add_counts(conn, click_facets, ("link_id", "hour", *FACET_DIMENSIONS), ("clicks", "uniques"), facets)
