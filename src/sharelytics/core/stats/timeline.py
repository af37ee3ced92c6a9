"""Time: parsing awe.sm dates, rounding ranges to hours, intervals, and splitting a span into whole UTC days plus
edge hours so that each part is read from the coarsest rollup that answers it exactly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from dateutil import parser as dateparser

from sharelytics.core.stats.model import InvalidStatsQuery

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
STEPS = {"hour": HOUR, "day": DAY, "week": timedelta(days=7)}
MAX_INTERVALS = 500
EARLIEST = datetime(2010, 6, 4)
LATEST = datetime(9000, 1, 1)  # far from datetime.max, so rounding up and interval arithmetic cannot overflow
# Sharengine sends `MM/DD/YYYYT00:00:00-08:00`: a US date glued to a time with a `T`.
_US_DATE_T = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})T(.*)$")


@dataclass(frozen=True)
class Instant:
    """A moment in naive UTC plus the UTC offset the client wrote it in (intervals start at the client's hours)."""

    utc: datetime
    offset: timedelta


def parse_date(value: str, field: str) -> Instant:
    text = value.strip()
    match = _US_DATE_T.match(text)
    if match:
        month, day, year, rest = match.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}T{rest}"
    try:
        parsed = dateparser.isoparse(text) if "/" not in text else dateparser.parse(text, dayfirst=False)
        offset = parsed.utcoffset() or timedelta(0)
        utc = (parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)).replace(tzinfo=None)
    except (ValueError, OverflowError, TypeError) as exc:  # dateutil raises all three on odd input
        raise InvalidStatsQuery(f"{field} is not a date: {value[:64]!r}", field) from exc
    if not EARLIEST <= utc <= LATEST:
        raise InvalidStatsQuery(f"{field} must be between 2010-06-04 and 9000-01-01", field)
    return Instant(utc, offset)


def floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def ceil_hour(moment: datetime) -> datetime:
    floored = floor_hour(moment)
    return floored if floored == moment else floored + HOUR


def floor_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def ceil_day(moment: datetime) -> datetime:
    floored = floor_day(moment)
    return floored if floored == moment else floored + DAY


def round_range(start: Instant, end: Instant) -> tuple[datetime, datetime]:
    """[start rounded down to the hour, end rounded up to the hour), checked."""
    lo, hi = floor_hour(start.utc), ceil_hour(end.utc)
    if lo < EARLIEST:
        raise InvalidStatsQuery("start_date must be after 2010-06-04", "start_date")
    if hi <= lo:
        raise InvalidStatsQuery("end_date must be after start_date", "end_date")
    return lo, hi


def intervals(start: datetime, end: datetime, name: str) -> list[tuple[datetime, datetime]]:
    """Consecutive [a, b) from start (the client's own hour, so days follow its time zone); the last is cut at end."""
    step = STEPS[name]
    count = -(-(end - start) // step)
    if count > MAX_INTERVALS:
        raise InvalidStatsQuery(f"that range has {count} {name} intervals; the limit is {MAX_INTERVALS}", "interval")
    return [(start + i * step, min(start + (i + 1) * step, end)) for i in range(count)]


@dataclass(frozen=True)
class Split:
    """A span as whole UTC days [days_from, days_to) and the hour spans left at its edges."""

    days: tuple[datetime, datetime] | None
    hours: tuple[tuple[datetime, datetime], ...]


def split(start: datetime, end: datetime) -> Split:
    first_day, last_day = ceil_day(start), floor_day(end)
    if last_day <= first_day:
        return Split(None, ((start, end),))
    edges = tuple((a, b) for a, b in ((start, first_day), (last_day, end)) if b > a)
    return Split((first_day, last_day), edges)


def segments(start: datetime, end: datetime, interval: str | None) -> list[tuple[str, datetime, datetime]]:
    """(unit, a, b) pieces covering [start, end): whole UTC days from the day rollups, the rest from hours."""
    if interval == "hour":
        return [("hour", start, end)]
    if interval in ("day", "week") and start != floor_day(start):
        return [("hour", start, end)]  # buckets start at the client's local midnight: only hours align
    cut = split(start, end)
    parts = [("hour", a, b) for a, b in cut.hours]
    if cut.days:
        parts.append(("day", *cut.days))
    return parts


def iso(moment: datetime | None) -> str | None:
    """awe.sm's response form: `2011-10-04T18:00:57Z`."""
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def local_iso(moment: datetime, offset: timedelta) -> str:
    """A UTC moment written in the client's offset (`2014-02-02T00:00:00-08:00`); `Z` for UTC."""
    if not offset:
        return iso(moment) or ""
    return (moment.replace(tzinfo=UTC).astimezone(timezone(offset))).isoformat()
