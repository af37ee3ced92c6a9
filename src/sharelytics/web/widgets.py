"""`widgets.js?key=…`: the conversion script awe.sm sites embed, served with this server's address and the key."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

COOKIE_SECONDS = 30 * 24 * 3600  # how long a landing keeps crediting its link
PLACEHOLDER = "__SHARELYTICS_CONFIG__"


@lru_cache(maxsize=1)
def _template() -> str:
    return files("sharelytics.web").joinpath("static/widgets.js").read_text(encoding="utf-8")


def _config(api: str, key: str) -> str:
    # JSON, with `<`, `>` and `&` escaped so no value can close the script or start markup.
    text = orjson.dumps({"api": api, "key": key, "cookieSeconds": COOKIE_SECONDS}).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


async def widgets(request: Request) -> Response:
    services = request.app.state.services
    key = (request.query_params.get("key") or "")[:128]
    body = _template().replace(PLACEHOLDER, _config(services.settings.effective_public_url, key), 1)
    return Response(body, media_type="application/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})


def widget_routes() -> list[BaseRoute]:
    return [Route("/widgets.js", widgets, methods=["GET", "HEAD"]),
            Route("/v3/widgets.js", widgets, methods=["GET", "HEAD"])]
