"""One small handler per Stats endpoint: read the request, build the StatsQuery, one core call, render."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.api.awesm.call import find_project, services_of
from sharelytics.api.awesm.errors import BadVersion, MissingParameter
from sharelytics.api.awesm.stats import render
from sharelytics.api.awesm.stats.errors import UnknownLink
from sharelytics.api.awesm.stats.params import keys_of, query_of
from sharelytics.core.stats.links import find_links, last_clicked
from sharelytics.core.stats.model import Filter, InvalidStatsQuery, StatsQuery
from sharelytics.core.stats.report import build_report

MAX_BATCH = 100


async def _begin(request: Request, suffix: str | None) -> tuple[wire.Params, tuple[int, ...]]:
    """Parameters, format (json only: the Stats API has no txt) and the projects of every key given."""
    params = await wire.read_params(request, services_of(request).settings.max_body_bytes)
    fmt = wire.response_format(suffix, params)
    if fmt != "json":
        raise wire.BadFormat("the Stats API answers json only", "format")
    request.state.awesm_callback = wire.jsonp_callback(params, fmt)
    version = params.get("v")
    if version is not None and version.strip() != "3":
        raise BadVersion(f"unsupported API version {version[:16]!r}: use v=3", "v")
    projects = [await find_project(request, key) for key in keys_of(params)]
    return params, tuple(sorted({p.id for p in projects}))


def _answer(request: Request, body: dict[str, Any]) -> Response:
    callback = getattr(request.state, "awesm_callback", None)
    return wire.JsonpResponse(body, callback) if callback else wire.JsonResponse(body)


async def _report(request: Request, query: StatsQuery) -> Any:
    return await run_in_threadpool(build_report, services_of(request).engine, query)


def _suffix(request: Request) -> str | None:
    return request.path_params.get("format")


async def stats_range(request: Request, *, intervals: bool = False) -> Response:
    params, project_ids = await _begin(request, _suffix(request))
    # cuteonme (awe.sm's own sample app) asks stats/range without dates: all time (docs/decisions).
    query = query_of(params, project_ids, scope="range", dates_required=intervals, intervals=intervals)
    return _answer(request, render.report(await _report(request, query)))


async def stats_totals(request: Request, *, scope: str = "totals") -> Response:
    params, project_ids = await _begin(request, _suffix(request))
    query = query_of(params, project_ids, scope=scope, dates_required=scope == "active", intervals=False)
    return _answer(request, render.report(await _report(request, query)))


async def stats_link(request: Request, *, intervals: bool = False) -> Response:
    """`/stats/demo.awe.sm_K7e.json` (id and suffix share a segment) or `/stats/demo.awe.sm_K7e/intervals.json`."""
    target = wire.path_text(request.path_params["target"])
    awesm_id, suffix = (target, _suffix(request)) if intervals else wire.split_format(target)
    params, project_ids = await _begin(request, suffix)
    engine = services_of(request).engine
    found = (await run_in_threadpool(find_links, engine, project_ids, [awesm_id])).get(awesm_id)
    if found is None:
        raise UnknownLink(f"Unknown awesm_id: {awesm_id[:330]}", "awesm_id")
    query = query_of(params, project_ids, scope="range", dates_required=intervals, intervals=intervals)
    if query.start is None:
        query = replace(query, scope="totals")  # no dates: all-time clicks
    report = await _report(request, replace(query, filters=(Filter("awesm_id", (awesm_id,)),)))
    last = (await run_in_threadpool(last_clicked, engine, [found.id])).get(found.id)
    build = render.link_intervals if intervals else render.single_link
    return _answer(request, build(awesm_id, report, last, found))


async def stats_batch(request: Request, *, intervals: bool = False) -> Response:
    params, project_ids = await _begin(request, _suffix(request))
    ids = [i.strip() for value in params.getlist("awesm_ids") for i in value.split(",") if i.strip()]
    if not ids:
        raise MissingParameter("awesm_ids is required", "awesm_ids")
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_BATCH:  # refused rather than cut: a client must not mistake a partial answer for a whole
        raise InvalidStatsQuery(f"at most {MAX_BATCH} awesm_ids per request", "awesm_ids")
    query = query_of(params, project_ids, scope="range", dates_required=intervals, intervals=intervals)
    if query.start is None:
        query = replace(query, scope="totals")
    query = replace(query, filters=(Filter("awesm_id", tuple(ids)),), group_by="awesm_id", pivot=None,
                    per_page=len(ids), page=None, first=None)
    report = await _report(request, query)
    engine = services_of(request).engine
    found = await run_in_threadpool(find_links, engine, project_ids, ids)
    last = await run_in_threadpool(last_clicked, engine, [link.id for link in found.values()])
    by_id = {g.value: g for g in report.groups}
    items = []
    for awesm_id in ids:
        link = found.get(awesm_id)
        group = by_id.get(awesm_id)
        item: dict[str, Any] = {"awesm_id": awesm_id, "clicks": group.metrics.clicks if group else 0,
                                "last_clicked_at": wire.iso_z(last.get(link.id) if link else None)}
        if query.with_metadata:
            item["metadata"] = render.metadata(link)
        if intervals:
            item["intervals"] = render.link_buckets(group.intervals or [] if group else [], query)
        items.append(item)
    return _answer(request, {"awesm_ids": items})
