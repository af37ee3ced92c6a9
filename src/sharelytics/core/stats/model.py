"""Stats value objects: the question (StatsQuery) and the answer (Report), plus the one error class."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

SORT_TYPES = ("clicks", "shares", "clicks_per_share", "shared_at", "conversions")
GOALS = tuple(f"goal_{n}" for n in range(1, 11))
CONVERSION_TYPES = ("pageview",) + GOALS
MAX_PER_PAGE = 1000  # a larger per_page is served (and echoed) as this


class InvalidStatsQuery(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Filter:
    dimension: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class StatsQuery:
    project_ids: tuple[int, ...]
    start: datetime | None = None  # naive UTC, hour-aligned; None with end None: all time
    end: datetime | None = None
    offset: timedelta = timedelta(0)  # the client's UTC offset, for echoing dates and aligning intervals
    interval: str | None = None  # hour | day | week
    filters: tuple[Filter, ...] = ()
    group_by: str | None = None
    pivot: str | None = None
    sort_type: str | None = None
    sort_order: str | None = None  # asc | desc
    pivot_sort_type: str | None = None
    pivot_sort_order: str | None = None
    page: int | None = None
    per_page: int = 10
    first: int | None = None  # the `offset` parameter: position of the first group
    with_conversions: bool = False
    with_metadata: bool = False
    with_zeros: bool = False
    with_bots: bool = False
    with_uniques: bool = False
    # range: clicks inside [start, end) on links active then, shares = links created then.
    # totals / active: all-time clicks of the links shared (totals) or clicked (active) in [start, end).
    scope: str = "range"


@dataclass
class Metrics:
    clicks: int = 0
    bots: int = 0
    unfurlers: int = 0
    uniques: int = 0
    shares: int | None = 0  # None where shares mean nothing (grouped by a click dimension)
    conversions: dict[str, list[int]] = field(default_factory=dict)  # type -> [count, value]
    shared_at: datetime | None = None  # latest share in the group (sort_type=shared_at)

    def add(self, other: Metrics) -> None:
        self.clicks += other.clicks
        self.bots += other.bots
        self.unfurlers += other.unfurlers
        self.uniques += other.uniques
        if self.shares is not None and other.shares is not None:
            self.shares += other.shares
        for kind, (count, value) in other.conversions.items():
            mine = self.conversions.setdefault(kind, [0, 0])
            mine[0] += count
            mine[1] += value
        if other.shared_at and (self.shared_at is None or other.shared_at > self.shared_at):
            self.shared_at = other.shared_at

    @property
    def clicks_per_share(self) -> float | None:
        if self.shares is None:
            return None
        return round(self.clicks / self.shares, 4) if self.shares else 0.0

    @property
    def conversion_count(self) -> int:
        return sum(count for kind, (count, _) in self.conversions.items() if kind != "pageview")


@dataclass
class Bucket:
    start: datetime
    end: datetime
    metrics: Metrics


@dataclass
class Group:
    value: str | None
    metrics: Metrics
    intervals: list[Bucket] | None = None
    pivots: list[Group] | None = None
    metadata: dict[str, Any] | None = None


@dataclass
class Report:
    query: StatsQuery
    totals: Metrics
    groups: list[Group]
    total_results: int
    first: int  # position of the first group returned
    intervals: list[Bucket] | None = None
