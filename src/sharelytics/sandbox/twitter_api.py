"""The X API v2 fake: the endpoints the adapter uses, with X's shapes, paging tokens, problems and rate headers.

Mounted under `/twitter`, so the adapter's base URL is `http://host:port/twitter` (for `https://api.x.com`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable, Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sharelytics.sandbox import twitter_entities as render
from sharelytics.sandbox.controls import Controls
from sharelytics.sandbox.ids import sniff_mime
from sharelytics.sandbox.network_controls import Limited, NetworkControlsMiddleware, RestDialect
from sharelytics.sandbox.state import Account, Media, Post, SandboxError, SandboxState, now

NET = "twitter"
LIKERS_CAP = 100  # X lists at most the 100 most recent liking accounts of a post
SEARCH_WINDOW = timedelta(days=7)  # recent search covers the last seven days
DUPLICATE_WINDOW = timedelta(hours=24)


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(str(body))
        self.status, self.body = status, body


def state_of(request: Request) -> SandboxState:
    return request.app.state.sandbox


def current_account(request: Request) -> Account:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    found = state_of(request).token_account(NET, token) if token else None
    if found is None:
        raise ApiError(401, render.problem(401, "Unauthorized", "Unauthorized"))
    return found[1]


def _invalid(message: str) -> ApiError:
    return ApiError(400, {"errors": [{"parameters": {}, "message": message}], "title": "Invalid Request",
                          "detail": "One or more parameters to your request was invalid.",
                          "type": "https://api.twitter.com/2/problems/invalid-request"})


def _max_results(request: Request, low: int, high: int, default: int) -> int:
    raw = request.query_params.get("max_results", str(default))
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _invalid(f"The `max_results` query parameter value [{raw}] is not between {low} and {high}")
    return int(raw)


def _paged(request: Request, items: Sequence[Any], key: Callable[[Any], int], limit: int,
           token_param: str = "pagination_token") -> tuple[list[Any], dict[str, Any]]:
    """Newest first; the token names the key of the last item sent; `next_token` only when more remain."""
    token = request.query_params.get(token_param) or request.query_params.get("pagination_token")
    if token:
        after = render.page_key(token)
        if after is None:
            raise _invalid(f"The `{token_param}` query parameter value [{token}] is not valid")
        items = [i for i in items if key(i) < after]
    page = list(items[:limit])
    meta: dict[str, Any] = {"result_count": len(page)}
    if len(items) > limit:
        meta["next_token"] = render.page_token(key(page[-1]))
    return page, meta


def _tweet_or_none(request: Request) -> Post | None:
    try:
        return state_of(request).post(NET, request.path_params["id"])
    except SandboxError:
        return None


def _users_answer(request: Request, accounts: list[Account], meta: dict[str, Any]) -> Response:
    wanted = render.fields(request.query_params.get("user.fields"))
    body: dict[str, Any] = {"meta": meta}
    if accounts:
        body = {"data": [render.user(a, wanted) for a in accounts], "meta": meta}
    return JSONResponse(body)


def _tweets_answer(request: Request, posts: list[Post], meta: dict[str, Any]) -> Response:
    state = state_of(request)
    wanted = render.fields(request.query_params.get("tweet.fields"))
    body: dict[str, Any] = {"meta": meta}
    if posts:
        body["data"] = [render.tweet(state, p, wanted) for p in posts]
        if "author_id" in render.fields(request.query_params.get("expansions")):
            accounts = state.net(NET).accounts
            authors = list(dict.fromkeys(p.author_id for p in posts))
            user_fields = render.fields(request.query_params.get("user.fields"))
            body["includes"] = {"users": [render.user(accounts[a], user_fields) for a in authors]}
    return JSONResponse(body)


# -- endpoints --------------------------------------------------------------------------------------------------

async def me(request: Request) -> Response:
    wanted = render.fields(request.query_params.get("user.fields"))
    return JSONResponse({"data": render.user(current_account(request), wanted)})


async def user_tweets(request: Request) -> Response:
    current_account(request)
    state, user_id = state_of(request), request.path_params["id"]
    limit = _max_results(request, 5, 100, 10)
    start = request.query_params.get("start_time")
    since = datetime.fromisoformat(start.replace("Z", "+00:00")) if start else None
    excluded = render.fields(request.query_params.get("exclude"))
    posts = [p for p in reversed(state.visible_posts(NET)) if p.author_id == user_id
             and (since is None or p.created_at >= since) and not ("replies" in excluded and p.reply_to)]
    page, meta = _paged(request, posts, lambda p: p.seq, limit)
    if page:
        meta.update(newest_id=page[0].id, oldest_id=page[-1].id)
    return _tweets_answer(request, page, meta)


async def create_tweet(request: Request) -> Response:
    author, state = current_account(request), state_of(request)
    body = await request.json()
    if not isinstance(body, dict):
        raise _invalid("The request body must be a JSON object")
    text = str(body.get("text") or "")
    media_ids = [str(m) for m in (body.get("media") or {}).get("media_ids", [])]
    if not text.strip() and not media_ids:
        raise _invalid("Text or media is required")
    if render.text_too_long(text):
        raise ApiError(403, render.problem(403, "Forbidden", "Your Tweet text is too long."))
    if any(m not in state.net(NET).media or state.net(NET).media[m].owner_id != author.id for m in media_ids):
        raise _invalid("Your media IDs are invalid.")
    if text and any(p.author_id == author.id and p.text == text and p.created_at > now() - DUPLICATE_WINDOW
                    for p in state.visible_posts(NET)):
        raise ApiError(403, render.problem(403, "Forbidden",
                                           "You are not allowed to create a Tweet with duplicate content."))
    reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
    quote_of = body.get("quote_tweet_id")
    for target in (reply_to, quote_of):
        if target and target not in state.net(NET).posts:
            raise _invalid("The Tweet you are replying to or quoting does not exist.")
    post = state.add_post(NET, Post(id=state.new_id(), seq=state.new_seq(), author_id=author.id, text=text,
                                    created_at=now(), reply_to=reply_to, quote_of=quote_of, media_ids=media_ids))
    shown, _ = render.wrapped(post.text)
    return JSONResponse({"data": {"id": post.id, "text": shown, "edit_history_tweet_ids": [post.id]}},
                        status_code=201)


async def get_tweet(request: Request) -> Response:
    current_account(request)
    post = _tweet_or_none(request)
    if post is None:
        return JSONResponse(render.not_found(request.path_params["id"]))
    wanted = render.fields(request.query_params.get("tweet.fields"))
    return JSONResponse({"data": render.tweet(state_of(request), post, wanted)})


def _users_of(kind: str, cap: int | None) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        current_account(request)
        post = _tweet_or_none(request)
        if post is None:
            return JSONResponse(render.not_found(request.path_params["id"]))
        state = state_of(request)
        interactions = state.interactions(NET, kind, post.id)[:cap]
        page, meta = _paged(request, interactions, lambda i: i.id, _max_results(request, 1, 100, 100))
        accounts = state.net(NET).accounts
        return _users_answer(request, [accounts[i.account_id] for i in page], meta)
    return endpoint


async def quote_tweets(request: Request) -> Response:
    current_account(request)
    post = _tweet_or_none(request)
    if post is None:
        return JSONResponse(render.not_found(request.path_params["id"]))
    quotes = sorted(state_of(request).quotes(NET, post.id), key=lambda p: p.seq, reverse=True)
    page, meta = _paged(request, quotes, lambda p: p.seq, _max_results(request, 10, 100, 10))
    return _tweets_answer(request, page, meta)


async def search_recent(request: Request) -> Response:
    current_account(request)
    query = request.query_params.get("query", "").strip()
    if not query.startswith("conversation_id:") or not query.split(":", 1)[1].isdigit():
        raise _invalid("The sandbox's recent search understands `conversation_id:<id>` only")
    root, state = query.split(":", 1)[1], state_of(request)
    since = now() - SEARCH_WINDOW
    found = [p for p in reversed(state.visible_posts(NET)) if p.id != root and p.created_at >= since
             and p.reply_to and render.conversation_id(state, p) == root]
    page, meta = _paged(request, found, lambda p: p.seq, _max_results(request, 10, 100, 10), "next_token")
    if page:
        meta.update(newest_id=page[0].id, oldest_id=page[-1].id)
    return _tweets_answer(request, page, meta)


async def upload_media(request: Request) -> Response:
    owner, state = current_account(request), state_of(request)
    form = await request.form()
    upload = form.get("media")
    if upload is None or isinstance(upload, str):
        raise _invalid("The `media` field is required")
    data = await upload.read()
    mime = sniff_mime(data, upload.content_type or "")
    category = str(form.get("media_category") or "tweet_image")
    if not mime.startswith("image/") or category not in ("tweet_image", "tweet_gif"):
        raise _invalid(f"media type {mime} is not supported by the simple upload; use the chunked upload")
    item = state.add_media(NET, Media(id=state.new_id(), owner_id=owner.id, mime_type=mime, size=len(data)))
    return JSONResponse({"data": {"id": item.id, "media_key": f"3_{item.id}", "size": item.size,
                                  "expires_after_secs": 86400, "image": {"image_type": mime}}})


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body, status_code=exc.status, media_type="application/problem+json"
                        if "title" in exc.body else "application/json")


async def _not_found(request: Request, exc: Exception) -> Response:
    return JSONResponse({"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, status_code=404)


def _headers(controls: Controls, remaining: int, reset: float) -> list[tuple[str, str]]:
    return [("x-rate-limit-limit", str(controls.limit)), ("x-rate-limit-remaining", str(remaining)),
            ("x-rate-limit-reset", str(int(reset)))]


TWITTER = RestDialect(
    headers=_headers,
    limited=lambda controls, reset, now_: Limited(429, render.problem(429, "Too Many Requests", "Too Many Requests"),
                                                 _headers(controls, 0, reset)),
    server_error=lambda status: render.problem(status, "Service Unavailable" if status == 503 else
                                               "Internal Server Error", "Something went wrong."))


def twitter_app(state: SandboxState, controls: Controls) -> NetworkControlsMiddleware:
    tweet = "/2/tweets/{id}"
    app = Starlette(routes=[
        Route("/2/users/me", me), Route("/2/users/{id}/tweets", user_tweets),
        Route("/2/tweets/search/recent", search_recent),
        Route("/2/tweets", create_tweet, methods=["POST"]), Route(tweet, get_tweet),
        Route(f"{tweet}/liking_users", _users_of("like", LIKERS_CAP)),
        Route(f"{tweet}/retweeted_by", _users_of("repost", None)),
        Route(f"{tweet}/quote_tweets", quote_tweets),
        Route("/2/media/upload", upload_media, methods=["POST"]),
    ], exception_handlers={ApiError: _api_error, 404: _not_found})
    app.state.sandbox = state
    return NetworkControlsMiddleware(app, controls, TWITTER)
