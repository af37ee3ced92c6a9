"""`/identities.json` (list) and `/identities/<identity_token>.json` (read, delete)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api.oneall import envelope, render
from sharelytics.api.oneall.call import begin, confirm_deletion, page_request
from sharelytics.core.sharing import identities


async def list_identities(request: Request) -> Response:
    call = await begin(request)
    page = await call.run(identities.list_identities, call.services.engine, call.project.id, page_request(request))
    return envelope.answer(call.resource, {"identities": envelope.paginated(page, render.identity)})


async def read_identity(request: Request) -> Response:
    call = await begin(request)
    found = await call.run(identities.get_identity, call.services.engine, call.project.id,
                           request.path_params["token"])
    return envelope.answer(call.resource, {"identity": render.identity(found)})


async def delete_identity(request: Request) -> Response:
    call = await begin(request)
    confirm_deletion(request)
    await call.run(identities.delete_identity, call.services.engine, call.project.id, request.path_params["token"])
    return envelope.answer(call.resource, info="The identity has been deleted successfully")
