"""Every awe.sm Create API endpoint, in one table. Each accepts GET and POST (url/share: GET only), with the
format as a URL suffix (`url.json`) or without one (`url` with `format=`). Every handler runs inside `_guarded`,
which turns any exception into the Create error shape (errors.py): no request ever gets a bare 500 page."""

from __future__ import annotations

from typing import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sharelytics.api.awesm import conversions
from sharelytics.api.awesm.batch import batch
from sharelytics.api.awesm.create import create
from sharelytics.api.awesm.errors import error_response
from sharelytics.api.awesm.retweet import retweet
from sharelytics.api.awesm.share import share
from sharelytics.api.awesm.static import static
from sharelytics.api.awesm.stats.routes import stats_routes
from sharelytics.api.awesm.update import update

Handler = Callable[[Request], Awaitable[Response]]
BOTH = ["GET", "POST"]


def _guarded(action: str, handler: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Exception as exc:  # noqa: BLE001 - mapped (or logged as internal) in errors.py
            return error_response(request, action, exc)

    endpoint.__name__ = f"awesm_{action}"
    return endpoint


def _with_suffix(path: str, action: str, handler: Handler, methods: list[str]) -> list[BaseRoute]:
    guarded = _guarded(action, handler)
    return [Route(path, guarded, methods=methods), Route(path + ".{format}", guarded, methods=methods)]


def awesm_routes() -> list[BaseRoute]:
    return [
        *_with_suffix("/url", "create", create, BOTH),
        *_with_suffix("/url/batch", "batch", batch, BOTH),
        *_with_suffix("/url/static", "static", static, BOTH),
        # The awesm_id and its format suffix share the segment (`demo.awe.sm_K5s.json`); update.py splits them.
        Route("/url/update/{target}", _guarded("update", update), methods=BOTH),
        Route("/url/share", _guarded("share", share), methods=["GET"]),
        *_with_suffix("/url/retweet", "retweet", retweet, BOTH),
        *_with_suffix("/conversions/new", "new", conversions.new, BOTH),
        *stats_routes(),
    ]
