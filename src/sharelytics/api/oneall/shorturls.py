"""`/shorturls.json` (list, create) and `/shorturls/<shorturl_token>.json` (read with referrals, delete)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api.oneall import envelope, render
from sharelytics.api.oneall.call import begin, confirm_deletion, page_request
from sharelytics.api.oneall.fields import node, string
from sharelytics.core.sharing import shorturls
from sharelytics.core.sharing.model import Referral


async def list_shorturls(request: Request) -> Response:
    call = await begin(request)
    page = await call.run(shorturls.list_shorturls, call.services.engine, call.project.id, page_request(request))
    return envelope.answer(call.resource, {"shorturls": envelope.paginated(page, render.shorturl)})


async def create_shorturl(request: Request) -> Response:
    call = await begin(request)
    body = node(await call.body(), "shorturl", path="request")
    url = string(body, "original_url", path="request.shorturl", required=True)
    created = await call.run(shorturls.create_shorturl, call.services.engine, call.project,
                             call.services.shared_domain, url)
    return envelope.answer(call.resource, {"shorturl": render.shorturl(created)})


def referral(found: Referral) -> dict[str, object]:
    return {"page": found.page, "ip_address": found.ip_address, "date_creation": envelope.rfc2822(found.date_creation)}


async def read_shorturl(request: Request) -> Response:
    call = await begin(request)
    found, page = await call.run(shorturls.referrals, call.services.engine, call.project.id,
                                 request.path_params["token"], page_request(request))
    data = {**render.shorturl(found), "referrals": envelope.paginated(page, referral), **render.robots(found)}
    return envelope.answer(call.resource, {"shorturl": data})


async def delete_shorturl(request: Request) -> Response:
    call = await begin(request)
    confirm_deletion(request)
    deleted = await call.run(shorturls.delete_shorturl, call.services.engine, call.project.id,
                             request.path_params["token"])
    call.services.link_cache.forget(deleted.awesm_id)  # this process stops redirecting it at once
    return envelope.answer(call.resource, info="The short URL has been deleted successfully")
