"""The period a dashboard page shows, from `?period=`, as the hour-aligned UTC range core.stats expects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sharelytics.core.clock import utcnow

PERIODS = {"1d": 1, "7d": 7, "30d": 30, "90d": 90, "365d": 365}
DEFAULT_PERIOD = "30d"


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime
    end: datetime
    interval: str  # hour for a day, day up to a quarter, week beyond (the stats API allows 500 buckets)

    def label(self, moment: datetime) -> str:
        return moment.strftime("%H:00" if self.interval == "hour" else "%b %d")


def period_from(value: str | None, now: datetime | None = None) -> Period:
    key = value if value in PERIODS else DEFAULT_PERIOD
    days = PERIODS[key]
    end = (now or utcnow()).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(days=days)
    interval = "hour" if days <= 1 else "day" if days <= 90 else "week"
    return Period(key, start, end, interval)
