"""The Mastodon fake: statuses, media, reactions and accounts (OAuth lives in `mastodon_oauth`)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sharelytics.sandbox import mastodon_entities as render
from sharelytics.sandbox import mastodon_oauth
from sharelytics.sandbox.controls import MASTODON, Controls, ControlsMiddleware
from sharelytics.sandbox.ids import sniff_mime
from sharelytics.sandbox.state import Account, Media, Post, SandboxError, SandboxState, now
from sharelytics.sandbox.urls import mount_url

NET = "mastodon"


class ApiError(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status, self.error = status, error


def state_of(request: Request) -> SandboxState:
    return request.app.state.sandbox


def base_of(request: Request) -> str:
    return mount_url(request)


def current_account(request: Request) -> Account:
    header = request.headers.get("authorization", "")
    found = state_of(request).token_account(NET, header[7:].strip()) if header.lower().startswith("bearer ") else None
    if found is None:
        raise ApiError(401, "The access token is invalid")
    return found[1]


def visible_post(request: Request) -> Post:
    try:
        return state_of(request).post(NET, request.path_params["id"])
    except SandboxError:
        raise ApiError(404, "Record not found") from None


def paginate(request: Request, items: Sequence[Any], key: Callable[[Any], int], default: int,
             maximum: int) -> tuple[list[Any], dict[str, str]]:
    """Newest first; `max_id` / `since_id` / `min_id` bound the page."""
    query = request.query_params
    try:
        limit = min(max(int(query.get("limit", default)), 1), maximum)
        max_id, since_id, min_id = (int(query[p]) if query.get(p) else None for p in ("max_id", "since_id", "min_id"))
    except ValueError:
        raise ApiError(400, "Invalid pagination parameter") from None
    rows = [i for i in items if (max_id is None or key(i) < max_id)
            and (since_id is None or key(i) > since_id) and (min_id is None or key(i) > min_id)]
    page = rows[-limit:] if min_id is not None and max_id is None else rows[:limit]
    # As Mastodon's controllers: `next` while a page comes back full, `prev` on any non-empty page, and no Link
    # at all on an empty page.
    links = []
    url = request.url.remove_query_params(["max_id", "since_id", "min_id"])
    if len(page) == limit:
        links.append(f'<{url.include_query_params(limit=limit, max_id=key(page[-1]))}>; rel="next"')
    if page:
        links.append(f'<{url.include_query_params(limit=limit, min_id=key(page[0]))}>; rel="prev"')
    headers = {"Link": ", ".join(links)} if links else {}
    return page, headers


async def form_or_json(request: Request) -> dict[str, Any]:
    """Mastodon.py sends forms with `key[]` lists; other clients JSON. Both end up as one dict of lists/values."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        return body if isinstance(body, dict) else {}
    form = await request.form()
    return {k.removesuffix("[]"): (form.getlist(k) if k.endswith("[]") else form[k]) for k in form.keys()}


# -- statuses ---------------------------------------------------------------------------------------------------

async def create_status(request: Request) -> Response:
    author, state = current_account(request), state_of(request)
    params = await form_or_json(request)
    key = request.headers.get("idempotency-key")
    if key and (earlier := state.find_idempotent(NET, author.id, key)) is not None:
        return JSONResponse(render.status(state, earlier, base_of(request), fresh=True))
    text, media_ids = str(params.get("status", "") or ""), [str(m) for m in params.get("media_ids", []) or []]
    if not text.strip() and not media_ids:
        raise ApiError(422, "Validation failed: Text can't be blank")
    if render.text_length(text) > render.MAX_CHARACTERS:
        raise ApiError(422, f"Validation failed: Text character limit of {render.MAX_CHARACTERS} exceeded")
    if any(m not in state.net(NET).media for m in media_ids) or len(media_ids) > 4:
        raise ApiError(422, "Validation failed: Media attachments are invalid")
    reply_to, quote_of = params.get("in_reply_to_id") or None, params.get("quoted_status_id") or None
    for target in (reply_to, quote_of):
        if target and target not in state.net(NET).posts:
            raise ApiError(404, "Record not found")
    post = Post(id=state.new_id(), seq=state.new_seq(), author_id=author.id, text=text, created_at=now(),
                reply_to=reply_to, quote_of=quote_of, media_ids=media_ids, idempotency_key=key)
    state.add_post(NET, post)
    return JSONResponse(render.status(state, post, base_of(request), fresh=True))


async def get_status(request: Request) -> Response:
    return JSONResponse(render.status(state_of(request), visible_post(request), base_of(request)))


async def delete_status(request: Request) -> Response:
    author, post = current_account(request), visible_post(request)
    if post.author_id != author.id:
        raise ApiError(404, "Record not found")
    state_of(request).delete_post(NET, post.id)
    body = render.status(state_of(request), post, base_of(request))
    return JSONResponse({**body, "text": post.text})


