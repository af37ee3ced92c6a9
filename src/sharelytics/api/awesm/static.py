"""`url/static.{format}`: the project's link for this url and metadata, found or created (`"new"` says which).
No channel needed: without one the link is a `copypaste` link."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api.awesm import render
from sharelytics.api.awesm.call import begin, require
from sharelytics.api.awesm.fields import metadata_from
from sharelytics.core.links.create import NewLink
from sharelytics.core.links.static import static_link


async def static(request: Request) -> Response:
    call = await begin(request, request.path_params.get("format"))
    require(call.params, "url")
    tool, domain = await call.tool(), await call.domain()
    item = NewLink(call.params.get("url") or "", metadata_from(call.params))
    result = await call.run(static_link, call.services.engine, call.project, tool, domain, item)
    return call.answer(render.static_object(result.link, result.new), result.link.awesm_url)
