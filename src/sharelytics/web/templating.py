"""Jinja2 for the dashboard: templates shipped as package data, autoescaped, with a few number and date filters."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

# The dashboard draws its charts as inline SVG and loads its script and styles from its own origin: nothing else.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "–"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("sharelytics.web", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(number=_number, when=_when, urlencode=lambda d: urlencode({k: v for k, v in d.items() if v}))
    env.globals.update(percent=_percent)
    return env


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    from sharelytics.web.auth import csrf_token, viewer

    page = environment().get_template(name).render(
        request=request, base=request.scope.get("root_path", "") or "/dashboard", viewer=viewer(request),
        csrf=csrf_token(request), **context)
    return HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)
