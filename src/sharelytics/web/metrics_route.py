"""GET /metrics: the Prometheus exposition of every process of this server (see sharelytics.metrics)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sharelytics.metrics import render


async def metrics(request: Request) -> Response:
    # Reading the multiprocess files and the queue sizes touches the disk: off the event loop.
    body, content_type = await run_in_threadpool(render, request.app.state.services)
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})


def metrics_routes() -> list[BaseRoute]:
    return [Route("/metrics", metrics, methods=["GET"])]
