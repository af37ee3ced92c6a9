"""Pages of a list, as OneAll's pagination node describes them (1-based pages, 250 by default, 500 at most)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.engine import Connection

T = TypeVar("T")
DEFAULT_PER_PAGE = 250
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    direction: str = "asc"  # asc | desc, by creation date

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Page(Generic[T]):
    request: PageRequest
    entries: Sequence[T]
    total: int

    @property
    def total_pages(self) -> int:
        # An empty list still has one (empty) page, as the PHP SDK's first-page requests expect.
        return max(1, -(-self.total // self.request.per_page))


def fetch_page(conn: Connection, query: Select, order: ColumnElement, tiebreak: ColumnElement,
               request: PageRequest) -> tuple[list, int]:  # type: ignore[type-arg]
    """Rows of one page of `query` by `order` (then `tiebreak`, so equal dates page stably) and the total."""
    total = conn.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    ordering = (order.desc(), tiebreak.desc()) if request.direction == "desc" else (order.asc(), tiebreak.asc())
    rows = conn.execute(query.order_by(*ordering).limit(request.per_page).offset(request.offset)).mappings().all()
    return list(rows), int(total)
