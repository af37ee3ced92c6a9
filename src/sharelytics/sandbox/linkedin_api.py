"""The LinkedIn REST fake: Posts (create, get, `q=author` finder), Images (initializeUpload + the upload URL),
Social Actions (summary, likes, comments), userinfo, organizations and network sizes, with the `LinkedIn-Version`
header required on `/rest`, the new post's URN in `x-restli-id`, LinkedIn error bodies and 429 + Retry-After.

Mounted under `/linkedin`, so the adapter's API URL is `http://host:port/linkedin`.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sharelytics.sandbox import linkedin_entities as render
from sharelytics.sandbox.controls import Controls
from sharelytics.sandbox.ids import sniff_mime
from sharelytics.sandbox.linkedin_entities import RestliError
from sharelytics.sandbox.network_controls import Limited, NetworkControlsMiddleware, RestDialect
from sharelytics.sandbox.state import Account, Media, Post, SandboxError, SandboxState, now
from sharelytics.sandbox.urls import mount_url

NET = "linkedin"
VERSION = re.compile(r"^20\d{4}(\.\d{2})?$")
MAX_COMMENTARY = 3000
MAX_COUNT = 100
DUPLICATE_WINDOW = timedelta(hours=24)


def state_of(request: Request) -> SandboxState:
    return request.app.state.sandbox


def current_account(request: Request) -> Account:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    found = state_of(request).token_account(NET, token) if token else None
    if found is None:
        raise render.invalid_token()
    return found[1]


def versioned(request: Request) -> Account:
    """`/rest` calls need a `LinkedIn-Version` (YYYYMM) as well as the token."""
    version = request.headers.get("linkedin-version", "")
    if not version:
        raise RestliError(400, "A version must be present. Please specify a version by adding the LinkedIn-Version "
                          "header.", code="VERSION_MISSING")
    if not VERSION.match(version):
        raise RestliError(426, f"Requested version {version} is not active", code="NONEXISTENT_VERSION")
    return current_account(request)


def _post(request: Request) -> Post:
    urn = request.path_params["urn"]
    try:
        return state_of(request).post(NET, urn)
    except SandboxError:
        raise render.not_found(urn) from None


def _window(request: Request, default: int = 10) -> tuple[int, int]:
    try:
        start = int(request.query_params.get("start", 0))
        count = int(request.query_params.get("count", default))
    except ValueError:
        raise RestliError(400, "start and count must be integers", code="ILLEGAL_ARGUMENT") from None
    if start < 0 or not 1 <= count <= MAX_COUNT:
        raise RestliError(400, f"count must be between 1 and {MAX_COUNT}", code="ILLEGAL_ARGUMENT")
    return start, count


def _collection(request: Request, items: list[Any], render_item: Callable[[Any], dict[str, Any]], *,
                total: bool = True) -> Response:
    start, count = _window(request)
    page = items[start:start + count]
    more = start + count < len(items)
    path = request.url.path.removeprefix(request.scope.get("root_path", ""))
    return JSONResponse({"paging": render.paging(path, start, count, len(items) if total else None, more),
                         "elements": [render_item(i) for i in page]})


# -- posts ------------------------------------------------------------------------------------------------------

def _content(state: SandboxState, body: dict[str, Any], author: str) -> dict[str, Any] | None:
    content = body.get("content")
    if not content:
        return None
    images = ([content["media"]] if "media" in content else
              (content.get("multiImage") or {}).get("images", []) if "multiImage" in content else [])
    for image in images:
        media = state.net(NET).media.get(str(image.get("id", "")))
        if media is None or media.owner_id != author or not media.size:
            raise render.unprocessable("/content/media/id", f"{image.get('id')} is not an uploaded image")
    if "multiImage" in content and not 2 <= len(images) <= 20:
        raise render.unprocessable("/content/multiImage/images", "a multi-image post has 2 to 20 images")
    if "article" in content and not str(content["article"].get("source", "")).startswith(("http://", "https://")):
        raise render.unprocessable("/content/article/source", "the article source must be a URL")
    return dict(content)


async def create_post(request: Request) -> Response:
    actor, state = versioned(request), state_of(request)
    body = await request.json()
    for field in ("author", "commentary", "visibility", "distribution", "lifecycleState"):
        if field not in body:
            raise render.unprocessable(f"/{field}", "field is required but not found and has no default value")
    if body["author"] != actor.id:
        raise render.denied("partnerApiPostsExternal.CREATE.20251001")
    commentary = str(body["commentary"])
    if len(commentary) > MAX_COMMENTARY:
        raise render.unprocessable("/commentary", f"length must be at most {MAX_COMMENTARY}")
    content = _content(state, body, actor.id)
    for earlier in reversed(state.visible_posts(NET)):
        if (earlier.author_id == actor.id and earlier.text == commentary and earlier.reply_to is None
                and earlier.record.get("content") == content and earlier.created_at > now() - DUPLICATE_WINDOW):
            raise render.duplicate(earlier.id)
    post = state.add_post(NET, Post(id=f"urn:li:share:{state.new_id()}", seq=state.new_seq(), author_id=actor.id,
                                    text=commentary, created_at=now(), record={"content": content}))
    return Response(status_code=201, headers={"x-restli-id": post.id, "x-linkedin-id": post.id})


async def find_posts(request: Request) -> Response:
    versioned(request)
    query = request.query_params
    if query.get("q") != "author" or not query.get("author"):
        raise RestliError(400, "the posts finder needs q=author and author", code="ILLEGAL_ARGUMENT")
    state = state_of(request)
    mine = [p for p in reversed(state.visible_posts(NET)) if p.author_id == query["author"] and p.reply_to is None]
    return _collection(request, mine, render.post, total=False)


async def get_post(request: Request) -> Response:
    versioned(request)
    return JSONResponse(render.post(_post(request)))


# -- social actions ---------------------------------------------------------------------------------------------

async def social_summary(request: Request) -> Response:
    versioned(request)
    return JSONResponse(render.summary(state_of(request), _post(request)))


async def likes(request: Request) -> Response:
    versioned(request)
    post = _post(request)
    return _collection(request, state_of(request).interactions(NET, "like", post.id), render.like)


async def comments(request: Request) -> Response:
    versioned(request)
    post = _post(request)
    return _collection(request, sorted(state_of(request).replies(NET, post.id), key=lambda p: p.seq),
                       render.comment)


# -- images and accounts ----------------------------------------------------------------------------------------

async def initialize_upload(request: Request) -> Response:
    actor, state = versioned(request), state_of(request)
    if request.query_params.get("action") != "initializeUpload":
        raise RestliError(400, "unsupported action", code="ILLEGAL_ARGUMENT")
    owner = ((await request.json()).get("initializeUploadRequest") or {}).get("owner")
    if owner != actor.id:
        raise render.denied("images.initializeUpload")
    ticket = secrets.token_urlsafe(16)
    image = state.add_media(NET, Media(id=f"urn:li:image:C4D{state.new_id()}", owner_id=actor.id, mime_type="",
                                       size=0, description=ticket))
    expires = render.millis(now() + timedelta(hours=1))
    return JSONResponse({"value": {"uploadUrlExpiresAt": expires, "image": image.id,
                                   "uploadUrl": f"{mount_url(request)}/dms-uploads/{ticket}"}})


async def upload(request: Request) -> Response:
    actor, state = current_account(request), state_of(request)
    with state.lock:
        found = [m for m in state.net(NET).media.values() if m.description == request.path_params["ticket"]]
    if not found or found[0].owner_id != actor.id:
        raise RestliError(404, "Upload URL not found or expired", code="NOT_FOUND")
    data = await request.body()
    mime = sniff_mime(data, request.headers.get("content-type", ""))
    if not mime.startswith("image/"):
        raise RestliError(400, "the upload is not an image", code="ILLEGAL_ARGUMENT")
    found[0].mime_type, found[0].size = mime, len(data)
    state.save()
    return Response(status_code=201)


async def userinfo(request: Request) -> Response:
    actor = current_account(request)
    if actor.kind != "person":
        raise render.denied("userinfo")
    return JSONResponse(render.userinfo(actor))


async def organization(request: Request) -> Response:
    actor = versioned(request)
    urn = f"urn:li:organization:{request.path_params['id']}"
    if actor.id != urn:
        raise render.denied("organizations.GET")
    return JSONResponse(render.organization(actor))


async def network_size(request: Request) -> Response:
    versioned(request)
    try:
        account = state_of(request).account(NET, request.path_params["urn"])
    except SandboxError:
        raise render.not_found(request.path_params["urn"]) from None
    if request.query_params.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER":
        raise RestliError(400, "edgeType must be COMPANY_FOLLOWED_BY_MEMBER", code="ILLEGAL_ARGUMENT")
    return JSONResponse({"firstDegreeSize": account.followers_count})


# -- app --------------------------------------------------------------------------------------------------------

async def _restli_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RestliError)
    return JSONResponse(exc.body(), status_code=exc.status)


async def _unknown(request: Request, exc: Exception) -> Response:
    return JSONResponse({"status": 404, "message": "No virtual resource found", "code": "NOT_FOUND"},
                        status_code=404)


LINKEDIN = RestDialect(
    headers=lambda controls, remaining, reset: [],  # LinkedIn announces no budget; it answers 429 when spent
    limited=lambda controls, reset, now_: Limited(429, {
        "status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS",
        "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."},
        [("retry-after", str(max(int(reset - now_), 1)))]),
    server_error=lambda status: {"status": status, "code": "INTERNAL_SERVER_ERROR",
                                 "message": "Internal Server Error"})


def linkedin_app(state: SandboxState, controls: Controls) -> NetworkControlsMiddleware:
    social = "/rest/socialActions/{urn}"
    app = Starlette(routes=[
        Route("/rest/posts", create_post, methods=["POST"]), Route("/rest/posts", find_posts),
        Route("/rest/posts/{urn}", get_post),
        Route(social, social_summary), Route(f"{social}/likes", likes), Route(f"{social}/comments", comments),
        Route("/rest/images", initialize_upload, methods=["POST"]),
        Route("/dms-uploads/{ticket}", upload, methods=["PUT"]),
        Route("/v2/userinfo", userinfo), Route("/rest/organizations/{id}", organization),
        Route("/rest/networkSizes/{urn}", network_size),
    ], exception_handlers={RestliError: _restli_error, 404: _unknown, 405: _unknown})
    app.state.sandbox = state
    return NetworkControlsMiddleware(app, controls, LINKEDIN)
