"""`url/retweet.{format}`: the text with a new tracked link in place of every `http://` link.

Answers `{"text": …, "awesm_urls": [link objects]}` (json) or the text alone (txt). A GET may give `destination`:
then the answer is a 302 there with `AWESM_TEXT` replaced by the new text; a POST with one is refused, as the
awe.sm page says. Bots and unfurlers create nothing (docs/decisions/2026-11-23-retweet-answer-and-bots.md).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sharelytics.api.awesm import render
from sharelytics.api.awesm.call import begin, require
from sharelytics.api.awesm.errors import BadDestination
from sharelytics.api.awesm.fields import metadata_from
from sharelytics.api.awesm.share import destination_of, fill
from sharelytics.core.links.retweet import retweet as retweet_text


async def retweet(request: Request) -> Response:
    call = await begin(request, request.path_params.get("format"), bots=False)
    require(call.params, "text", "channel")
    destination = None
    if call.params.get("destination") is not None:
        if request.method != "GET":
            raise BadDestination("destination is accepted on GET requests only", "destination")
        destination = destination_of(call.params)
    tool, domain = await call.tool(), await call.domain()
    text, meta = call.params.get("text") or "", metadata_from(call.params)
    result = await call.run(retweet_text, call.services.engine, call.project, tool, domain, text, meta)
    if destination is not None:
        return RedirectResponse(fill(destination, result.text, "AWESM_TEXT"), 302, call.budget.headers())
    body = {"text": result.text, "awesm_urls": [render.link_object(link) for link in result.links]}
    return call.answer(body, result.text)
