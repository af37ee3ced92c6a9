"""Who is looking at the dashboard: sign-in with a project key pair or a dashboard account, a signed-cookie
session, and CSRF tokens for every POST. See docs/decisions/2026-11-23-dashboard-sessions-in-signed-cookies.md.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sharelytics.core.accounts.users import current_stamp

SESSION_SECONDS = 12 * 3600  # a signed cookie cannot be revoked one by one: keep its life short
SESSION_COOKIE = "sharelytics_dashboard"
Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Viewer:
    project_id: int
    project_name: str
    login: str  # how they signed in: "awe.sm API key", "OneAll keys" or "user <name>"


def viewer(request: Request) -> Viewer | None:
    session = request.scope.get("session") or {}
    project_id, started = session.get("project_id"), session.get("started", 0)
    if not isinstance(project_id, int) or time.time() - float(started) > SESSION_SECONDS:
        return None
    return Viewer(project_id, str(session.get("project_name", "")), str(session.get("login", "")))


def sign_in(request: Request, project_id: int, project_name: str, login: str,
            account: tuple[int, str] | None = None) -> None:
    """`account`: the dashboard account's id and stamp, checked again at every request (see account_valid)."""
    # A new session (and CSRF token) at sign-in: nothing from before authentication carries over.
    request.session.clear()
    request.session.update(project_id=project_id, project_name=project_name, login=login, started=int(time.time()),
                           csrf=secrets.token_urlsafe(32))
    if account is not None:
        request.session["account"] = list(account)


async def account_valid(request: Request) -> bool:
    """A session of a dashboard account ends when the account is deleted or its password is reset: a signed
    cookie cannot be recalled, so each request checks the account's stamp (one primary-key read)."""
    account = request.session.get("account")
    if account is None:  # signed in with the project's keys, unless an account's session predates the stamps
        return not str(request.session.get("login", "")).startswith("user ")
    if not (isinstance(account, list) and len(account) == 2 and isinstance(account[0], int)):
        return False
    engine = request.app.state.services.engine
    return await run_in_threadpool(current_stamp, engine, account[0]) == account[1]


def sign_out(request: Request) -> None:
    request.session.clear()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (the login form needs one before anyone signed in)."""
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def csrf_ok(request: Request) -> bool:
    """A POST carries the session's token in its form (synchroniser token; SameSite=Lax is the second line)."""
    expected = request.session.get("csrf")
    form = await request.form()
    sent = form.get("csrf")
    return isinstance(expected, str) and isinstance(sent, str) and hmac.compare_digest(expected, sent)


def login_required(handler: Handler) -> Handler:
    @wraps(handler)
    async def guarded(request: Request) -> Response:
        if viewer(request) is not None and not await account_valid(request):
            request.session.clear()  # the account was deleted, or its password reset, since this session began
        if viewer(request) is None:
            base = request.scope.get("root_path", "")
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"{base}/login?next={quote(target, safe='')}", status_code=303)
        return await handler(request)

    return guarded
