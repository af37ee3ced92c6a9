"""Keeping the share rollups (`share_hours`, `share_days`) exact: how many links each project shared per hour or
day, per time base, per link dimension value or kept pair, and the latest share among them.

Creation adds a link to its cells; url/update moves it (its channel, tag, campaign or shared_at may change);
deletion takes it away. Counts are added and subtracted; `latest` only grows on insert, so a link leaving a cell
where it was the latest makes that one cell be recomputed from the links of its hour or day (bounded by the
links shared in that hour or day, never by clicks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    update,
)

from sharelytics.core.stats.cube import PAIRS, Cell, cell_of
from sharelytics.core.stats.timeline import DAY, HOUR, floor_day, floor_hour
from sharelytics.storage.tables import CUBE_COLUMNS, domains, links, share_days, share_hours
from sharelytics.storage.upsert import db_datetime, raw_add_counts

BASES = ("created", "shared")  # range questions count a link when it was created, totals when it was shared
# The pairs of link dimensions stat_days keeps: shares have no click dimensions.
SHARE_PAIRS: tuple[tuple[str, str], ...] = tuple((a, b) for a, b in PAIRS if b in CUBE_COLUMNS)
_PAIR_INDEXES = tuple((CUBE_COLUMNS.index(a), CUBE_COLUMNS.index(b), a, b) for a, b in SHARE_PAIRS)
_KEYS = ("project_id", "basis", "a", "b")
Key = tuple[int, str, str, str, datetime, str, str]  # project, basis, a, b, hour or day, av, bv


@dataclass(frozen=True)
class ShareFact:
    """What the share rollups know of one link."""

    project_id: int
    created_at: datetime
    shared_at: datetime  # coalesce(service_postid_shared_at, created_at)
    cell: Cell

    def moment(self, basis: str) -> datetime:
        return self.created_at if basis == "created" else self.shared_at


def fact_of(values: Mapping[str, Any]) -> ShareFact:
    """From a Link's attributes (`vars(link)`) or a links row with its domain's hostname as `domain`."""
    created = values["created_at"]
    return ShareFact(values["project_id"], created, values["service_postid_shared_at"] or created, cell_of(values))


def _cells(fact: ShareFact) -> tuple[list[Key], list[Key]]:
    """The share_hours and share_days keys one link counts in."""
    hours: list[Key] = []
    days: list[Key] = []
    p, cell = fact.project_id, fact.cell
    singles = [("", "", "", "")] + [(name, "", cell[i], "") for i, name in enumerate(CUBE_COLUMNS)]
    pairs = [(a, b, cell[i], cell[j]) for i, j, a, b in _PAIR_INDEXES]
    for basis in BASES:
        moment = fact.moment(basis)
        hour, day = floor_hour(moment), floor_day(moment)
        hours += [(p, basis, a, b, hour, av, bv) for a, b, av, bv in singles]
        days += [(p, basis, a, b, day, av, bv) for a, b, av, bv in singles + pairs]
    return hours, days


def _time_column(table: Table) -> str:
    return "hour" if table is share_hours else "day"


def _gather(facts: Iterable[ShareFact]) -> dict[Table, dict[Key, tuple[int, datetime]]]:
    """Per table: key -> (links, latest shared_at) over the facts."""
    out: dict[Table, dict[Key, tuple[int, datetime]]] = {share_hours: {}, share_days: {}}
    for fact in facts:
        for table, keys in zip((share_hours, share_days), _cells(fact)):
            into = out[table]
            for key in keys:
                count, latest = into.get(key, (0, fact.shared_at))
                into[key] = (count + 1, max(latest, fact.shared_at))
    return out


Gathered = dict[Table, dict[Key, tuple[int, datetime]]]


def add_shares(conn: Connection, facts: Iterable[ShareFact]) -> None:
    """Count new links (one upsert per table: concurrent creates add to the same rows safely)."""
    _add(conn, _gather(facts))


def _add(conn: Connection, gathered: Gathered) -> None:
    # Dozens of keys per link share a handful of hours and days: each is formatted once (strftime is the cost).
    to_db = cache(db_datetime(conn))
    for table, cells in gathered.items():
        rows = [(p, basis, a, b, to_db(t), av, bv, count, to_db(latest))
                for (p, basis, a, b, t, av, bv), (count, latest) in cells.items()]
        raw_add_counts(conn, table, (*_KEYS, _time_column(table), "av", "bv"), ("links",), rows, latest=("latest",))


def _key_clause(table: Table) -> ColumnElement[bool]:
    names = (*_KEYS, _time_column(table), "av", "bv")
    return and_(*(table.c[name] == bindparam(f"k_{name}") for name in names))


def _params(table: Table, key: Key) -> dict[str, Any]:
    return {f"k_{name}": value for name, value in zip((*_KEYS, _time_column(table), "av", "bv"), key)}


def remove_shares(conn: Connection, facts: Sequence[ShareFact]) -> None:
    """Take links out of their cells. Call it after the links' rows changed or went: a cell's `latest` is
    recomputed from the links still in it."""
    _remove(conn, _gather(facts))


def _remove(conn: Connection, gathered: Gathered) -> None:
    for table, cells in gathered.items():
        ordered = sorted(cells.items())  # one lock order for concurrent writers
        if not ordered:
            continue
        where = _key_clause(table)
        # The decrement comes first: on PostgreSQL it locks the rows, so a recompute below sees every link whose
        # create committed before, and a create committing after adds its own latest with greatest().
        conn.execute(update(table).where(where).values(links=table.c.links - bindparam("n")),
                     [{**_params(table, key), "n": count} for key, (count, _) in ordered])
        conn.execute(delete(table).where(where, table.c.links <= 0), [_params(table, key) for key, _ in ordered])
        stale = []
        for key, (_, removed) in ordered:
            latest = conn.execute(select(table.c.latest).where(where), _params(table, key)).scalar()
            if latest is not None and _as_datetime(latest) <= removed:
                stale.append(key)
        _recompute_latest(conn, table, stale)


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _recompute_latest(conn: Connection, table: Table, keys: list[Key]) -> None:
    """Set each cell's latest from the links of its hour or day: one indexed read of those links per bucket, every
    cell's maximum taken in the same pass."""
    step = HOUR if table is share_hours else DAY
    buckets: dict[tuple[int, str, datetime], list[Key]] = {}
    for key in keys:
        buckets.setdefault((key[0], key[1], key[4]), []).append(key)
    moment = func.coalesce(links.c.service_postid_shared_at, links.c.created_at)
    for (project_id, basis, start), wanted in buckets.items():
        source = links.join(domains, domains.c.id == links.c.domain_id) if any(
            "domain" in key[2:4] for key in wanted) else links
        maxima = [func.max(case((and_(*_in_cell(key)), moment))) for key in wanted]
        found = conn.execute(select(*maxima).select_from(source).where(
            links.c.project_id == project_id, basis_between(basis, start, start + step))).one()
        for key, latest in zip(wanted, found):
            if latest is not None:
                conn.execute(update(table).where(_key_clause(table)).values(latest=_as_datetime(latest)),
                             _params(table, key))


