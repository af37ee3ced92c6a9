"""`url/batch.{format}`: one link per element of the one array field, all in one transaction.

The array arrives PHP-style (`tag[]=A&tag[]=B`, brackets raw or escaped), as a repeated parameter, or, for
`channel` and `url`, comma-separated (Shelby sends `channel=twitter,facebook-post`). Two arrays are refused; no
array gives one link. See docs/decisions/2026-11-23-batch-takes-exactly-one-array.md.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.api.awesm import render
from sharelytics.api.awesm.call import begin
from sharelytics.api.awesm.errors import BatchShape, MissingParameter
from sharelytics.api.awesm.fields import METADATA_FIELDS, metadata_from
from sharelytics.core.links.create import NewLink, create_links

MAX_ELEMENTS = 100
ARRAY_FIELDS = ("url", *METADATA_FIELDS)
# A comma starts a new element only before a new URL: commas inside one URL (`/a,b`) are left alone.
_URL_LIST = re.compile(r",(?=\s*https?://)", re.IGNORECASE)


def _elements(params: wire.Params, name: str) -> list[str]:
    values = params.getlist(name)
    if len(values) > 1 or params.is_array(name):
        return values
    if name == "channel":
        return [v.strip() for v in values[0].split(",") if v.strip()]
    if name == "url":
        return [v.strip() for v in _URL_LIST.split(values[0]) if v.strip()]
    return values


def batch_field(params: wire.Params) -> tuple[str | None, list[str]]:
    """The name of the array field and its elements; (None, []) when there is none."""
    arrays = {name: _elements(params, name) for name in ARRAY_FIELDS if name in params.values}
    arrays = {name: values for name, values in arrays.items() if len(values) > 1 or params.is_array(name)}
    if len(arrays) > 1:
        raise BatchShape(f"only one field may be an array; got {', '.join(sorted(arrays))}")
    if not arrays:
        return None, []
    name, values = next(iter(arrays.items()))
    if len(values) > MAX_ELEMENTS:
        raise BatchShape(f"a batch creates at most {MAX_ELEMENTS} links", name)
    return name, values


def new_links(params: wire.Params) -> list[NewLink]:
    name, values = batch_field(params)
    if name is None:
        return [NewLink(params.get("url") or "", metadata_from(params))]
    items = []
    for value in values:
        url = value if name == "url" else params.get("url") or ""
        items.append(NewLink(url, metadata_from(params, {} if name == "url" else {name: value})))
    return items


async def batch(request: Request) -> Response:
    call = await begin(request, request.path_params.get("format"))
    for name in ("url", "channel"):
        if not call.params.getlist(name):
            raise MissingParameter(f"{name} is required", name)
    items = new_links(call.params)
    tool, domain = await call.tool(), await call.domain()
    links = await call.run(create_links, call.services.engine, call.project, tool, domain, items)
    return call.answer(render.batch_object(links), "\n".join(link.awesm_url for link in links))
