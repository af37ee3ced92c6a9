"""Reports -> the Stats API's JSON.

Top-level keys are in the order of the recorded range/totals answer (reference §5.2, alphabetical); a group is its
value under the group_by name, then its metrics. Extensions (`with_bots`, `with_uniques`) add keys only when asked
for, so the default answer has exactly the recorded shape.
"""

from __future__ import annotations

from typing import Any

from sharelytics.api import wire
from sharelytics.api.awesm.render import link_object
from sharelytics.core.links.model import Link
from sharelytics.core.stats.model import CONVERSION_TYPES, Bucket, Group, Metrics, Report, StatsQuery


def metrics(m: Metrics, query: StatsQuery) -> dict[str, Any]:
    out: dict[str, Any] = {"clicks": m.clicks, "clicks_per_share": m.clicks_per_share, "shares": m.shares}
    if query.with_bots:
        out["bot_clicks"], out["unfurler_clicks"] = m.bots, m.unfurlers
    if query.with_uniques:
        out["unique_clicks"] = m.uniques
    if query.with_conversions:
        out["conversions"] = conversions(m)
    return out


def conversions(m: Metrics) -> dict[str, Any]:
    found = {kind: {"count": m.conversions.get(kind, [0, 0])[0], "value": m.conversions.get(kind, [0, 0])[1]}
             for kind in CONVERSION_TYPES}
    goals = [v for k, v in found.items() if k != "pageview"]
    found["goal_total"] = {"count": sum(g["count"] for g in goals), "value": sum(g["value"] for g in goals)}
    return found


def buckets(items: list[Bucket], query: StatsQuery) -> list[dict[str, Any]]:
    return [
        {"start_date": wire.iso_z(b.start), "end_date": wire.iso_z(b.end), **metrics(b.metrics, query)}
        for b in items
    ]


def metadata(value: Any) -> Any:
    return link_object(value) if isinstance(value, Link) else value


def group(g: Group, name: str, query: StatsQuery) -> dict[str, Any]:
    out: dict[str, Any] = {name: g.value, **metrics(g.metrics, query)}
    if query.with_metadata:
        out["metadata"] = metadata(g.metadata)
    if g.pivots is not None and query.pivot:
        out["pivots"] = [group(p, query.pivot, query) for p in g.pivots]
    if g.intervals is not None:
        out["intervals"] = buckets(g.intervals, query)
    return out


def filters(query: StatsQuery) -> list[dict[str, Any]]:
    return [{"name": f.dimension, "values": list(f.values)} for f in query.filters]


def report(r: Report) -> dict[str, Any]:
    q = r.query
    totals = metrics(r.totals, q)
    if r.intervals is not None:
        totals["intervals"] = buckets(r.intervals, q)
    body: dict[str, Any] = {
        "end_date": wire.iso_z(q.end),
        "filters": filters(q),
        "group_by": q.group_by,
        "groups": [group(g, q.group_by or "", q) for g in r.groups],
    }
    if q.interval:
        body["interval"] = q.interval
    body.update({
        "last_offset": r.first + len(r.groups),
        "offset": r.first,
        "page": q.page,
        "per_page": q.per_page,
        "pivot": q.pivot,
        "pivot_sort_order": q.pivot_sort_order,
        "pivot_sort_type": q.pivot_sort_type,
        "sort_order": q.sort_order,
        "sort_type": q.sort_type,
        "start_date": wire.iso_z(q.start),
        "total_results": r.total_results,
        "totals": totals,
    })
    body.update(_flags(q))
    return body


FLAG_ORDER = ("with_conversions", "with_metadata", "with_zeros")  # range, totals, stats/{awesm_id} (§5.2, §5.4)
INTERVALS_FLAG_ORDER = ("with_zeros", "with_metadata", "with_conversions")  # stats/{awesm_id}/intervals (§5.3)


def _flags(q: StatsQuery, order: tuple[str, ...] = FLAG_ORDER) -> dict[str, bool]:
    flags = {name: bool(getattr(q, name)) for name in order}
    if q.with_bots:
        flags["with_bots"] = True
    if q.with_uniques:
        flags["with_uniques"] = True
    return flags


def single_link(awesm_id: str, r: Report, last_clicked_at: Any, link: Link | None) -> dict[str, Any]:
    """stats/{awesm_id}: the recorded shape (reference §5.4), plus metadata / conversions when asked."""
    q = r.query
    body: dict[str, Any] = {"awesm_id": awesm_id}
    body.update({k: v for k, v in metrics(r.totals, q).items() if k not in ("shares", "clicks_per_share")})
    body.update({"end_date": wire.iso_z(q.end), "interval": "none", "start_date": wire.iso_z(q.start)})
    body.update(_flags(q))
    if q.with_metadata and link is not None:
        body["metadata"] = link_object(link)
    return body


def link_intervals(awesm_id: str, r: Report, last_clicked_at: Any, link: Link | None) -> dict[str, Any]:
    """stats/{awesm_id}/intervals, in the order of the recorded opening (reference §5.3)."""
    q = r.query
    body: dict[str, Any] = {
        "awesm_id": awesm_id, "start_date": wire.iso_z(q.start), "end_date": wire.iso_z(q.end),
        "interval": q.interval, **_flags(q, INTERVALS_FLAG_ORDER),
    }
    body.update({k: v for k, v in metrics(r.totals, q).items() if k not in ("shares", "clicks_per_share")})
    body["last_clicked_at"] = wire.iso_z(last_clicked_at)
    if q.with_metadata and link is not None:
        body["metadata"] = link_object(link)
    body["intervals"] = link_buckets(r.intervals or [], q)
    return body


def link_buckets(items: list[Bucket], query: StatsQuery) -> list[dict[str, Any]]:
    """A link's buckets: no shares (the link is one share), so a bucket whose only activity was the link's own
    creation is a quiet one, left out unless with_zeros."""
    kept = items if query.with_zeros else [b for b in items if _clicked_or_converted(b.metrics)]
    return [{k: v for k, v in item.items() if k not in ("shares", "clicks_per_share")} for item in buckets(kept, query)]


def _clicked_or_converted(m: Metrics) -> bool:
    return bool(m.clicks or m.bots or m.unfurlers or any(count for count, _ in m.conversions.values()))
