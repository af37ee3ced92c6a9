"""The project-level stat rollups (`stat_hours`, `stat_days`): which link cell a link's clicks count in, how a
click's counts spread over the total, each single dimension and the kept pairs, and moving a link's counts when
its dimensions change (url/update may change channel, tag, campaign, tool) or the link goes away.

Counts travel packed in one int (humans, bots, unfurlers, uniques in fields of SHIFT bits, signed), so adding a
cell's counts is one integer addition.
"""

from __future__ import annotations

from calendar import timegm
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, select

from sharelytics.core.clicks.history import link_rows
from sharelytics.core.clock import from_timestamp
from sharelytics.storage.tables import (
    CUBE_COLUMNS,
    STAT_DIMENSIONS,
    click_facets,
    domains,
    links,
    stat_days,
    stat_hours,
)
from sharelytics.storage.upsert import db_datetime, fetch_in, raw_add_counts

COUNTS = ("humans", "bots", "unfurlers", "uniques")
Cell = tuple[str, ...]  # values of CUBE_COLUMNS, "" for none
FACET_COLUMNS = ("country", "referrer_host", "browser", "os", "device")  # the click dimensions, STAT order

SHIFT = 40
_MASK = (1 << SHIFT) - 1
_HALF = 1 << (SHIFT - 1)
HUMAN_ONE, BOT_ONE, UNFURLER_ONE, UNIQUE_ONE = 1, 1 << SHIFT, 1 << (2 * SHIFT), 1 << (3 * SHIFT)

# Pairs kept per day: the low-cardinality link dimensions people pivot on, with each other and with the two click
# dimensions filtered on most. Any other pair (and any three dimensions) is answered from the per-link rollups.
PAIR_LINK_DIMENSIONS = ("channel", "service", "tool", "campaign", "tag")
PAIRS: tuple[tuple[str, str], ...] = tuple(
    (a, b) for a, b in combinations(STAT_DIMENSIONS, 2)
    if a in PAIR_LINK_DIMENSIONS and (b in PAIR_LINK_DIMENSIONS or b in ("country", "referrer_host"))
)
_PAIR_INDEXES = tuple((STAT_DIMENSIONS.index(a), STAT_DIMENSIONS.index(b), a, b) for a, b in PAIRS)
_SINGLES = tuple(enumerate(STAT_DIMENSIONS))


def pair_of(names: Iterable[str]) -> tuple[str, str] | None:
    """The kept pair for two dimension names, in stored order (a before b), or None."""
    ordered = tuple(sorted(set(names), key=STAT_DIMENSIONS.index)) if set(names) <= set(STAT_DIMENSIONS) else ()
    return ordered if ordered in PAIRS else None  # type: ignore[return-value]


def pack(humans: int, bots: int, unfurlers: int, uniques: int) -> int:
    return humans + bots * BOT_ONE + unfurlers * UNFURLER_ONE + uniques * UNIQUE_ONE


def unpack(value: int) -> tuple[int, int, int, int]:
    humans = ((value + _HALF) & _MASK) - _HALF
    value = (value - humans) >> SHIFT
    bots = ((value + _HALF) & _MASK) - _HALF
    value = (value - bots) >> SHIFT
    unfurlers = ((value + _HALF) & _MASK) - _HALF
    return humans, bots, unfurlers, (value - unfurlers) >> SHIFT


def cell_of(values: Mapping[str, Any]) -> Cell:
    """A link's cell from its attributes (`domain` is the domain's hostname)."""
    return tuple(str(values.get(column) or "") for column in CUBE_COLUMNS)


def link_cells(conn: Connection, link_ids: set[int], *, lock: bool = False) -> dict[int, tuple[int, Cell]]:
    """link id -> (project id, cell), read straight from the DBAPI cursor (the writer asks for thousands of links
    a batch). `lock` (PostgreSQL) holds the links' rows shared until commit, so an update moving a link to another
    cell waits for the clicks being added to the old one."""
    tail = f" FOR SHARE OF {links.name}" if lock and conn.dialect.name == "postgresql" else ""
    return {row[0]: (row[1], row[2:]) for row in fetch_in(conn, _CELLS_QUERY, link_ids, tail)}


