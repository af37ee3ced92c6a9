"""Add-to-counter upserts, the one statement every rollup uses (SQLite and PostgreSQL both speak
`INSERT ... ON CONFLICT DO UPDATE`)."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import Connection, Table, func
from sqlalchemy.dialects import postgresql, sqlite


def dialect_insert(conn: Connection) -> Callable[..., Any]:
    """The dialect's INSERT construct, the one that has `on_conflict_do_update`."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def add_counts(
    conn: Connection,
    table: Table,
    keys: Sequence[str],
    counts: Sequence[str],
    rows: list[dict[str, Any]],
    *,
    earliest: Sequence[str] = (),
    latest: Sequence[str] = (),
) -> None:
    """Insert each row, or add its `counts` to the row with the same `keys`; `earliest` / `latest` columns keep
    the smaller / larger value. Rows go in key order, so concurrent writers lock rows in the same order."""
    if not rows:
        return
    stmt = dialect_insert(conn)(table)
    pg = conn.dialect.name == "postgresql"
    smaller, larger = (func.least, func.greatest) if pg else (func.min, func.max)  # SQLite's scalar min/max
    set_: dict[str, Any] = {c: table.c[c] + stmt.excluded[c] for c in counts}
    set_.update({c: smaller(table.c[c], stmt.excluded[c]) for c in earliest})
    set_.update({c: larger(table.c[c], stmt.excluded[c]) for c in latest})
    stmt = stmt.on_conflict_do_update(index_elements=[table.c[k] for k in keys], set_=set_)
    conn.execute(stmt, sorted(rows, key=lambda row: tuple(row[k] for k in keys)))


def key_of(row: Mapping[str, Any], keys: Sequence[str]) -> tuple[Any, ...]:
    return tuple(row[k] for k in keys)
