"""Dashboard pages about links: the list (search, filters, pages), one link, campaigns and tools.

Every number is a core.stats report, read from the same rollups as the awe.sm Stats API.
"""

from __future__ import annotations

from typing import Any

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sharelytics.core.links.browse import (
    MAX_CHILDREN,
    all_time_page,
    children,
    common_values,
    get_link,
    lineage,
    search_awesm_ids,
)
from sharelytics.core.links.model import Link
from sharelytics.core.stats.model import Filter, Group, Report, StatsQuery
from sharelytics.core.stats.report import build_report
from sharelytics.web import charts
from sharelytics.web.auth import login_required
from sharelytics.web.pages_common import (
    PER_PAGE,
    current,
    not_found,
    page_number,
    services_of,
    text_param,
)
from sharelytics.web.periods import PERIODS, Period, period_from
from sharelytics.web.templating import render

LINK_FILTERS = ("campaign", "channel", "tool", "tag", "user_id")
FILTER_CHOICES = ("campaign", "channel", "tool")  # offered as drop-downs; the others are typed
LINK_SORTS = ("shared_at", "clicks", "shares")
BREAKDOWNS = (("country", "Countries"), ("browser", "Browsers"), ("device", "Devices"), ("os", "Operating systems"),
              ("referrer_host", "Referrers"))
TOP = 10


async def _report(request: Request, query: StatsQuery) -> Report:
    return await run_in_threadpool(build_report, services_of(request).engine, query)


def _ranged(project_id: int, period: Period | None, **values: Any) -> StatsQuery:
    if period is None:  # all time: answered from the per-link totals
        return StatsQuery(project_ids=(project_id,), **values)
    return StatsQuery(project_ids=(project_id,), start=period.start, end=period.end, **values)


def _optional_period(request: Request) -> Period | None:
    raw = request.query_params.get("period")
    return period_from(raw) if raw in PERIODS else None


async def _all_time_links(request: Request, project_id: int, equal: dict[str, str], among: tuple[str, ...] | None,
                          sort: str, page: int) -> Report:
    """All time: the page's links are picked from the links table (and the per-link totals), then only their
    counts are read from the rollups. Grouping every link's counts to show 25 of them took seconds."""
    ids, total = await run_in_threadpool(all_time_page, services_of(request).engine, project_id, equal, among, sort,
                                         (page - 1) * PER_PAGE, PER_PAGE)
    filters = tuple(Filter(name, (value,)) for name, value in equal.items())
    filters += (Filter("awesm_id", among),) if among is not None else ()
    totals = await _report(request, _ranged(project_id, None, filters=filters))
    if not ids:
        return Report(totals.query, totals.totals, [], total, (page - 1) * PER_PAGE)
    shown = await _report(request, _ranged(project_id, None, group_by="awesm_id",
                                           filters=(Filter("awesm_id", tuple(ids)),), with_metadata=True,
                                           sort_type=sort, per_page=PER_PAGE))
    return Report(shown.query, totals.totals, shown.groups, total, (page - 1) * PER_PAGE)


