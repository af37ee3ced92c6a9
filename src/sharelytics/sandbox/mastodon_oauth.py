"""Mastodon OAuth for the fake: app registration, the authorization-code flow (auto-approved for the account named
by `login=`, since nobody clicks in a sandbox), the password grant that Mastodon.py still offers, revocation."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from sharelytics.sandbox.state import SandboxError
from sharelytics.sandbox.urls import mount_url

NET = "mastodon"
OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = "read write follow push profile"


@dataclass
class OAuthStore:
    apps: dict[str, dict[str, Any]] = field(default_factory=dict)  # client_id -> app
    codes: dict[str, str] = field(default_factory=dict)  # code -> account id
    lock: threading.Lock = field(default_factory=threading.Lock)


def _store(request: Request) -> OAuthStore:
    return request.app.state.oauth


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


async def _params(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        return dict(await request.json())
    return dict(await request.form())


async def register_app(request: Request) -> Response:
    params = await _params(request)
    if not params.get("client_name"):
        return JSONResponse({"error": "Validation failed: Application name can't be blank"}, status_code=422)
    app = {"id": str(len(_store(request).apps) + 1), "name": params["client_name"], "website": params.get("website"),
           "scopes": str(params.get("scopes", "read")).split(), "redirect_uri": params.get("redirect_uris", OOB),
           "redirect_uris": str(params.get("redirect_uris", OOB)).split(), "client_id": secrets.token_urlsafe(32),
           "client_secret": secrets.token_urlsafe(32), "client_secret_expires_at": 0, "vapid_key": ""}
    with _store(request).lock:
        _store(request).apps[app["client_id"]] = app
    return JSONResponse(app)


async def discovery(request: Request) -> Response:
    base = mount_url(request)
    return JSONResponse({
        "issuer": f"{base}/", "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token", "revocation_endpoint": f"{base}/oauth/revoke",
        "scopes_supported": SCOPES.split(), "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "password", "client_credentials"],
        "code_challenge_methods_supported": ["S256"], "service_documentation": "https://docs.joinmastodon.org/",
        "app_registration_endpoint": f"{base}/api/v1/apps"})


async def authorize(request: Request) -> Response:
    query = request.query_params
    if query.get("client_id") not in _store(request).apps:
        return _oauth_error("invalid_client", "Client authentication failed due to unknown client.", 401)
    try:
        account = request.app.state.sandbox.account(NET, query.get("login", ""))
    except SandboxError:
        return _oauth_error("access_denied", "Pass login=<username>: the sandbox approves for that account.")
    code = secrets.token_urlsafe(24)
    with _store(request).lock:
        _store(request).codes[code] = account.id
    redirect = query.get("redirect_uri", OOB)
    if redirect == OOB:
        return PlainTextResponse(code)
    return RedirectResponse(f"{redirect}{'&' if '?' in redirect else '?'}{urlencode({'code': code})}", 302)


async def token(request: Request) -> Response:
    params, store, state = await _params(request), _store(request), request.app.state.sandbox
    app = store.apps.get(str(params.get("client_id", "")))
    if app is None or app["client_secret"] != params.get("client_secret"):
        return _oauth_error("invalid_client", "Client authentication failed due to unknown client.", 401)
    grant = params.get("grant_type")
    account_id = None
    if grant == "authorization_code":
        with store.lock:
            account_id = store.codes.pop(str(params.get("code", "")), None)
    elif grant == "password":
        try:
            found = state.account(NET, str(params.get("username", "")))
        except SandboxError:
            found = None
        if found is not None and found.password == params.get("password") and not found.revoked:
            account_id = found.id
    elif grant != "client_credentials":
        return _oauth_error("unsupported_grant_type", "The authorization grant type is not supported.")
    if account_id is None and grant != "client_credentials":
        return _oauth_error("invalid_grant", "The provided authorization grant is invalid, expired or revoked.")
    value = state.issue_token(NET, account_id).value if account_id else secrets.token_urlsafe(32)
    return JSONResponse({"access_token": value, "token_type": "Bearer",
                         "scope": params.get("scope") or " ".join(app["scopes"]), "created_at": int(time.time())})


async def revoke(request: Request) -> Response:
    params, state = await _params(request), request.app.state.sandbox
    with state.lock:
        state.net(NET).tokens.pop(str(params.get("token", "")), None)
    return JSONResponse({})


def routes() -> list[Route]:
    return [Route("/api/v1/apps", register_app, methods=["POST"]),
            Route("/.well-known/oauth-authorization-server", discovery),
            Route("/oauth/authorize", authorize), Route("/oauth/token", token, methods=["POST"]),
            Route("/oauth/revoke", revoke, methods=["POST"])]
