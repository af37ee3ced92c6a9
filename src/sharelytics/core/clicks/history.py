"""A few links' rows in the time-first click tables: `click_hours`, `click_days`, `click_facets` (keyed project, time,
link) and `clicks` (indexed hour, link). Nothing is led by the link, so a link's rows are found by listing the hours
or days it can have rows in (its first to last click, from link_totals) and seeking each: `time IN (...)`, a few
hundred keys a statement. Also deletes a link's rows: they have no foreign key to cascade from links.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, func, select

from sharelytics.core.stats.sql import as_datetime
from sharelytics.core.stats.timeline import HOUR, STEPS, floor_day, floor_hour
from sharelytics.storage.tables import click_days, click_facets, click_hours, clicks, link_totals, links

CHUNK = 500  # time keys per statement: far below every driver's parameter limit


def moments(start: datetime, end: datetime, unit: str) -> list[datetime]:
    """The hours or days (their starts) that meet [start, end)."""
    step, at, found = STEPS[unit], floor_day(start) if unit == "day" else floor_hour(start), []
    while at < end:
        found.append(at)
        at += step
    return found


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def span(conn: Connection, link_ids: Sequence[int]) -> tuple[datetime, datetime] | None:
    """[first click's hour, last click's hour + 1 hour) over the links; None when none has a click."""
    first, last = conn.execute(select(func.min(link_totals.c.first_clicked_at), func.max(link_totals.c.last_clicked_at))
                               .where(link_totals.c.link_id.in_(list(link_ids)))).one()
    if first is None or last is None:
        return None
    return floor_hour(as_datetime(first)), floor_hour(as_datetime(last)) + HOUR


def time_of(table: Table) -> Any:
    return table.c.day if table is click_days else table.c.hour


def _rows_of(table: Table, project_id: int, link_id: int, keys: Sequence[datetime]) -> Any:
    """The link's rows at `keys`, as the table's key or index reads them (clicks: (hour, link_id))."""
    where = [time_of(table).in_(list(keys)), table.c.link_id == link_id]
    return and_(table.c.project_id == project_id, *where) if table is not clicks else and_(*where)


def link_rows(conn: Connection, table: Table, project_id: int, link_id: int, columns: Sequence[Any],
              *where: ColumnElement[bool]) -> list[Any]:
    """`columns` of the link's rows of `table` (click_hours or click_facets) that meet `where`, oldest hour first
    (mappings)."""
    bounds = span(conn, [link_id])
    rows: list[Any] = []
    for keys in chunks(moments(*bounds, "hour") if bounds else []):
        rows += conn.execute(select(*columns).where(_rows_of(table, project_id, link_id, keys), *where)
                             .order_by(time_of(table))).mappings().all()
    return rows


def lock_link(conn: Connection, link_id: int) -> None:
    """PostgreSQL: hold the link's row FOR UPDATE until commit, before anything else of a deletion, so the click
    writer (which reads its links FOR SHARE) can neither add a click between delete_link_rows and the link's own
    deletion nor hold rows the deletion waits for. SQLite has one writer at a time."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(links.c.id).where(links.c.id == link_id).with_for_update())


def delete_link_rows(conn: Connection, project_id: int, link_id: int) -> None:
    """Delete the link's clicks and time-keyed rollup rows (link_totals and link_visitors cascade from links),
    in a transaction that took lock_link first."""
    bounds = span(conn, [link_id])
    if bounds is None:
        return
    for unit, tables in (("hour", (click_facets, click_hours, clicks)), ("day", (click_days,))):
        for keys in chunks(moments(*bounds, unit)):
            for table in tables:
                conn.execute(delete(table).where(_rows_of(table, project_id, link_id, keys)))