# The cell columns as cell_of builds them ("" for none), the domain as its hostname.
_CELLS_QUERY = (
    f"SELECT {links.name}.id, {links.name}.project_id, "
    + ", ".join(f"coalesce({domains.name}.hostname, '')" if c == "domain" else f"coalesce({links.name}.{c}, '')"
                for c in CUBE_COLUMNS)
    + f" FROM {links.name} JOIN {domains.name} ON {domains.name}.id = {links.name}.domain_id WHERE {links.name}.id"
)


Spread = tuple[dict[tuple[Any, ...], int], dict[tuple[Any, ...], int]]


_LINKS = len(CUBE_COLUMNS)
_LINK_SINGLES = tuple(enumerate(CUBE_COLUMNS))
_CLICK_SINGLES = tuple(enumerate(FACET_COLUMNS))
_LINK_PAIRS = tuple((i, j, a, b) for i, j, a, b in _PAIR_INDEXES if j < _LINKS)
assert all(i < _LINKS for i, _, _, _ in _PAIR_INDEXES)  # every kept pair has a link dimension first


def _mixed_pairs() -> dict[int, tuple[tuple[int, str, str], ...]]:
    """The link x click pairs by their click dimension (its index in FACET_COLUMNS): (index in the cell, a, b)."""
    found: dict[int, tuple[tuple[int, str, str], ...]] = {}
    for i, j, a, b in _PAIR_INDEXES:
        if j >= _LINKS:
            found[j - _LINKS] = (*found.get(j - _LINKS, ()), (i, a, b))
    return found


_MIXED = _mixed_pairs()
_MIXED_CLICKS = tuple(_MIXED)


class Partials:
    """The partial sums every stat cell is a sum of: per project, hour and link cell; per project, hour and click
    values; per project, day, link cell and the value of each click dimension paired with link dimensions. Most
    stat cells come from the first two, far smaller than the clicks; only the link x click pairs need the third."""

    __slots__ = ("hour_links", "hour_clicks", "day_mixed")

    def __init__(self) -> None:
        self.hour_links: dict[tuple[int, int, Cell], int] = {}
        self.hour_clicks: dict[tuple[Any, ...], int] = {}  # (project, hour, *values of FACET_COLUMNS)
        self.day_mixed: dict[tuple[int, int, int, Cell, str], int] = {}  # (project, day, FACET_COLUMNS index, ...)

    def add(self, project: int, hour: int, cell: Cell, clicks: tuple[str, ...], value: int) -> None:
        """Add packed counts of clicks in `cell` at `hour` (Unix seconds) with click values `clicks`."""
        key: tuple[Any, ...] = (project, hour, cell)
        found = self.hour_links
        found[key] = found.get(key, 0) + value
        key = (project, hour) + clicks
        found = self.hour_clicks
        found[key] = found.get(key, 0) + value
        day = hour - hour % 86400
        found = self.day_mixed
        for j in _MIXED_CLICKS:
            key = (project, day, j, cell, clicks[j])
            found[key] = found.get(key, 0) + value


def expand(items: Iterable[tuple[tuple[Any, ...], int]]) -> Spread:
    """((project, hour as Unix seconds, *link cell, *click dimensions), packed counts) -> the stat_hours and
    stat_days cells they add to: {(project, a, b, second, av, bv): packed}."""
    partials = Partials()
    for key, value in items:
        partials.add(key[0], key[1], key[2 : 2 + _LINKS], key[2 + _LINKS :], value)
    return spread(partials)


