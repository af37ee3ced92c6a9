"""Small SQL helpers the stats queries share, portable across SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.engine import Dialect


def matches(column: ColumnElement[Any], values: Iterable[Any], cube: bool) -> ColumnElement[bool]:
    """column IN values, where None means "none": NULL on links and facets, "" in the cube."""
    given = list(values)
    wanted = [v for v in given if v is not None]
    if len(wanted) == len(given):
        return column.in_(wanted)
    none = column == "" if cube else column.is_(None)
    return or_(column.in_(wanted), none) if wanted else none


def hour_floor(column: ColumnElement[datetime], dialect: Dialect) -> ColumnElement[Any]:
    if dialect.name == "postgresql":
        return func.date_trunc("hour", column)
    return func.strftime("%Y-%m-%d %H:00:00", column)


def as_datetime(value: Any) -> datetime:
    """SQLite hands computed datetimes back as text."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def text_order(column: ColumnElement[Any], dialect: Dialect) -> ColumnElement[Any]:
    """Text in code point order, as Python sorts str (SQLite's BINARY collation does; PostgreSQL's default
    collation may follow a locale)."""
    return column.collate("C") if dialect.name == "postgresql" else column
