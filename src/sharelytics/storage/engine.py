"""Engine factory: one place that knows SQLite and PostgreSQL apart."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy emits BEGIN itself (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the redirect path read while the click writer writes; NORMAL is durable across process crashes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # IMMEDIATE takes the write lock up front, so a transaction that reads then writes waits for busy_timeout
    # instead of failing with SQLITE_BUSY when another writer got in first. Hot read paths opt out with
    # `execution_options(sqlite_deferred=True)` so they never queue behind the click writer.
    mode = "DEFERRED" if conn.get_execution_options().get("sqlite_deferred") else "IMMEDIATE"
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def read_only(engine: Engine) -> Engine:
    """The engine for hot read paths: no write lock taken on SQLite (a no-op elsewhere)."""
    return engine.execution_options(sqlite_deferred=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
