"""The sign-in and sign-out pages: an awe.sm API key, a OneAll key pair, or a dashboard account."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sharelytics.core.accounts.users import authenticate
from sharelytics.core.projects.manage import get_project, project_by_awesm_key
from sharelytics.core.projects.oneall import project_by_oneall_keys
from sharelytics.web.auth import csrf_ok, sign_in, sign_out, viewer
from sharelytics.web.pages_common import services_of
from sharelytics.web.templating import render

METHODS = ("account", "awesm", "oneall")


def _next(request: Request, raw: object) -> str:
    """Only a path inside the dashboard: an absolute URL here would make the login page an open redirect."""
    base = request.scope.get("root_path", "")
    target = raw if isinstance(raw, str) else ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith(base + "/") or target.startswith("//"):
        return f"{base}/links"
    return target


def _form_value(form: object, name: str) -> str:
    value = form.get(name)  # type: ignore[attr-defined]
    return value[:1024] if isinstance(value, str) else ""


async def login_form(request: Request) -> Response:
    if viewer(request) is not None:
        return RedirectResponse(_next(request, request.query_params.get("next")), status_code=303)
    return render(request, "login.html", {"next": _next(request, request.query_params.get("next")), "error": None,
                                          "method": "account"})


SignedIn = tuple[int, str, str, "tuple[int, str] | None"]  # project id and name, how, the account's id and stamp


def _account_tried(method: str, form: object) -> str:
    """What the sign-in rate limit counts failures against: the user name, or the key, tried."""
    if method == "awesm":
        return "awesm:" + _form_value(form, "api_key")
    if method == "oneall":
        return "oneall:" + _form_value(form, "public_key")
    return "account:" + _form_value(form, "username").lower()


async def _authenticate(request: Request, method: str, form: object) -> SignedIn | None:
    engine = services_of(request).engine
    if method == "awesm":
        project = await run_in_threadpool(project_by_awesm_key, engine, _form_value(form, "api_key"))
        return (project.id, project.name, "awe.sm API key", None) if project else None
    if method == "oneall":
        project = await run_in_threadpool(project_by_oneall_keys, engine, _form_value(form, "public_key"),
                                          _form_value(form, "private_key"))
        return (project.id, project.name, "OneAll keys", None) if project else None
    user = await run_in_threadpool(authenticate, engine, _form_value(form, "username"), _form_value(form, "password"))
    if user is None:
        return None
    project = await run_in_threadpool(get_project, engine, user.project_id)
    return project.id, project.name, f"user {user.username}", (user.id, user.stamp)


def _too_many(request: Request, target: str, method: str, retry_after: int) -> Response:
    minutes = max(1, -(-retry_after // 60))
    answer = render(request, "login.html", {"next": target, "method": method, "error": (
        f"Too many failed sign-ins. Please wait {minutes} minute{'s' if minutes > 1 else ''} and try again.")},
        status=429)
    answer.headers["Retry-After"] = str(retry_after)
    return answer


async def login_submit(request: Request) -> Response:
    if not await csrf_ok(request):
        return render(request, "login.html", {"next": _next(request, None), "method": "account",
                                              "error": "The form expired; please try again."}, status=403)
    form = await request.form()
    method = _form_value(form, "method")
    method = method if method in METHODS else "account"
    target = _next(request, form.get("next"))
    limiter = services_of(request).signin_limiter
    tried, address = _account_tried(method, form), request.client.host if request.client else ""
    wait = limiter.retry_after(tried, address)
    if wait is not None:  # refused before any key lookup or password hash: a guesser learns nothing, costs nothing
        return _too_many(request, target, method, wait)
    found = await _authenticate(request, method, form)
    if found is None:
        limiter.failed(tried, address)
        return render(request, "login.html", {"next": target, "method": method,
                                              "error": "Those credentials were not accepted."}, status=401)
    sign_in(request, *found)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    if not await csrf_ok(request):
        return Response("Forbidden: missing or wrong CSRF token\n", status_code=403, media_type="text/plain")
    sign_out(request)
    return RedirectResponse(f"{request.scope.get('root_path', '')}/login", status_code=303)
