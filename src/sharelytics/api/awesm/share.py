"""`url/share` (GET): create a link, put its awesm_url in place of every `AWESM_URL` in `destination`, 302 there.

`url` defaults to the Referer. With `errors` false (the default) a failed create still redirects, with the page
URL in place of AWESM_URL; an invalid key, a missing or non-http destination always answer with an error, so the
endpoint is never an open redirect for strangers. Bots and unfurlers create nothing (docs/decisions).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sharelytics.api import wire
from sharelytics.api.awesm.call import Call, count_request, find_project, read_request, refuse_bots, require
from sharelytics.api.awesm.errors import AwesmError, BadDestination, MissingParameter
from sharelytics.api.awesm.fields import metadata_from
from sharelytics.core.links.create import NewLink
from sharelytics.core.links.domains import DomainNotAllowed
from sharelytics.core.links.model import LinkError
from sharelytics.core.projects.model import Project

PLACEHOLDER = "AWESM_URL"
TRUE = frozenset({"1", "true", "yes", "on"})
# Characters a Location may carry as they are: RFC 3986 reserved and unreserved, and existing escapes.
_LOCATION_SAFE = ":/?#[]@!$&'()*+,;=%~"


def destination_of(params: wire.Params) -> str:
    destination = (params.get("destination") or "").strip()
    if not destination:
        raise MissingParameter("destination is required", "destination")
    if urlsplit(destination).scheme.lower() not in ("http", "https") or len(destination) > 8192:
        raise BadDestination("destination must be an absolute http or https URL", "destination")
    return destination


def fill(destination: str, value: str, placeholder: str = PLACEHOLDER) -> str:
    """The destination with every placeholder replaced, made safe to send as a Location header."""
    return quote(destination.replace(placeholder, quote(value, safe=":/")), safe=_LOCATION_SAFE)


async def _created_url(request: Request, params: wire.Params, project: Project, page_url: str) -> str:
    refuse_bots(request)
    call = Call(request, params, "json", None, project, count_request(request, project))
    require(params, "channel")
    if not page_url:
        raise MissingParameter("url is required (or a Referer header)", "url")
    tool, domain = await call.tool(), await call.domain()
    item = NewLink(page_url, metadata_from(params))
    link = await call.services.creates.create(project, tool, domain, item)
    return link.awesm_url


async def share(request: Request) -> Response:
    params, _fmt, _callback = await read_request(request, "json")  # a redirect: no format to choose
    destination = destination_of(params)
    page_url = params.get("url") or request.headers.get("referer", "")
    errors = (params.get("errors") or "").strip().lower() in TRUE
    project = await find_project(request, params.get("key"))  # never redirect for an unknown key
    try:
        short = await _created_url(request, params, project, page_url)
    except (AwesmError, LinkError, DomainNotAllowed, wire.WireError):
        if errors:
            raise
        short = page_url
    return RedirectResponse(fill(destination, short), status_code=302)
