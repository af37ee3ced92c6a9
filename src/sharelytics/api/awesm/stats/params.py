"""Stats parameters -> the core's StatsQuery: keys, dates, interval, flags, filters, grouping, sorting, paging."""

from __future__ import annotations

from dataclasses import dataclass

from sharelytics.api import wire
from sharelytics.api.awesm.errors import InvalidKey, MissingParameter
from sharelytics.api.awesm.stats.errors import TooManyKeys
from sharelytics.core.stats import timeline
from sharelytics.core.stats.dimensions import DIMENSIONS, canonical
from sharelytics.core.stats.model import MAX_PER_PAGE, SORT_TYPES, Filter, InvalidStatsQuery, StatsQuery

MAX_KEYS = 50
MAX_FILTER_VALUES = 100
MAX_POSITION = 1_000_000_000  # page, per_page and offset
TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off", ""}
FLAGS = ("with_conversions", "with_metadata", "with_zeros", "with_bots", "with_uniques")


def keys_of(params: wire.Params) -> list[str]:
    """`key` as one value, an array (`key[]=`), repeated, or comma-separated: up to 50 projects at once."""
    keys = [k.strip() for value in params.getlist("key") for k in value.split(",") if k.strip()]
    if not keys:
        raise InvalidKey("Invalid API key", "key")  # the Stats API answers a missing key like a wrong one: 403
    if len(keys) > MAX_KEYS:
        raise TooManyKeys(f"at most {MAX_KEYS} keys per request", "key")
    return list(dict.fromkeys(keys))


def flag(params: wire.Params, name: str) -> bool:
    value = (params.get(name) or "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise InvalidStatsQuery(f"{name} must be true or false", name)


def _int(params: wire.Params, name: str, lowest: int) -> int | None:
    value = params.get(name)
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > 12:  # also keeps int() away from megabyte-long digit strings
        raise InvalidStatsQuery(f"{name} must be at most {MAX_POSITION}", name)
    try:
        number = int(text)
    except ValueError as exc:
        raise InvalidStatsQuery(f"{name} must be an integer", name) from exc
    if number < lowest:
        raise InvalidStatsQuery(f"{name} must be at least {lowest}", name)
    if number > MAX_POSITION:  # echoed back: must fit JSON's safe integers
        raise InvalidStatsQuery(f"{name} must be at most {MAX_POSITION}", name)
    return number


def _choice(params: wire.Params, name: str, allowed: tuple[str, ...]) -> str | None:
    value = (params.get(name) or "").strip().lower() or None
    if value is not None and value not in allowed:
        raise InvalidStatsQuery(f"{name} must be one of {', '.join(allowed)}", name)
    return value


def _dimension(params: wire.Params, name: str) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    found = canonical(value)
    if found is None:
        raise InvalidStatsQuery(f"{name} must be one of {', '.join(DIMENSIONS)}", name)
    return found


def filters_of(params: wire.Params) -> tuple[Filter, ...]:
    found: list[Filter] = []
    for name in params.names():
        dimension = canonical(name)
        if dimension is None:
            continue
        values = tuple(v for v in params.getlist(name) if v != "")
        if len(values) > MAX_FILTER_VALUES:
            raise InvalidStatsQuery(f"at most {MAX_FILTER_VALUES} values for {name}", name)
        if values:
            found.append(Filter(dimension, values))
    return tuple(found)


@dataclass(frozen=True)
class Dates:
    start: timeline.Instant | None
    end: timeline.Instant | None


def dates_of(params: wire.Params, required: bool) -> Dates:
    raw = {name: (params.get(name) or "").strip() for name in ("start_date", "end_date")}
    if required:
        for name, value in raw.items():
            if not value:
                raise MissingParameter(f"{name} is required", name)
    if bool(raw["start_date"]) != bool(raw["end_date"]):
        missing = "end_date" if raw["start_date"] else "start_date"
        raise MissingParameter(f"{missing} is required with the other date", missing)
    if not raw["start_date"]:
        return Dates(None, None)
    return Dates(timeline.parse_date(raw["start_date"], "start_date"), timeline.parse_date(raw["end_date"], "end_date"))


def query_of(
    params: wire.Params, project_ids: tuple[int, ...], *, scope: str, dates_required: bool, intervals: bool
) -> StatsQuery:
    dates = dates_of(params, dates_required)
    start = end = None
    if dates.start and dates.end:
        start, end = timeline.round_range(dates.start, dates.end)
    interval = None
    if intervals:
        interval = _choice(params, "interval", tuple(timeline.STEPS)) or "day"
        if start is None or end is None:
            raise MissingParameter("start_date and end_date are required for intervals", "start_date")
        timeline.intervals(start, end, interval)  # checks the 500-interval limit
    filters = filters_of(params)
    group_by, pivot = _dimension(params, "group_by"), _dimension(params, "pivot")
    filtered = {f.dimension for f in filters}
    for name, value in (("group_by", group_by), ("pivot", pivot)):
        if value in filtered:
            raise InvalidStatsQuery("You cannot group and filter on the same parameter simultaneously", name)
    if pivot and not group_by:
        raise InvalidStatsQuery("pivot requires group_by", "pivot")
    if pivot and pivot == group_by:
        raise InvalidStatsQuery("pivot must differ from group_by", "pivot")
    return StatsQuery(
        project_ids=project_ids, start=start, end=end, offset=dates.start.offset if dates.start else timeline.HOUR * 0,
        interval=interval, filters=filters, group_by=group_by, pivot=pivot,
        sort_type=_choice(params, "sort_type", SORT_TYPES), sort_order=_choice(params, "sort_order", ("asc", "desc")),
        pivot_sort_type=_choice(params, "pivot_sort_type", SORT_TYPES),
        pivot_sort_order=_choice(params, "pivot_sort_order", ("asc", "desc")),
        page=_int(params, "page", 1), per_page=min(_int(params, "per_page", 1) or 10, MAX_PER_PAGE), first=_int(params, "offset", 0),
        scope=scope, **{name: flag(params, name) for name in FLAGS},
    )
