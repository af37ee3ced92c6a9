"""The baseline: the smallest ASGI app that answers every request with the same 302 our redirect sends."""

from __future__ import annotations

from starlette.types import Receive, Scope, Send

HEADERS = [(b"location", b"http://developers.awe.sm/"), (b"cache-control", b"private, max-age=0"),
           (b"content-length", b"0")]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":  # served with lifespan on, like ours
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 302, "headers": HEADERS})
    await send({"type": "http.response.body", "body": b""})
