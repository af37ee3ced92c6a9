"""`/providers.json`: the networks this server publishes to (the provider registry) and what each can do."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api.oneall import envelope, render
from sharelytics.api.oneall.call import begin


async def list_providers(request: Request) -> Response:
    call = await begin(request)
    entries = [render.provider(p) for p in call.services.providers.all()]
    return envelope.answer(call.resource, {"providers": envelope.container(entries)})
