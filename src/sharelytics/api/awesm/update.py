"""`url/update/{awesm_id}.{format}`: add share metadata to a link of the last 30 days.

The awesm_id and the format share the last path segment (`demo.awe.sm_K5s.json`). The tool names the update
method: it must be one of the project's tools, but the link keeps the tool it was created with.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.api.awesm import render
from sharelytics.api.awesm.call import begin
from sharelytics.api.awesm.fields import metadata_from
from sharelytics.core.links.update import update_link


async def update(request: Request) -> Response:
    awesm_id, suffix = wire.split_format(request.path_params["target"])
    request.state.awesm_path_values = {"awesm_id": awesm_id}
    call = await begin(request, suffix)
    await call.tool()
    link = await call.run(update_link, call.services.engine, call.project, awesm_id, metadata_from(call.params))
    return call.answer(render.updated_object(link), link.awesm_url)
