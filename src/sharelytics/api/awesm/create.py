"""`url.{format}`: create one link."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api.awesm import render
from sharelytics.api.awesm.call import begin, require
from sharelytics.api.awesm.fields import metadata_from
from sharelytics.core.links.create import NewLink


async def create(request: Request) -> Response:
    call = await begin(request, request.path_params.get("format"))
    require(call.params, "url", "channel")
    tool, domain = await call.tool(), await call.domain()
    item = NewLink(call.params.get("url") or "", metadata_from(call.params))
    link = await call.services.creates.create(call.project, tool, domain, item)
    return call.answer(render.link_object(link), link.awesm_url)
