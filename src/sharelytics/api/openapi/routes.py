"""`/openapi.json` (an index) and `/openapi/awesm.json`, `/openapi/oneall.json`: the documents, built once per
process and server address (they are pure data from the adapters' tables), served as JSON with CORS open so
Swagger UI or Redoc on another origin can read them. They describe, they never authenticate: no key is needed."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sharelytics.api.openapi.awesm import awesm_document
from sharelytics.api.openapi.oneall import oneall_document

DOCUMENTS: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "awesm": ("The awe.sm v3 API: Create, Stats, Conversions", awesm_document),
    "oneall": ("The OneAll API: users, identities, providers, sharing messages, short URLs, snapshots",
               oneall_document),
}
HEADERS = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}


@lru_cache(maxsize=8)
def rendered(name: str, server: str) -> bytes:
    return orjson.dumps(DOCUMENTS[name][1](server))


def _server(request: Request) -> str:
    return str(request.app.state.services.settings.effective_public_url).rstrip("/")


async def index(request: Request) -> Response:
    base = _server(request)
    body = {"documents": [{"name": name, "description": description, "url": f"{base}/openapi/{name}.json"}
                          for name, (description, _build) in DOCUMENTS.items()]}
    return Response(orjson.dumps(body), media_type="application/json", headers=HEADERS)


async def document(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in DOCUMENTS:
        return Response(orjson.dumps({"error": 404, "error_message": f"no OpenAPI document named {name[:64]!r}"}),
                        status_code=404, media_type="application/json")
    return Response(rendered(name, _server(request)), media_type="application/json", headers=HEADERS)


def openapi_routes() -> list[BaseRoute]:
    return [Route("/openapi.json", index, methods=["GET", "HEAD"]),
            Route("/openapi/{name}.json", document, methods=["GET", "HEAD"])]