def spread(partials: Partials) -> Spread:
    """The stat_hours and stat_days cells of the partial sums: the total and each single dimension per hour, the
    same per day (sums of the hours), and the kept pairs per day."""
    hours: dict[tuple[Any, ...], int] = {}
    day_links: dict[tuple[int, int, Cell], int] = {}
    for (project, hour, cell), value in partials.hour_links.items():
        key: tuple[Any, ...] = (project, "", "", hour, "", "")
        hours[key] = hours.get(key, 0) + value
        for i, name in _LINK_SINGLES:
            key = (project, name, "", hour, cell[i], "")
            hours[key] = hours.get(key, 0) + value
        key = (project, hour - hour % 86400, cell)
        day_links[key] = day_links.get(key, 0) + value
    for key, value in partials.hour_clicks.items():
        project, hour = key[0], key[1]
        for i, name in _CLICK_SINGLES:
            k = (project, name, "", hour, key[2 + i], "")
            hours[k] = hours.get(k, 0) + value
    days: dict[tuple[Any, ...], int] = {}
    for (project, a, b, hour, av, bv), value in hours.items():  # days: the sums of their hours
        key = (project, a, b, hour - hour % 86400, av, bv)
        days[key] = days.get(key, 0) + value
    for (project, day, cell), value in day_links.items():
        for i, j, a, b in _LINK_PAIRS:
            key = (project, a, b, day, cell[i], cell[j])
            days[key] = days.get(key, 0) + value
    for (project, day, j, cell, bv), value in partials.day_mixed.items():
        for i, a, b in _MIXED[j]:
            key = (project, a, b, day, cell[i], bv)
            days[key] = days.get(key, 0) + value
    return hours, days


def add_stats(conn: Connection, spread: Spread, at: Callable[[int], Any] | None = None) -> None:
    """Upsert-add expanded cells (counts may be negative; cells that add nothing are skipped)."""
    if at is None:
        to_db = db_datetime(conn)
        at = lambda second: to_db(from_timestamp(second))
    for table, time_column, cells in ((stat_hours, "hour", spread[0]), (stat_days, "day", spread[1])):
        rows = [(project, a, b, at(second), av, bv, *unpack(value))
                for (project, a, b, second, av, bv), value in cells.items() if value]
        raw_add_counts(conn, table, ("project_id", "a", "b", time_column, "av", "bv"), COUNTS, rows)


def _seconds(moment: Any) -> int:
    if not isinstance(moment, datetime):
        moment = datetime.fromisoformat(str(moment))
    return timegm(moment.timetuple())


def _facet_items(rows: Iterable[Any], cell_for: Callable[[Any], tuple[int, Cell] | None],
                 sign: int = 1) -> Iterable[tuple[tuple[Any, ...], int]]:
    kinds = {"human": HUMAN_ONE, "bot": BOT_ONE, "unfurler": UNFURLER_ONE}
    for row in rows:
        found = cell_for(row)
        if found is None:
            continue
        project, cell = found
        value = sign * (row["clicks"] * kinds[row["kind"]] + row["uniques"] * UNIQUE_ONE)
        yield (project, _seconds(row["hour"]), *cell, *(row[c] for c in FACET_COLUMNS)), value


def move_link(conn: Connection, link_id: int, project_id: int, old: Cell, new: Cell | None) -> None:
    """Take the link's counts out of cell `old` and (unless it is gone) put them in cell `new`, from the link's
    click_facets (every click of the link, with its click dimensions)."""
    if new == old:
        return
    history = link_rows(conn, click_facets, project_id, link_id, [
        click_facets.c.hour, click_facets.c.kind, *(click_facets.c[c] for c in FACET_COLUMNS),
        click_facets.c.clicks, click_facets.c.uniques])
    items = list(_facet_items(history, lambda row: (project_id, old), -1))
    if new is not None:
        items += list(_facet_items(history, lambda row: (project_id, new)))
    add_stats(conn, expand(items))


def rebuild_stats(conn: Connection, chunk: int = 50_000) -> None:
    """Fill stat_hours / stat_days from click_facets and the links' current cells (the migration that adds them)."""
    query = (
        select(click_facets.c.hour, click_facets.c.kind, *(click_facets.c[c] for c in FACET_COLUMNS),
               click_facets.c.clicks, click_facets.c.uniques, links.c.project_id,
               domains.c.hostname.label("domain"), *(links.c[c] for c in CUBE_COLUMNS if c != "domain"))
        .select_from(click_facets.join(links, links.c.id == click_facets.c.link_id)
                     .join(domains, domains.c.id == links.c.domain_id))
        .order_by(click_facets.c.link_id, click_facets.c.hour)
    )
    rows = conn.execute(query).mappings().all()
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        add_stats(conn, expand(_facet_items(part, lambda row: (row["project_id"], cell_of(row)))))