def _in_cell(key: Key) -> list[ColumnElement[bool]]:
    """A links row belongs to the cell's dimension values ("" is none)."""
    clauses: list[ColumnElement[bool]] = []
    for name, value in ((key[2], key[5]), (key[3], key[6])):
        if name:
            column = domains.c.hostname if name == "domain" else links.c[name]
            clauses.append(or_(column.is_(None), column == "") if value == "" else column == value)
    return clauses or [literal(True)]


def basis_between(basis: str, start: datetime, end: datetime) -> ColumnElement[bool]:
    """The link counts in [start, end) on this time base. The shared base is written as two index ranges
    (ix_links_project_shared, ix_links_project_created) rather than one coalesce() that no index covers."""
    if basis == "created":
        return and_(links.c.created_at >= start, links.c.created_at < end)
    spsa = links.c.service_postid_shared_at
    return or_(and_(spsa >= start, spsa < end),
               and_(spsa.is_(None), links.c.created_at >= start, links.c.created_at < end))


def basis_outside(basis: str, start: datetime, end: datetime) -> ColumnElement[bool]:
    """The link counts before start or from end on: NOT basis_between, as index ranges."""
    created = links.c.created_at
    if basis == "created":
        return or_(created < start, created >= end)
    spsa = links.c.service_postid_shared_at
    return or_(spsa < start, spsa >= end, and_(spsa.is_(None), or_(created < start, created >= end)))


def _link_rows() -> Any:
    return (select(links.c.project_id, links.c.created_at, links.c.service_postid_shared_at,
                   domains.c.hostname.label("domain"), *(links.c[c] for c in CUBE_COLUMNS if c != "domain"))
            .join(domains, domains.c.id == links.c.domain_id))


def _facts_in(conn: Connection, project_id: int, basis: str, start: datetime, end: datetime) -> list[ShareFact]:
    query = _link_rows().where(links.c.project_id == project_id, basis_between(basis, start, end))
    return [fact_of(row) for row in conn.execute(query).mappings()]


def link_fact(conn: Connection, link_id: int) -> ShareFact | None:
    row = conn.execute(_link_rows().where(links.c.id == link_id)).mappings().first()
    return fact_of(row) if row else None


def move_shares(conn: Connection, old: ShareFact, new: ShareFact | None) -> None:
    """A link changed (or, with `new` None, went): after its row is written, move it between cells."""
    if new == old:
        return
    leaving = _gather([old])
    if new is not None:
        coming = _gather([new])
        for table, cells in leaving.items():  # cells the link stays in, with the same latest, are left alone
            for key in [k for k, v in cells.items() if coming[table].get(k) == v]:
                del cells[key], coming[table][key]
        _add(conn, coming)
    _remove(conn, leaving)


def rebuild_shares(conn: Connection, chunk: int = 20_000) -> None:
    """Fill share_hours / share_days from every link (the migration that adds them)."""
    conn.execute(delete(share_hours))
    conn.execute(delete(share_days))
    result = conn.execute(_link_rows().order_by(links.c.id).execution_options(yield_per=chunk)).mappings()
    add_shares(conn, (fact_of(row) for row in result))
