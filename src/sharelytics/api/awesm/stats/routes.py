"""Every Stats endpoint, GET and POST, with the `.json` suffix or without one. Specific paths come before
`/stats/{awesm_id}` so `range`, `totals`, `active` and `awesm_ids` are never read as link ids."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sharelytics.api.awesm.stats.endpoints import stats_batch, stats_link, stats_range, stats_totals
from sharelytics.api.awesm.stats.errors import stats_error_response

BOTH = ["GET", "POST"]


def _guarded(name: str, handler: Callable[..., Awaitable[Response]], **options: Any) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request, **options)
        except Exception as exc:  # noqa: BLE001 - mapped (or logged as internal) in errors.py
            return stats_error_response(request, exc)

    endpoint.__name__ = f"awesm_stats_{name}"
    return endpoint


def _both(path: str, name: str, handler: Callable[..., Awaitable[Response]], **options: Any) -> list[BaseRoute]:
    guarded = _guarded(name, handler, **options)
    return [Route(path, guarded, methods=BOTH), Route(path + ".{format}", guarded, methods=BOTH)]


def stats_routes() -> list[BaseRoute]:
    return [
        *_both("/stats/range/intervals", "range_intervals", stats_range, intervals=True),
        *_both("/stats/range", "range", stats_range),
        *_both("/stats/totals", "totals", stats_totals),
        *_both("/stats/active", "active", stats_totals, scope="active"),
        *_both("/stats/awesm_ids/batch/intervals", "batch_intervals", stats_batch, intervals=True),
        *_both("/stats/awesm_ids/batch", "batch", stats_batch),
        *_both("/stats/{target}/intervals", "link_intervals", stats_link, intervals=True),
        Route("/stats/{target}", _guarded("link", stats_link), methods=BOTH),
    ]