def _accounts_of(kind: str) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        state, post = state_of(request), visible_post(request)
        page, headers = paginate(request, state.interactions(NET, kind, post.id), lambda i: i.id, 40, 80)
        accounts = state.net(NET).accounts
        return JSONResponse([render.account(accounts[i.account_id], base_of(request)) for i in page], headers=headers)
    return endpoint


async def context(request: Request) -> Response:
    state, post = state_of(request), visible_post(request)
    ancestors, parent = [], post.reply_to
    while parent and (found := state.net(NET).posts.get(parent)) and not found.deleted:
        ancestors.insert(0, found)
        parent = found.reply_to
    base = base_of(request)
    return JSONResponse({"ancestors": [render.status(state, p, base) for p in ancestors],
                         "descendants": [render.status(state, p, base) for p in state.descendants(NET, post.id)]})


async def quotes(request: Request) -> Response:
    current_account(request)  # a user token is required for quotes
    state, post = state_of(request), visible_post(request)
    newest_first = sorted(state.quotes(NET, post.id), key=lambda p: int(p.id), reverse=True)
    page, headers = paginate(request, newest_first, lambda p: int(p.id), 20, 40)
    return JSONResponse([render.status(state, p, base_of(request)) for p in page], headers=headers)


def _interact(kind: str) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        account, post, state = current_account(request), visible_post(request), state_of(request)
        state.interact(NET, kind, post.id, account.id)
        body = render.status(state, post, base_of(request))
        return JSONResponse({**body, "favourited": kind == "like", "reblogged": kind == "repost"})
    return endpoint


# -- media and accounts -----------------------------------------------------------------------------------------

async def upload_media(request: Request) -> Response:
    owner, state = current_account(request), state_of(request)
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise ApiError(422, "Validation failed: File can't be blank")
    data = await upload.read()
    mime = sniff_mime(data, upload.content_type or "")
    if not mime.startswith(("image/", "video/", "audio/")):
        raise ApiError(422, "Validation failed: File content type is invalid")
    item = state.add_media(NET, Media(id=state.new_id(), owner_id=owner.id, mime_type=mime, size=len(data),
                                      description=str(form.get("description") or "")))
    body = render.media(item, base_of(request))
    if mime.startswith("image/") or request.url.path.endswith("/v1/media"):
        return JSONResponse(body)
    return JSONResponse({**body, "url": None}, status_code=202)  # video: processed asynchronously


async def get_media(request: Request) -> Response:
    current_account(request)
    item = state_of(request).net(NET).media.get(request.path_params["id"])
    if item is None:
        raise ApiError(404, "Record not found")
    return JSONResponse(render.media(item, base_of(request)))


async def verify_credentials(request: Request) -> Response:
    return JSONResponse(render.account(current_account(request), base_of(request), with_source=True))


async def get_account(request: Request) -> Response:
    try:
        found = state_of(request).account(NET, request.path_params["id"])
    except SandboxError:
        raise ApiError(404, "Record not found") from None
    return JSONResponse(render.account(found, base_of(request)))


async def instance(request: Request) -> Response:
    v2 = "/v2/" in request.url.path
    return JSONResponse((render.instance_v2 if v2 else render.instance_v1)(base_of(request)))


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse({"error": exc.error}, status_code=exc.status)


def routes() -> list[Route]:
    status_path = "/api/v1/statuses/{id}"
    return [
        *(Route(p, instance) for p in ("/api/v1/instance", "/api/v1/instance/", "/api/v2/instance",
                                       "/api/v2/instance/")),
        *mastodon_oauth.routes(),
        Route("/api/v1/accounts/verify_credentials", verify_credentials),
        Route("/api/v1/accounts/{id}", get_account),
        Route("/api/v1/statuses", create_status, methods=["POST"]),
        Route(status_path, get_status, methods=["GET"]),
        Route(status_path, delete_status, methods=["DELETE"]),
        Route(f"{status_path}/favourited_by", _accounts_of("like")),
        Route(f"{status_path}/reblogged_by", _accounts_of("repost")),
        Route(f"{status_path}/context", context),
        Route(f"{status_path}/quotes", quotes),
        Route(f"{status_path}/favourite", _interact("like"), methods=["POST"]),
        Route(f"{status_path}/reblog", _interact("repost"), methods=["POST"]),
        Route("/api/v2/media", upload_media, methods=["POST"]),
        Route("/api/v1/media", upload_media, methods=["POST"]),
        Route("/api/v1/media/{id}", get_media),
    ]


def mastodon_app(state: SandboxState, controls: Controls) -> ControlsMiddleware:
    app = Starlette(routes=routes(), exception_handlers={ApiError: _api_error, 404: _not_found, 405: _not_allowed})
    app.state.sandbox = state
    app.state.oauth = mastodon_oauth.OAuthStore()
    return ControlsMiddleware(app, controls, MASTODON)


async def _not_found(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": "Record not found"}, status_code=404)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": "Method not allowed"}, status_code=405)
