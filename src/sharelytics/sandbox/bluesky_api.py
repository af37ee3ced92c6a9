"""The Bluesky fake: `/xrpc/<nsid>` dispatch, the feed and actor reads, and the server endpoints."""

from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable, Union

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sharelytics.sandbox import bluesky_auth as auth
from sharelytics.sandbox import bluesky_entities as views
from sharelytics.sandbox import bluesky_repo as repo
from sharelytics.sandbox.bluesky_auth import XrpcError
from sharelytics.sandbox.controls import Controls, ControlsMiddleware, bluesky_dialect
from sharelytics.sandbox.state import Post, SandboxError, SandboxState

NET = "bluesky"
Result = Union[dict[str, Any], Awaitable[dict[str, Any]]]


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def _optional_auth(request: Request) -> None:
    """Reads work without a session (as on the public AppView), but a session that is sent must be valid."""
    if "authorization" in request.headers:
        auth.bearer(request)


def _limit(request: Request) -> int:
    try:
        limit = int(request.query_params.get("limit", 50))
    except ValueError:
        raise XrpcError(400, "InvalidRequest", "limit must be an integer") from None
    if not 1 <= limit <= 100:
        raise XrpcError(400, "InvalidRequest", "limit can not be greater than 100")
    return limit


def _page(request: Request, items: list[Any], key: Callable[[Any], int]) -> tuple[list[Any], dict[str, str]]:
    """Items newest first; the cursor is the key of the last item; no cursor on the last page."""
    cursor = request.query_params.get("cursor")
    if cursor:
        items = [i for i in items if key(i) < int(cursor)] if cursor.isdigit() else []
    limit = _limit(request)
    page = items[:limit]
    return page, ({"cursor": str(key(page[-1]))} if len(items) > limit else {})


def _uri(request: Request) -> str:
    uri = request.query_params.get("uri", "")
    if not uri:
        raise XrpcError(400, "InvalidRequest", 'Params must have the property "uri"')
    return uri


def get_likes(request: Request) -> dict[str, Any]:
    _optional_auth(request)
    state, uri = _state(request), _uri(request)
    page, cursor = _page(request, state.interactions(NET, "like", uri), lambda i: i.id)
    accounts = state.net(NET).accounts
    likes = [{"indexedAt": views.iso(i.created_at), "createdAt": views.iso(i.created_at),
              "actor": views.profile_view(accounts[i.account_id])} for i in page]
    return {"uri": uri, "likes": likes, **cursor}


def get_reposted_by(request: Request) -> dict[str, Any]:
    _optional_auth(request)
    state, uri = _state(request), _uri(request)
    page, cursor = _page(request, state.interactions(NET, "repost", uri), lambda i: i.id)
    accounts = state.net(NET).accounts
    return {"uri": uri, "repostedBy": [views.profile_view(accounts[i.account_id]) for i in page], **cursor}


def get_quotes(request: Request) -> dict[str, Any]:
    _optional_auth(request)
    state, uri = _state(request), _uri(request)
    newest_first = sorted(state.quotes(NET, uri), key=lambda p: p.seq, reverse=True)
    page, cursor = _page(request, newest_first, lambda p: p.seq)
    return {"uri": uri, "posts": [views.post_view(state, p) for p in page], **cursor}


def get_post_thread(request: Request) -> dict[str, Any]:
    _optional_auth(request)
    state, uri = _state(request), _uri(request)
    try:
        post = state.post(NET, uri)
        depth = min(max(int(request.query_params.get("depth", 6)), 0), 1000)
        height = min(max(int(request.query_params.get("parentHeight", 80)), 0), 1000)
    except SandboxError:
        raise XrpcError(400, "NotFound", f"Post not found: {uri}") from None
    except ValueError:
        raise XrpcError(400, "InvalidRequest", "depth and parentHeight must be integers") from None
    thread = views.thread_view(state, post, depth)
    node, parent_id = thread, post.reply_to
    for _ in range(height):
        parent = state.net(NET).posts.get(parent_id or "")
        if parent is None or parent.deleted:
            if parent_id:
                node["parent"] = {"$type": "app.bsky.feed.defs#notFoundPost", "uri": parent_id, "notFound": True}
            break
        node["parent"] = {"$type": views.THREAD, "post": views.post_view(state, parent)}
        node, parent_id = node["parent"], parent.reply_to
    return {"thread": thread}


