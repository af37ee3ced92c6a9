"""Rollups of stored clicks: per link per hour (`click_hours`) and per combination of dimensions (`click_facets`).

Counts are aggregated in Python first, then added with one upsert per table (SQLite and PostgreSQL both speak
`INSERT ... ON CONFLICT DO UPDATE`), in the transaction that stores the clicks they count.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from sharelytics.core.clicks.classify import BOT, HUMAN, UNFURLER
from sharelytics.storage.tables import click_facets, click_hours

KIND_COLUMNS = {HUMAN: "humans", BOT: "bots", UNFURLER: "unfurlers"}
FACET_DIMENSIONS = ("kind", "country", "referrer_host", "browser", "os", "device")

HourKey = tuple[int, datetime]  # link_id, hour
FacetKey = tuple[Any, ...]  # link_id, hour, then FACET_DIMENSIONS


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def dialect_insert(conn: Connection) -> Callable[..., Any]:
    """The dialect's INSERT construct, the one that has `on_conflict_do_update`."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def aggregate(rows: Iterable[Mapping[str, Any]]) -> tuple[dict[HourKey, Counter[str]], Counter[FacetKey]]:
    """Count click rows (as stored in `clicks`) per link-hour and kind, and per facet cell."""
    hours: dict[HourKey, Counter[str]] = {}
    facets: Counter[FacetKey] = Counter()
    for row in rows:
        hour = hour_of(row["clicked_at"])
        hours.setdefault((row["link_id"], hour), Counter())[row["kind"]] += 1
        facets[(row["link_id"], hour, *(row[d] or "" for d in FACET_DIMENSIONS))] += 1
    return hours, facets


def upsert_rollups(conn: Connection, rows: list[Mapping[str, Any]], project_of: Mapping[int, int]) -> None:
    """Add the counts of `rows` (newly stored clicks) to both rollup tables.

    Keys are upserted in sorted order, so concurrent writers on PostgreSQL lock rows in the same order.
    """
    hours, facets = aggregate(rows)
    insert = dialect_insert(conn)
    if hours:
        stmt = insert(click_hours)
        stmt = stmt.on_conflict_do_update(
            index_elements=[click_hours.c.link_id, click_hours.c.hour],
            set_={col: click_hours.c[col] + stmt.excluded[col] for col in KIND_COLUMNS.values()},
        )
        conn.execute(stmt, [_hour_params(key, counts, project_of) for key, counts in sorted(hours.items())])
    if facets:
        stmt = insert(click_facets)
        stmt = stmt.on_conflict_do_update(
            index_elements=[click_facets.c.link_id, click_facets.c.hour, *(click_facets.c[d] for d in FACET_DIMENSIONS)],
            set_={"clicks": click_facets.c.clicks + stmt.excluded.clicks},
        )
        conn.execute(stmt, [_facet_params(key, count, project_of) for key, count in sorted(facets.items())])


def _hour_params(key: HourKey, counts: Counter[str], project_of: Mapping[int, int]) -> dict[str, Any]:
    link_id, hour = key
    params: dict[str, Any] = {"link_id": link_id, "hour": hour, "project_id": project_of[link_id]}
    params.update({column: counts.get(kind, 0) for kind, column in KIND_COLUMNS.items()})
    return params


def _facet_params(key: FacetKey, count: int, project_of: Mapping[int, int]) -> dict[str, Any]:
    link_id, hour, *dimensions = key
    params: dict[str, Any] = {"link_id": link_id, "hour": hour, "project_id": project_of[link_id], "clicks": count}
    params.update(zip(FACET_DIMENSIONS, dimensions))
    return params
