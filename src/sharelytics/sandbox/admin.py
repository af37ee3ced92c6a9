"""The sandbox's admin API (JSON): accounts, posts, reactions, faults, rate limits and latency.

    POST   /admin/{network}/accounts            {"username", "display_name", "password", "followers_count",
                                                 "following_count", "created_at", "kind"}  -> account with
                                                 credentials (LinkedIn kind: person | organization)
    GET    /admin/{network}/accounts
    POST   /admin/{network}/accounts/{ref}/revoke | /restore
    GET    /admin/{network}/posts               (?ref=<id, at-uri or URL> for one)
    DELETE /admin/{network}/posts?ref=...
    POST   /admin/{network}/reactions           {"post", "kind": like|repost|reply|quote, "by", "text",
                                                 "reaction": Facebook type, LIKE by default}
    POST   /admin/{network}/faults              {"status": 429|5xx, "count", "retry_after", "path"}
    POST   /admin/{network}/lost                {"count", "path", "method", "delay"}: act on the request, then
                                                 lose the answer (504 after `delay` seconds)
    DELETE /admin/{network}/faults              (also lost answers and the rate-limit counters)
    PUT    /admin/{network}/ratelimit           {"limit", "window"}
    PUT    /admin/latency                       {"seconds"}
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sharelytics.sandbox.controls import Controls, Fault
from sharelytics.sandbox.network_controls import LostAnswer, LostAnswers
from sharelytics.sandbox.reactions import react, resolve_post
from sharelytics.sandbox.state import NETWORKS, TOKEN_NETWORKS, Account, Post, SandboxError, SandboxState
from sharelytics.sandbox.urls import mount_url


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def _controls(request: Request) -> Controls:
    network = request.path_params["network"]
    if network not in NETWORKS:
        raise SandboxError(f"unknown network {network!r}; use one of {', '.join(NETWORKS)}")
    return request.app.state.controls[network]


def root_url(request: Request) -> str:
    return mount_url(request).removesuffix("/admin")


def account_json(request: Request, network: str, account: Account) -> dict[str, Any]:
    body = {"network": network, "id": account.id, "username": account.username,
            "display_name": account.display_name, "followers_count": account.followers_count,
            "following_count": account.following_count, "created_at": account.created_at.isoformat(),
            "revoked": account.revoked, "base_url": f"{root_url(request)}/{network}", "password": account.password}
    if network in TOKEN_NETWORKS:
        with _state(request).lock:
            tokens = [t.value for t in _state(request).net(network).tokens.values() if t.account_id == account.id]
        body["access_token"] = tokens[0] if tokens else None
    else:
        body.update(handle=account.username, did=account.id, app_password=account.password)
    if network == "facebook":
        body["page_id"] = account.id
    if network == "linkedin":
        body.update(author_urn=account.id, kind=account.kind)
    return body


def post_json(state: SandboxState, network: str, post: Post) -> dict[str, Any]:
    author = state.net(network).accounts[post.author_id]
    return {"id": post.id, "author": author.username, "text": post.text, "created_at": post.created_at.isoformat(),
            "reply_to": post.reply_to, "quote_of": post.quote_of, "deleted": post.deleted,
            "likes": len(state.interactions(network, "like", post.id)),
            "reposts": len(state.interactions(network, "repost", post.id)),
            "replies": len(state.replies(network, post.id)), "quotes": len(state.quotes(network, post.id))}


async def _body(request: Request) -> dict[str, Any]:
    body = await request.json() if await request.body() else {}
    if not isinstance(body, dict):
        raise SandboxError("send a JSON object")
    return body


async def create_account(request: Request) -> Response:
    network, body, state = request.path_params["network"], await _body(request), _state(request)
    created_at = body.get("created_at")
    moment = datetime.fromisoformat(created_at) if created_at else None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    account = state.create_account(network, str(body.get("username", "")),
                                   display_name=str(body.get("display_name", "")),
                                   password=str(body.get("password", "")),
                                   followers_count=int(body.get("followers_count", 0)),
                                   following_count=int(body.get("following_count", 0)), created_at=moment,
                                   kind=str(body.get("kind", "") or ""))
    if network in TOKEN_NETWORKS:
        state.issue_token(network, account.id)
    return JSONResponse(account_json(request, network, account), status_code=201)


async def list_accounts(request: Request) -> Response:
    network, state = request.path_params["network"], _state(request)
    with state.lock:
        accounts = list(state.net(network).accounts.values())
    return JSONResponse({"accounts": [account_json(request, network, a) for a in accounts]})


async def revoke(request: Request) -> Response:
    network, ref = request.path_params["network"], request.path_params["ref"]
    return JSONResponse(account_json(request, network, _state(request).revoke(network, ref)))


async def restore(request: Request) -> Response:
    network, ref, state = request.path_params["network"], request.path_params["ref"], _state(request)
    account = state.restore(network, ref)
    if network in TOKEN_NETWORKS:
        state.issue_token(network, account.id)
    return JSONResponse(account_json(request, network, account))


async def posts(request: Request) -> Response:
    network, state = request.path_params["network"], _state(request)
    ref = request.query_params.get("ref")
    if ref:
        return JSONResponse(post_json(state, network, resolve_post(state, network, ref)))
    return JSONResponse({"posts": [post_json(state, network, p) for p in state.visible_posts(network)]})


async def delete_post(request: Request) -> Response:
    network, state = request.path_params["network"], _state(request)
    post = resolve_post(state, network, request.query_params.get("ref", ""))
    return JSONResponse(post_json(state, network, state.delete_post(network, post.id)))


async def reactions(request: Request) -> Response:
    network, body = request.path_params["network"], await _body(request)
    result = react(_state(request), network, str(body.get("post", "")), str(body.get("kind", "")),
                   str(body.get("by", "")), str(body.get("text", "") or ""),
                   reaction=str(body.get("reaction", "") or "LIKE"))
    return JSONResponse(result, status_code=201)


async def add_fault(request: Request) -> Response:
    controls, body = _controls(request), await _body(request)
    status = int(body.get("status", 503))
    if status != 429 and not 500 <= status <= 599:
        raise SandboxError("a fault status is 429 or 5xx")
    fault = Fault(status=status, remaining=int(body.get("count", 1)), retry_after=int(body.get("retry_after", 1)),
                  path=str(body.get("path", "")))
    controls.add_fault(fault)
    return JSONResponse({"status": fault.status, "count": fault.remaining, "retry_after": fault.retry_after,
                         "path": fault.path}, status_code=201)


async def clear_faults(request: Request) -> Response:
    _controls(request).clear()
    request.app.state.lost[request.path_params["network"]].clear()
    return JSONResponse({"cleared": True})


async def add_lost(request: Request) -> Response:
    _controls(request)
    body = await _body(request)
    lost = LostAnswer(remaining=int(body.get("count", 1)), path=str(body.get("path", "")),
                      method=str(body.get("method", "POST")).upper(), delay=float(body.get("delay", 0.0)))
    request.app.state.lost[request.path_params["network"]].add(lost)
    return JSONResponse({"count": lost.remaining, "path": lost.path, "method": lost.method, "delay": lost.delay},
                        status_code=201)


async def rate_limit(request: Request) -> Response:
    controls, body = _controls(request), await _body(request)
    controls.limit, controls.window = int(body.get("limit", controls.limit)), int(body.get("window", controls.window))
    controls.clear()
    return JSONResponse({"limit": controls.limit, "window": controls.window})


async def latency(request: Request) -> Response:
    seconds = float((await _body(request)).get("seconds", 0.0))
    for controls in request.app.state.controls.values():
        controls.latency = max(seconds, 0.0)
    return JSONResponse({"seconds": seconds})


async def summary(request: Request) -> Response:
    state = _state(request)
    with state.lock:
        counts = {n: {"accounts": len(s.accounts), "posts": sum(1 for p in s.posts.values() if not p.deleted),
                      "reactions": len(s.interactions)} for n, s in state.networks.items()}
    return JSONResponse({"networks": counts, "urls": {n: f"{root_url(request)}/{n}" for n in NETWORKS}})


async def _error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": str(exc)}, status_code=400)


def admin_app(state: SandboxState, controls: dict[str, Controls],
              lost: dict[str, LostAnswers] | None = None) -> Starlette:
    net = "/{network}"
    app = Starlette(routes=[
        Route("/", summary), Route("/latency", latency, methods=["PUT"]),
        Route(f"{net}/accounts", create_account, methods=["POST"]), Route(f"{net}/accounts", list_accounts),
        Route(f"{net}/accounts/{{ref}}/revoke", revoke, methods=["POST"]),
        Route(f"{net}/accounts/{{ref}}/restore", restore, methods=["POST"]),
        Route(f"{net}/posts", posts, methods=["GET"]), Route(f"{net}/posts", delete_post, methods=["DELETE"]),
        Route(f"{net}/reactions", reactions, methods=["POST"]),
        Route(f"{net}/faults", add_fault, methods=["POST"]), Route(f"{net}/faults", clear_faults, methods=["DELETE"]),
        Route(f"{net}/lost", add_lost, methods=["POST"]),
        Route(f"{net}/ratelimit", rate_limit, methods=["PUT"]),
    ], exception_handlers={SandboxError: _error, ValueError: _error})
    app.state.sandbox, app.state.controls = state, controls
    app.state.lost = lost if lost is not None else {n: LostAnswers() for n in NETWORKS}
    return app