def get_posts(request: Request) -> dict[str, Any]:
    _optional_auth(request)
    state = _state(request)
    found: list[Post] = []
    for uri in dict.fromkeys(request.query_params.getlist("uris")):
        post = state.net(NET).posts.get(uri)
        if post is not None and not post.deleted:  # unknown URIs are left out silently
            found.append(post)
    return {"posts": [views.post_view(state, p) for p in found]}


def get_profile(request: Request) -> dict[str, Any]:
    _optional_auth(request)
    try:
        account = _state(request).account(NET, request.query_params.get("actor", ""))
    except SandboxError:
        raise XrpcError(400, "InvalidRequest", "Profile not found") from None
    return views.profile_detailed(_state(request), account)


def get_profiles(request: Request) -> dict[str, Any]:
    _optional_auth(request)
    state, profiles = _state(request), []
    actors = request.query_params.getlist("actors")
    if len(actors) > 25:
        raise XrpcError(400, "InvalidRequest", "actors must not have more than 25 elements")
    for actor in actors:
        try:
            profiles.append(views.profile_detailed(state, state.account(NET, actor)))
        except SandboxError:
            continue  # missing actors are left out, as the AppView does
    return {"profiles": profiles}


def resolve_handle(request: Request) -> dict[str, Any]:
    try:
        return {"did": _state(request).account(NET, request.query_params.get("handle", "")).id}
    except SandboxError:
        raise XrpcError(400, "InvalidRequest", "Unable to resolve handle") from None


def describe_server(request: Request) -> dict[str, Any]:
    return {"did": f"did:web:{request.url.hostname}", "availableUserDomains": [".sandbox.test"],
            "inviteCodeRequired": False, "phoneVerificationRequired": False, "links": {}, "contact": {}}


QUERIES: dict[str, Callable[[Request], Result]] = {
    "com.atproto.server.describeServer": describe_server, "com.atproto.server.getSession": auth.get_session,
    "com.atproto.repo.getRecord": repo.get_record, "com.atproto.identity.resolveHandle": resolve_handle,
    "app.bsky.actor.getProfile": get_profile, "app.bsky.actor.getProfiles": get_profiles,
    "app.bsky.feed.getPosts": get_posts, "app.bsky.feed.getLikes": get_likes,
    "app.bsky.feed.getRepostedBy": get_reposted_by, "app.bsky.feed.getQuotes": get_quotes,
    "app.bsky.feed.getPostThread": get_post_thread,
}
PROCEDURES: dict[str, Callable[..., Result]] = {
    "com.atproto.server.createSession": auth.create_session,
    "com.atproto.server.refreshSession": lambda request, body: auth.refresh_session(request),
    "com.atproto.repo.createRecord": repo.create_record, "com.atproto.repo.deleteRecord": repo.delete_record,
    "com.atproto.repo.uploadBlob": lambda request, body: repo.upload_blob(request),
}
RAW_BODY = {"com.atproto.repo.uploadBlob"}


async def xrpc(request: Request) -> Response:
    nsid = request.path_params["nsid"]
    try:
        result = await _dispatch(request, nsid)
    except XrpcError as exc:
        return JSONResponse({"error": exc.error, "message": exc.message}, status_code=exc.status)
    return JSONResponse(result)


async def _dispatch(request: Request, nsid: str) -> dict[str, Any]:
    if nsid in QUERIES:
        if request.method != "GET":
            raise XrpcError(400, "InvalidRequest", "Incorrect HTTP method (POST) expected GET")
        result = QUERIES[nsid](request)
    elif nsid in PROCEDURES:
        if request.method != "POST":
            raise XrpcError(400, "InvalidRequest", "Incorrect HTTP method (GET) expected POST")
        result = PROCEDURES[nsid](request, await _json_body(request) if nsid not in RAW_BODY else {})
    else:
        raise XrpcError(501, "MethodNotImplemented", "Method Not Implemented")
    return await result if inspect.isawaitable(result) else result


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise XrpcError(400, "InvalidRequest", "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise XrpcError(400, "InvalidRequest", "Request body must be an object")
    return body


def bluesky_app(state: SandboxState, controls: Controls) -> ControlsMiddleware:
    app = Starlette(routes=[Route("/xrpc/{nsid}", xrpc, methods=["GET", "POST"])])
    app.state.sandbox = state
    return ControlsMiddleware(app, controls, bluesky_dialect(controls))
