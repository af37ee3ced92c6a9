"""Add-to-counter upserts, the one statement every rollup uses (SQLite and PostgreSQL both speak
`INSERT ... ON CONFLICT DO UPDATE`)."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Table, func
from sqlalchemy.exc import DBAPIError
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


# --- The writer's fast path: plain tuples straight to the DBAPI's executemany, the statement built once. ---

_RAW_STATEMENTS: dict[tuple[Any, ...], str] = {}
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's own storage format for DateTime on SQLite


def db_datetime(conn: Connection) -> Callable[[Any], Any]:
    """How a datetime goes to the driver without SQLAlchemy's type processing: as SQLAlchemy would store it."""
    if conn.dialect.name == "sqlite":
        return lambda moment: None if moment is None else moment.strftime(SQLITE_DATETIME)
    return lambda moment: moment


def raw_add_counts(
    conn: Connection,
    table: Table,
    keys: Sequence[str],
    counts: Sequence[str],
    rows: list[tuple[Any, ...]],
    *,
    extra: Sequence[str] = (),
    earliest: Sequence[str] = (),
    latest: Sequence[str] = (),
) -> None:
    """`add_counts` for rows already in column order (keys, then counts, then extra, earliest, latest), with
    datetimes already converted by `db_datetime`: on SQLite one DBAPI executemany of one prepared statement, on
    PostgreSQL one COPY and one INSERT ... SELECT (see `_stage`). Rows go in key order, so concurrent writers lock
    rows in the same order."""
    if not rows:
        return
    dialect = conn.dialect.name
    columns = [*keys, *counts, *extra, *earliest, *latest]
    cache_key = (dialect, table.name, tuple(keys), tuple(counts), tuple(extra) + ("|",) + tuple(earliest),
                 tuple(latest))
    sql = _RAW_STATEMENTS.get(cache_key)
    if sql is None:
        smaller, larger = ("least", "greatest") if dialect == "postgresql" else ("min", "max")
        sets = [f"{c} = {table.name}.{c} + excluded.{c}" for c in counts]
        # coalesce both ways: SQLite's min and max are NULL when an argument is (PostgreSQL's skip NULLs)
        sets += [f"{c} = {f}(coalesce({table.name}.{c}, excluded.{c}), coalesce(excluded.{c}, {table.name}.{c}))"
                 for f, names in ((smaller, earliest), (larger, latest)) for c in names]
        target = f"INSERT INTO {table.name} ({', '.join(columns)}) "
        if dialect == "postgresql":  # from the batch's staging table (see _stage), in key order
            source = f"SELECT {', '.join(columns)} FROM {_stage_name(table, columns)} ORDER BY {', '.join(keys)}"
        else:
            source = f"VALUES ({', '.join([_placeholder(conn)] * len(columns))})"
        sql = target + source + f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {', '.join(sets)}"
        _RAW_STATEMENTS[cache_key] = sql
    if dialect == "postgresql":  # the statement's ORDER BY sets the order
        _stage(conn, table, columns, rows)
        conn.exec_driver_sql(sql)
    else:
        rows.sort()  # the keys lead each row and are unique in it: the same order as sorting on the keys alone
        conn.exec_driver_sql(sql, rows)


def _stage_name(table: Table, columns: Sequence[str]) -> str:
    return f"stage_{table.name}_{zlib.crc32(','.join(columns).encode()):08x}"


def _stage(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """PostgreSQL: `rows` COPYed into a temporary table of `columns` of `table`, emptied first and dropped at
    commit; statements then read the batch from it. psycopg runs an executemany as one statement per row
    (300,000 for a batch of 20,000 clicks), re-parses a multi-row VALUES of 15,000 parameters every time (too long
    for its statement cache), and dumps array parameters in Python: COPY is 5 to 15 times faster than any of them."""
    stage, names = _stage_name(table, columns), ", ".join(columns)
    statements = [f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS SELECT {names} FROM {table.name} "
                  "WITH NO DATA", f"TRUNCATE {stage}"]
    dbapi_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
        with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    except dbapi_error as exc:
        raise DBAPIError.instance(statements[0], None, exc, dbapi_error) from exc
    finally:
        cursor.close()


def insert_returning(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    conflict: Sequence[str],
    returning: str,
    rows: Sequence[tuple[Any, ...]],
    chunk: int = 1000,
) -> list[Any]:
    """INSERT ... ON CONFLICT (conflict) DO NOTHING RETURNING returning, `chunk` rows a statement on SQLite, all
    in one on PostgreSQL (plain tuples in column order, datetimes converted by `db_datetime`); `returning` (one or
    more columns, comma-separated) of the rows inserted: a value each for one column, else a tuple."""
    head = f"INSERT INTO {table.name} ({', '.join(columns)}) "
    tail = f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING RETURNING {returning}"
    single = "," not in returning
    if conn.dialect.name == "postgresql":  # the whole batch in one statement (see _stage)
        if not rows:
            return []
        _stage(conn, table, columns, rows)
        result = _fetch_raw(conn, head + f"SELECT {', '.join(columns)} FROM {_stage_name(table, columns)}" + tail, ())
        return [row[0] for row in result] if single else [tuple(row) for row in result]
    mark = _placeholder(conn)
    one = f"({', '.join([mark] * len(columns))})"
    head += "VALUES "
    found: list[Any] = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        cache_key = ("returning", conn.dialect.name, head, tail, len(part))  # the columns are in head and tail
        sql = _RAW_STATEMENTS.get(cache_key)
        if sql is None:
            sql = _RAW_STATEMENTS[cache_key] = head + ", ".join([one] * len(part)) + tail
        result = _fetch_raw(conn, sql, tuple(chain.from_iterable(part)))
        found += [row[0] for row in result] if single else [tuple(row) for row in result]
    return found


def fetch_in(conn: Connection, head: str, ids: Collection[int], tail: str = "", chunk: int = 500) -> list[Any]:
    """The rows of `head IN (ids) tail` (head ends with the column compared), as plain tuples from the DBAPI
    cursor, up to `chunk` ids a statement. Short lists are padded with a repeated id up to a power of two, so a
    handful of statement texts serve every batch (the driver's statement cache hits); IN ignores the repeats."""
    values = list(ids)
    if not values:
        return []
    mark = _placeholder(conn)
    size = min(chunk, 1 << (len(values) - 1).bit_length())
    cache_key = ("in", conn.dialect.name, head, tail, size)
    sql = _RAW_STATEMENTS.get(cache_key)
    if sql is None:
        sql = _RAW_STATEMENTS[cache_key] = f"{head} IN ({', '.join([mark] * size)}){tail}"
    found: list[Any] = []
    for start in range(0, len(values), size):
        part = values[start : start + size]
        part += [part[-1]] * (size - len(part))
        found += _fetch_raw(conn, sql, tuple(part))
    return found


def _placeholder(conn: Connection) -> str:
    """The DBAPI's positional parameter marker: sqlite3 takes `?`, psycopg `%s`."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _fetch_raw(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    """Execute on the DBAPI cursor and fetch every row (a third of the time of SQLAlchemy's result rows for
    thousands of rows); a driver error is raised as SQLAlchemy's DBAPIError, as `exec_driver_sql` would."""
    dbapi_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    except dbapi_error as exc:
        raise DBAPIError.instance(sql, None, exc, dbapi_error) from exc
    finally:
        cursor.close()