@login_required
async def links_list(request: Request) -> Response:
    viewer = current(request)
    period = _optional_period(request)
    chosen = {name: text_param(request, name) for name in LINK_FILTERS}
    filters = [Filter(name, (value,)) for name, value in chosen.items() if value]
    search = text_param(request, "q")
    if search:
        matches = await run_in_threadpool(search_awesm_ids, services_of(request).engine, viewer.project_id, search)
        filters.append(Filter("awesm_id", tuple(matches) or ("",)))
    sort = request.query_params.get("sort")
    sort = sort if sort in LINK_SORTS else "shared_at"
    page = page_number(request)
    if period is None:
        report = await _all_time_links(request, viewer.project_id, {k: v for k, v in chosen.items() if v},
                                       filters[-1].values if search else None, sort, page)
    else:
        report = await _report(request, _ranged(viewer.project_id, period, group_by="awesm_id",
                                                filters=tuple(filters), with_metadata=True, sort_type=sort, page=page,
                                                per_page=PER_PAGE))
    choices = {}
    for name in FILTER_CHOICES:  # from the links themselves: grouping all-time counts took 0.2 s on 1M clicks
        found = await run_in_threadpool(common_values, services_of(request).engine, viewer.project_id, name)
        choices[name] = sorted(found)
    params = {**chosen, "q": search, "sort": sort, "period": period.key if period else ""}
    pages = max(1, -(-report.total_results // PER_PAGE))
    return render(request, "links.html", {"report": report, "params": params, "choices": choices, "page": page,
                                          "pages": pages, "periods": PERIODS, "sorts": LINK_SORTS})


def _breakdown_rows(report: Report) -> list[tuple[str, float]]:
    """Human clicks per value. A value only bots or link previews had (Googlebot as a browser, Spider as a device)
    has no human click: it is left out, not shown as a zero row; those are counted in the humans, bots and link
    previews panel. Groups come sorted by human clicks, so dropping them loses no row of the top ones."""
    return [(str(g.value) if g.value not in (None, "") else "(none)", float(g.metrics.clicks))
            for g in report.groups if g.metrics.clicks > 0]


async def _reshare_rows(request: Request, project_id: int, period: Period, link: Link,
                        kids: list[Link]) -> list[tuple[str, float]]:
    """Clicks on the links shared from this one, by channel. Most links have no reshare: no query then. Named by
    their awesm_ids the counts come from the per-link rollups (a `parent` filter reads every link's counts: 0.6 s
    on 1M clicks); only past the share tree's limit, where the list may be cut, by `parent`."""
    if not kids:
        return []
    narrowed = (Filter("awesm_id", tuple(k.awesm_id for k in kids)) if len(kids) < MAX_CHILDREN
                else Filter("parent", (link.awesm_id,)))
    report = await _report(request, _ranged(project_id, period, filters=(narrowed,), group_by="channel",
                                            per_page=TOP))
    return _breakdown_rows(report)


@login_required
async def link_page(request: Request) -> Response:
    viewer = current(request)
    engine = services_of(request).engine
    link = await run_in_threadpool(get_link, engine, viewer.project_id, request.path_params["awesm_id"])
    if link is None:
        return not_found(request, "link")
    period = period_from(request.query_params.get("period"))
    only = (Filter("awesm_id", (link.awesm_id,)),)
    found: dict[str, Any] = {}

    async def fetch(name: str, query: StatsQuery) -> None:
        found[name] = await _report(request, query)

    async def share_tree() -> None:
        found["children"] = kids = await run_in_threadpool(children, engine, link)
        found["reshares"] = await _reshare_rows(request, viewer.project_id, period, link, kids)
        found["ancestors"] = await run_in_threadpool(lineage, engine, link)

    # Each panel reads its own rollup rows in its own connection: SQLite releases the GIL while it reads, so the
    # panels of a much-clicked link load on every core at once instead of one after another.
    async with anyio.create_task_group() as panels:
        panels.start_soon(fetch, "overall", _ranged(viewer.project_id, period, filters=only,
                                                    interval=period.interval, with_zeros=True))
        for dimension, _title in BREAKDOWNS:
            panels.start_soon(fetch, dimension, _ranged(viewer.project_id, period, filters=only,
                                                         group_by=dimension, per_page=TOP))
        panels.start_soon(share_tree)
    overall = found["overall"]
    buckets = overall.intervals or []
    timeline = charts.stacked_columns(
        "Clicks over time: humans, bots and link previews", [period.label(b.start) for b in buckets],
        [charts.Series("humans", [b.metrics.clicks for b in buckets]),
         charts.Series("bots", [b.metrics.bots for b in buckets]),
         charts.Series("link previews", [b.metrics.unfurlers for b in buckets])])
    breakdowns = [(title, charts.bars(f"Clicks by {title.lower()}", _breakdown_rows(found[dimension])))
                  for dimension, title in BREAKDOWNS]
    breakdowns.append(("Reshares by channel", charts.bars("Clicks on reshares by channel", found["reshares"])))
    return render(request, "link.html", {
        "link": link, "period": period, "periods": PERIODS, "totals": overall.totals, "timeline": timeline,
        "breakdowns": breakdowns, "ancestors": found["ancestors"], "children": found["children"],
        "classes": charts.bars("Humans, bots and link previews", [
            ("humans", float(overall.totals.clicks)), ("bots", float(overall.totals.bots)),
            ("link previews", float(overall.totals.unfurlers))])})


def _group_rows(groups: list[Group]) -> list[tuple[str, float]]:
    return [(str(g.value), float(g.metrics.clicks)) for g in groups if g.value is not None and g.metrics.clicks > 0]


async def _grouped_page(request: Request, dimension: str, title: str) -> Response:
    viewer = current(request)
    period = _optional_period(request)
    page = page_number(request)
    report = await _report(request, _ranged(viewer.project_id, period, group_by=dimension, with_metadata=True,
                                            sort_type="clicks", page=page, per_page=PER_PAGE))
    pages = max(1, -(-report.total_results // PER_PAGE))
    return render(request, "groups.html", {
        "title": title, "dimension": dimension, "report": report, "page": page, "pages": pages, "periods": PERIODS,
        "period": period.key if period else "", "chart": charts.bars(f"Clicks by {dimension}",
                                                                     _group_rows(report.groups[:TOP]))})


@login_required
async def campaigns_page(request: Request) -> Response:
    return await _grouped_page(request, "campaign", "Campaigns")


@login_required
async def tools_page(request: Request) -> Response:
    return await _grouped_page(request, "tool", "Tools")
