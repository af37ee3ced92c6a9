"""The project-level cube: which cell a link's clicks count in, and moving a link's counts when the dimensions
the cube keeps change (url/update may change channel, tag, campaign, tool) or the link goes away."""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import Connection, Table, select

from sharelytics.storage.upsert import add_counts
from sharelytics.storage.tables import CUBE_COLUMNS, click_days, click_hours, cube_days, cube_hours, domains, links

COUNTS = ("humans", "bots", "unfurlers", "uniques")
Cell = tuple[str, ...]  # values of CUBE_COLUMNS, "" for none


def cell_of(values: Mapping[str, Any]) -> Cell:
    """A link's cube cell from its attributes (`domain` is the domain's hostname)."""
    return tuple(str(values.get(column) or "") for column in CUBE_COLUMNS)


def link_cells(conn: Connection, link_ids: set[int], *, lock: bool = False) -> dict[int, tuple[int, Cell]]:
    """link id -> (project id, cube cell), read in one query. `lock` (PostgreSQL) holds the links' rows shared
    until commit, so an update moving a link to another cell waits for the clicks being added to the old one."""
    query = (
        select(links.c.id, links.c.project_id, domains.c.hostname.label("domain"),
               *(links.c[c] for c in CUBE_COLUMNS if c != "domain"))
        .join(domains, domains.c.id == links.c.domain_id)
        .where(links.c.id.in_(link_ids))
    )
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update(read=True, of=links)
    return {row["id"]: (row["project_id"], cell_of(row)) for row in conn.execute(query).mappings()}


def add_to_cube(conn: Connection, table: Table, time_column: str, rows: list[dict[str, Any]]) -> None:
    """Upsert-add rows of {project_id, <time>, *CUBE_COLUMNS, *COUNTS} (counts may be negative)."""
    add_counts(conn, table, ("project_id", time_column, *CUBE_COLUMNS), COUNTS, rows)


def move_link(conn: Connection, link_id: int, project_id: int, old: Cell, new: Cell | None) -> None:
    """Take the link's counts out of cell `old` and (unless it is gone) put them in cell `new`."""
    if new == old:
        return
    for source, target, time_column in ((click_hours, cube_hours, "hour"), (click_days, cube_days, "day")):
        history = conn.execute(
            select(source.c[time_column], *(source.c[n] for n in COUNTS)).where(source.c.link_id == link_id)
        ).all()
        rows: list[dict[str, Any]] = []
        for moment, *counts in history:
            for cell, sign in ((old, -1), (new, 1)):
                if cell is None:
                    continue
                row: dict[str, Any] = {"project_id": project_id, time_column: moment, **dict(zip(CUBE_COLUMNS, cell))}
                row.update({n: sign * int(c or 0) for n, c in zip(COUNTS, counts)})
                rows.append(row)
        add_to_cube(conn, target, time_column, rows)
