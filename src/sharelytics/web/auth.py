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

from starlette.requests import Request
from starlette.responses import Response

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


def sign_in(request: Request, project_id: int, project_name: str, login: str) -> None:
    # A new session (and CSRF token) at sign-in: nothing from before authentication carries over.
    request.session.clear()
    request.session.update(project_id=project_id, project_name=project_name, login=login, started=int(time.time()),
                           csrf=secrets.token_urlsafe(32))


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
        if viewer(request) is None:
            from starlette.responses import RedirectResponse

            base = request.scope.get("root_path", "")
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            from urllib.parse import quote

            return RedirectResponse(f"{base}/login?next={quote(target, safe='')}", status_code=303)
        return await handler(request)

    return guarded
