"""`/sharing/analytics/snapshots.json` (initiate, list) and `/sharing/analytics/snapshots/<token>.json` (read,
delete). Initiate answers at once: 201 `scheduled` with the new snapshot's token, or, while a snapshot of the
message is pending, the seed page's `processing` body (code 102) under HTTP **207** (a final 102 is unreadable to
every client: docs/decisions/2026-11-23-snapshot-already-pending-is-http-207.md)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.api.oneall import envelope
from sharelytics.api.oneall.call import begin, confirm_deletion, page_request
from sharelytics.api.oneall.fields import node, string
from sharelytics.api.oneall.snapshot_render import details, initiated, summary
from sharelytics.core.snapshots.addresses import MAX_URI, AllowList
from sharelytics.core.snapshots.initiate import initiate_snapshot
from sharelytics.core.snapshots.model import SnapshotFilter
from sharelytics.core.snapshots.store import delete_snapshot, get_snapshot, list_snapshots

SCHEDULED_INFO = "Your request has been received and scheduled to be processed"  # seed page, verbatim
PROCESSING_INFO = "Your request is currently being processed"  # seed page, verbatim
PENDING_HTTP = 207  # the later OneAll docs' status for "already pending"; the body keeps code 102
WHERE = "request.analytics.sharing"


async def initiate(request: Request) -> Response:
    call = await begin(request)
    sharing = node(node(await call.body(), "analytics", path="request"), "sharing", path="request.analytics")
    token = string(sharing, "sharing_message_token", path=WHERE, required=True, limit=64).strip()
    pingback = string(sharing, "pingback_uri", path=WHERE, limit=MAX_URI).strip() or None  # PHP SDK sends null
    allow = AllowList.parse(call.services.settings.pingback_allow)
    outcome, events = await call.run(initiate_snapshot, call.services.engine, call.project.id, token, pingback, allow)
    data = {"sharing_analytics_snapshot": initiated(outcome.snapshot)}
    if outcome.already_pending:
        body = {"response": {"request": envelope.request_node(call.resource, "processing", 102, PROCESSING_INFO),
                             "result": {"data": data}}}
        return wire.JsonResponse(body, status_code=PENDING_HTTP)
    jobs = call.services.jobs
    if jobs is not None:
        await call.run(jobs.dispatch, events)
    return envelope.answer(call.resource, data, code=201, flag="scheduled", info=SCHEDULED_INFO)


async def list_all(request: Request) -> Response:
    call = await begin(request)
    where = SnapshotFilter(user_token=_filter(request, "user_token"), identity_token=_filter(request, "identity_token"))
    page = await call.run(list_snapshots, call.services.engine, call.project.id, where, page_request(request))
    return envelope.answer(call.resource, {"sharing_analytics_snapshots": envelope.paginated(
        page, summary, order_field="date_initiated")})


def _filter(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    return value[:64] or None


async def read(request: Request) -> Response:
    call = await begin(request)
    found = await call.run(get_snapshot, call.services.engine, call.project.id, request.path_params["token"])
    info = envelope.SUCCESS_INFO if found.processed else (
        "The snapshot has not been finished yet (status " + found.status + "); read it again once it has a "
        "date_finished")
    return envelope.answer(call.resource, {"sharing_analytics_snapshot": details(found)}, info=info)


async def delete(request: Request) -> Response:
    call = await begin(request)
    confirm_deletion(request)
    await call.run(delete_snapshot, call.services.engine, call.project.id, request.path_params["token"])
    # The documented text, verbatim (reference/oneall-sharing.md §4.5).
    return envelope.answer(call.resource, info="The sharing analytics snapshot has been deleted successfully")
