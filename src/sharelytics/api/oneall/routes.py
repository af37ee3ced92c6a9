"""Every OneAll endpoint, in one table. One route per resource path takes every method and dispatches: a method
the resource does not have is a 405 in the OneAll envelope, and any exception becomes an envelope (errors.py), so
no request ever gets a bare error page. Every answer to a counted request carries the key's RateLimit headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sharelytics.api.oneall import identities, messages, providers, shorturls, snapshots, users
from sharelytics.api.oneall.call import budget_headers
from sharelytics.api.oneall.errors import (
    MethodNotAllowed,
    UnknownResource,
    error_response,
)

Handler = Callable[[Request], Awaitable[Response]]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


def _resource(path: str, handlers: dict[str, Handler]) -> Route:
    allowed = sorted(handlers)

    async def endpoint(request: Request) -> Response:
        try:
            handler = handlers.get(request.method) or (handlers.get("GET") if request.method == "HEAD" else None)
            if handler is None:
                raise MethodNotAllowed(f"{request.method} is not allowed on this resource", allowed)
            response = await handler(request)
        except Exception as exc:  # noqa: BLE001 - mapped (or logged as internal) in errors.py
            response = error_response(request, exc)
        response.headers.update(budget_headers(request))
        return response

    endpoint.__name__ = "oneall_" + path.strip("/").replace("/", "_").replace("{token}", "one").replace(".json", "")
    return Route(path, endpoint, methods=METHODS)


async def _unknown(request: Request) -> Response:
    return error_response(request, UnknownResource(f"there is no resource at {request.url.path[:200]}"))


# Below these prefixes every path is OneAll's (an encoded `/` in a token, an unknown sub-resource): answer in its
# envelope.
OWNED_PREFIXES = ("/users/", "/identities/", "/shorturls/", "/sharing/messages/", "/sharing/analytics/")


def oneall_routes() -> list[BaseRoute]:
    return [
        _resource("/users.json", {"GET": users.list_users, "PUT": users.import_identity}),
        _resource("/users/{token}.json", {"GET": users.read_user, "DELETE": users.delete_user}),
        _resource("/users/{token}/publish.json", {"POST": messages.publish_for_user}),
        _resource("/identities.json", {"GET": identities.list_identities}),
        _resource("/identities/{token}.json", {"GET": identities.read_identity, "DELETE": identities.delete_identity}),
        _resource("/providers.json", {"GET": providers.list_providers}),
        _resource("/sharing/messages.json", {"GET": messages.list_messages, "POST": messages.publish}),
        _resource("/sharing/messages/{token}.json", {"GET": messages.read_message, "POST": messages.republish,
                                                     "DELETE": messages.delete_message}),
        _resource("/shorturls.json", {"GET": shorturls.list_shorturls, "POST": shorturls.create_shorturl}),
        _resource("/shorturls/{token}.json", {"GET": shorturls.read_shorturl, "DELETE": shorturls.delete_shorturl}),
        _resource("/sharing/analytics/snapshots.json", {"GET": snapshots.list_all, "PUT": snapshots.initiate}),
        _resource("/sharing/analytics/snapshots/{token}.json", {"GET": snapshots.read, "DELETE": snapshots.delete}),
        *(Route(prefix + "{rest:path}", _unknown, methods=METHODS) for prefix in OWNED_PREFIXES),
    ]
