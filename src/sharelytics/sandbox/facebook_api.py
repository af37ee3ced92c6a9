"""The Facebook Graph API fake: a page's feed, photos and posts, a post's reactions and comments, with Graph's
version prefix (`/v23.0/...`), tokens in the header or `access_token`, error bodies, cursors and usage headers.

Mounted under `/facebook`, so the adapter's Graph URL is `http://host:port/facebook`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sharelytics.sandbox import facebook_entities as render
from sharelytics.sandbox.controls import Controls
from sharelytics.sandbox.facebook_entities import GraphError
from sharelytics.sandbox.ids import sniff_mime
from sharelytics.sandbox.network_controls import Limited, NetworkControlsMiddleware, RestDialect
from sharelytics.sandbox.state import Account, Media, Post, SandboxError, SandboxState, now

NET = "facebook"
VERSION = re.compile(r"^v\d+\.\d+$")
DUPLICATE_WINDOW = timedelta(hours=24)
MAX_LIMIT = 100


def state_of(request: Request) -> SandboxState:
    return request.app.state.sandbox


async def params_of(request: Request) -> dict[str, Any]:
    """Query, then a form or JSON body (Graph takes parameters from any of them)."""
    params: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        if request.headers.get("content-type", "").startswith("application/json"):
            body = await request.json()
            params.update(body if isinstance(body, dict) else {})
        else:
            params.update({k: v for k, v in (await request.form()).multi_items()})
    return params


def current_account(request: Request, params: dict[str, Any]) -> Account:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip() if scheme.lower() in ("bearer", "oauth") else str(params.get("access_token", ""))
    if not token:
        raise GraphError(400, 104, "An access token is required to request this resource.")
    found = state_of(request).token_account(NET, token)
    if found is None:
        raise GraphError(400, 190, "Error validating access token: The session has been invalidated because the "
                         "user changed their password or Facebook has changed the session for security reasons.",
                         subcode=460)
    return found[1]


def _check_version(request: Request) -> None:
    if not VERSION.match(request.path_params["version"]):
        raise GraphError(400, 2500, f"Unknown path components: /{request.path_params['version']}")


def _page_account(request: Request) -> Account:
    try:
        return state_of(request).account(NET, request.path_params["node"])
    except SandboxError:
        raise render.missing(request.path_params["node"]) from None


def _post(request: Request) -> Post:
    try:
        return state_of(request).post(NET, request.path_params["node"])
    except SandboxError:
        raise render.missing(request.path_params["node"]) from None


def _limit(params: dict[str, Any]) -> int:
    try:
        return min(max(int(params.get("limit", 25)), 1), MAX_LIMIT)
    except ValueError:
        raise GraphError(400, 100, "(#100) Param limit must be a number") from None


def _paged(request: Request, params: dict[str, Any], items: list[Any], key: Callable[[Any], int],
           render_item: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """`paging.cursors` on every non-empty page; `paging.next` only while items remain."""
    after = render.cursor_key(params["after"]) if params.get("after") else None
    if params.get("after") and after is None:
        raise GraphError(400, 100, "(#100) The after cursor is invalid")
    position = next((n + 1 for n, item in enumerate(items) if key(item) == after), 0) if after is not None else 0
    limit = _limit(params)
    page = items[position:position + limit]
    body: dict[str, Any] = {"data": [render_item(i) for i in page]}
    if page:
        cursors = {"before": render.cursor(key(page[0])), "after": render.cursor(key(page[-1]))}
        body["paging"] = {"cursors": cursors}
        if position + limit < len(items):
            query = {k: v for k, v in params.items() if k not in ("after", "access_token")}
            body["paging"]["next"] = str(request.url.replace_query_params(**query, after=cursors["after"]))
    return body


# -- reading ----------------------------------------------------------------------------------------------------

async def node(request: Request) -> Response:
    _check_version(request)
    params = await params_of(request)
    current_account(request, params)
    state, node_id = state_of(request), request.path_params["node"]
    wanted = render.split_fields(str(params.get("fields", "")))
    if node_id in state.net(NET).accounts:
        return JSONResponse(render.page(state.net(NET).accounts[node_id], wanted))
    return JSONResponse(render.post(state, _post(request), wanted))


async def page_posts(request: Request) -> Response:
    _check_version(request)
    params = await params_of(request)
    current_account(request, params)
    page, state = _page_account(request), state_of(request)
    since = datetime.fromtimestamp(int(params["since"]), UTC) if str(params.get("since", "")).isdigit() else None
    posts = [p for p in reversed(state.visible_posts(NET)) if p.author_id == page.id and p.reply_to is None
             and (since is None or p.created_at >= since)]
    wanted = render.split_fields(str(params.get("fields", "")))
    return JSONResponse(_paged(request, params, posts, lambda p: p.seq, lambda p: render.post(state, p, wanted)))


async def reactions(request: Request) -> Response:
    _check_version(request)
    params = await params_of(request)
    current_account(request, params)
    post, state = _post(request), state_of(request)
    accounts = state.net(NET).accounts
    wanted = {render.field_name(f) for f in render.split_fields(str(params.get("fields", "")))} or {"id", "name",
                                                                                                    "type"}
    likes = state.interactions(NET, "like", post.id)
    return JSONResponse(_paged(request, params, likes, lambda i: i.id,
                               lambda i: render.reaction(accounts[i.account_id], i, wanted)))


async def comments(request: Request) -> Response:
    _check_version(request)
    params = await params_of(request)
    current_account(request, params)
    post, state = _post(request), state_of(request)
    found = state.descendants(NET, post.id) if params.get("filter") == "stream" else state.replies(NET, post.id)
    found = sorted(found, key=lambda p: p.seq, reverse=params.get("order") == "reverse_chronological")
    wanted = render.split_fields(str(params.get("fields", "")))
    return JSONResponse(_paged(request, params, found, lambda p: p.seq, lambda p: render.comment(state, p, wanted)))


# -- publishing -------------------------------------------------------------------------------------------------

def _publisher(request: Request, params: dict[str, Any]) -> Account:
    page, actor = _page_account(request), current_account(request, params)
    if actor.id != page.id:
        raise GraphError(403, 200, "(#200) If posting to a page, requires both pages_read_engagement and "
                         "pages_manage_posts as an admin with sufficient administrative permission")
    return page


def _new_post(state: SandboxState, page: Account, message: str, record: dict[str, Any]) -> Post:
    return state.add_post(NET, Post(id=f"{page.id}_{state.new_id()}", seq=state.new_seq(), author_id=page.id,
                                    text=message, created_at=now(), record=record,
                                    media_ids=list(record.get("photos", []))))


async def feed(request: Request) -> Response:
    _check_version(request)
    params = await params_of(request)
    page, state = _publisher(request, params), state_of(request)
    message, link = str(params.get("message", "") or ""), str(params.get("link", "") or "")
    photos = [json.loads(str(v)).get("media_fbid", "") for k, v in sorted(params.items())
              if k.startswith("attached_media[")]
    if not (message.strip() or link or photos):
        raise GraphError(400, 100, "(#100) Missing message or attachment")
    if any(p not in state.net(NET).media for p in photos):
        raise GraphError(400, 100, "(#100) param attached_media must be an array of media_fbid")
    if message and any(p.author_id == page.id and p.text == message and p.record.get("link", "") == link
                       and p.created_at > now() - DUPLICATE_WINDOW for p in state.visible_posts(NET)):
        raise GraphError(400, 506, "(#506) Duplicate status message")
    post = _new_post(state, page, message, {"link": link, "photos": photos} if link else {"photos": photos})
    return JSONResponse({"id": post.id})


async def photos(request: Request) -> Response:
    _check_version(request)
    params = await params_of(request)
    page, state = _publisher(request, params), state_of(request)
    upload, url = params.get("source"), str(params.get("url", "") or "")
    if upload is not None and not isinstance(upload, str):
        data = await upload.read()
        mime, size = sniff_mime(data, upload.content_type or ""), len(data)
    elif url.startswith(("http://", "https://")):
        mime, size = "image/jpeg", 0  # Graph fetches the URL itself; the sandbox only records it
    else:
        raise GraphError(400, 324, "(#324) Requires upload file")
    if not mime.startswith("image/"):
        raise GraphError(400, 324, "(#324) Missing or invalid image file")
    photo = state.add_media(NET, Media(id=state.new_id(), owner_id=page.id, mime_type=mime, size=size,
                                       description=url))
    if str(params.get("published", "true")).lower() == "false":
        return JSONResponse({"id": photo.id})
    post = _new_post(state, page, str(params.get("message", "") or ""), {"photos": [photo.id]})
    return JSONResponse({"id": photo.id, "post_id": post.id})


# -- app --------------------------------------------------------------------------------------------------------

async def _graph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GraphError)
    return JSONResponse(exc.body(), status_code=exc.status, headers={"WWW-Authenticate": "OAuth"}
                        if exc.code in (104, 190) else None)


async def _unknown(request: Request, exc: Exception) -> Response:
    return JSONResponse(GraphError(400, 2500, "Unknown path components").body(), status_code=400)


def _usage(controls: Controls, remaining: int, reset: float) -> list[tuple[str, str]]:
    used = controls.limit - remaining
    return render.usage_headers(int(100 * used / max(controls.limit, 1)), 0)


def _limited(controls: Controls, reset: float, now_: float) -> Limited:
    error = GraphError(400, 32, "(#32) Page request limit reached")
    return Limited(400, error.body(), render.usage_headers(100, reset - now_))


FACEBOOK = RestDialect(
    headers=_usage, limited=_limited,
    server_error=lambda status: {"error": {"message": "An unexpected error has occurred. Please retry your "
                                           "request later.", "type": "OAuthException", "is_transient": True,
                                           "code": 2, "fbtrace_id": render.trace_id()}})


def facebook_app(state: SandboxState, controls: Controls) -> NetworkControlsMiddleware:
    base = "/{version}/{node}"
    app = Starlette(routes=[
        Route(base, node),
        Route(f"{base}/feed", feed, methods=["POST"]), Route(f"{base}/photos", photos, methods=["POST"]),
        Route(f"{base}/posts", page_posts), Route(f"{base}/reactions", reactions),
        Route(f"{base}/comments", comments),
    ], exception_handlers={GraphError: _graph_error, 404: _unknown, 405: _unknown})
    app.state.sandbox = state
    return NetworkControlsMiddleware(app, controls, FACEBOOK)
