"""Dashboard pages about sharing: messages with their publications, and snapshots comparing the networks."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sharelytics.core.sharing.errors import MessageNotFound
from sharelytics.core.sharing.messages import get_message, list_messages
from sharelytics.core.sharing.pages import PageRequest
from sharelytics.core.snapshots.errors import SnapshotNotFound
from sharelytics.core.snapshots.history import (
    SnapshotSummary,
    message_history,
    summarize,
)
from sharelytics.core.snapshots.store import get_snapshot
from sharelytics.web import charts
from sharelytics.web.auth import login_required
from sharelytics.web.pages_common import (
    PER_PAGE,
    current,
    not_found,
    page_number,
    services_of,
)
from sharelytics.web.templating import render

TOKEN_MAX = 64


@login_required
async def messages_list(request: Request) -> Response:
    viewer = current(request)
    page = page_number(request)
    found = await run_in_threadpool(list_messages, services_of(request).engine, viewer.project_id,
                                    PageRequest(page=page, per_page=PER_PAGE, direction="desc"))
    return render(request, "messages.html", {"found": found, "page": page, "pages": found.total_pages})


def _history_chart(history: list[SnapshotSummary]) -> charts.Markup:
    labels = [s.at.strftime("%b %d %H:%M") for s in history]
    return charts.lines("Reactions and referrals at each snapshot", labels, [
        charts.Series("reactions", [sum(n.reactions for n in s.networks.values()) for s in history]),
        charts.Series("referrals", [sum(n.referrals for n in s.networks.values()) for s in history])])


@login_required
async def message_page(request: Request) -> Response:
    viewer = current(request)
    engine = services_of(request).engine
    token = request.path_params["token"][:TOKEN_MAX]
    try:
        message = await run_in_threadpool(get_message, engine, viewer.project_id, token)
    except MessageNotFound:
        return not_found(request, "sharing message")
    history = await run_in_threadpool(message_history, engine, viewer.project_id, message.message_token)
    return render(request, "message.html", {"message": message, "history": history,
                                            "history_chart": _history_chart(history)})


@login_required
async def snapshot_page(request: Request) -> Response:
    viewer = current(request)
    engine = services_of(request).engine
    try:
        snapshot = await run_in_threadpool(get_snapshot, engine, viewer.project_id,
                                           request.path_params["token"][:TOKEN_MAX])
    except SnapshotNotFound:
        return not_found(request, "snapshot")
    summary = summarize(snapshot)
    networks = sorted(summary.networks.values(), key=lambda n: n.provider)
    names = [n.provider for n in networks]
    comparison = charts.grouped_columns("Reactions and referrals per network", names, [
        charts.Series("reactions", [n.reactions for n in networks]),
        charts.Series("referrals", [n.referrals for n in networks])])
    history = await run_in_threadpool(message_history, engine, viewer.project_id, snapshot.message.message_token)
    return render(request, "snapshot.html", {"snapshot": snapshot, "networks": networks, "comparison": comparison,
                                             "history": history, "history_chart": _history_chart(history)})
