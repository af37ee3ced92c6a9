"""Bluesky sessions for the fake: createSession / refreshSession / getSession with JWT-shaped tokens (the SDK
decodes them and reads an integer `exp`), and the bearer check every authenticated call makes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from starlette.requests import Request

from sharelytics.sandbox.state import Account, SandboxError, SandboxState

NET = "bluesky"
ACCESS_TTL = 2 * 3600  # as the reference PDS: the SDK refreshes when less than 15 minutes are left
REFRESH_TTL = 90 * 24 * 3600
_SIGNING_KEY = secrets.token_bytes(32)


class XrpcError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(did: str, kind: str, ttl: int, aud: str) -> tuple[str, int]:
    issued = int(time.time())
    header = {"typ": "at+jwt" if kind == "access" else "refresh+jwt", "alg": "HS256"}
    claims = {"scope": "com.atproto.appPass" if kind == "access" else "com.atproto.refresh", "sub": did,
              "aud": aud, "iat": issued, "exp": issued + ttl, "jti": secrets.token_urlsafe(12)}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(_SIGNING_KEY, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}", issued + ttl


def new_session(state: SandboxState, account: Account, aud: str) -> dict[str, Any]:
    access, access_exp = make_jwt(account.id, "access", ACCESS_TTL, aud)
    refresh, refresh_exp = make_jwt(account.id, "refresh", REFRESH_TTL, aud)
    state.issue_token(NET, account.id, access, kind="access", expires_at=access_exp)
    state.issue_token(NET, account.id, refresh, kind="refresh", expires_at=refresh_exp)
    return {"did": account.id, "handle": account.username, "accessJwt": access, "refreshJwt": refresh,
            "email": f"{account.username.split('.')[0]}@sandbox.test", "emailConfirmed": True, "active": True}


def bearer(request: Request, kind: str = "access") -> Account:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise XrpcError(401, "AuthMissing", "Authentication Required")
    value = header[7:].strip()
    if value.count(".") != 2:
        raise XrpcError(400, "InvalidToken", "Malformed token")
    state: SandboxState = request.app.state.sandbox
    found = state.token_account(NET, value, kind)
    if found is None:
        raise XrpcError(401, "AuthenticationRequired", "Token could not be verified")
    token, account = found
    if token.expires_at is not None and token.expires_at < time.time():
        raise XrpcError(400, "ExpiredToken", "Token has expired")
    return account


def create_session(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    state: SandboxState = request.app.state.sandbox
    identifier, password = str(body.get("identifier", "")), str(body.get("password", ""))
    if not identifier or not password:
        raise XrpcError(400, "InvalidRequest", "Input must have the properties \"identifier\" and \"password\"")
    try:
        account = _find(state, identifier)
    except SandboxError:
        account = None
    if account is None or account.revoked or not hmac.compare_digest(account.password, password):
        raise XrpcError(401, "AuthenticationRequired", "Invalid identifier or password")
    return new_session(state, account, _aud(request))


def refresh_session(request: Request) -> dict[str, Any]:
    account = bearer(request, kind="refresh")
    state: SandboxState = request.app.state.sandbox
    used = request.headers["authorization"][7:].strip()
    with state.lock:
        state.net(NET).tokens.pop(used, None)  # refresh tokens are single-use
    return new_session(state, account, _aud(request))


def get_session(request: Request) -> dict[str, Any]:
    account = bearer(request)
    return {"did": account.id, "handle": account.username, "email": f"{account.username.split('.')[0]}@sandbox.test",
            "emailConfirmed": True, "active": True}


def _find(state: SandboxState, identifier: str) -> Account:
    if "@" in identifier.strip("@"):  # an e-mail address: the local part is the handle's first label
        identifier = identifier.split("@")[0]
    return state.account(NET, identifier)


def _aud(request: Request) -> str:
    return f"did:web:{request.url.hostname}"
