"""Helpers every dashboard page shares: reading query parameters and 404 pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.web.auth import Viewer, viewer
from sharelytics.web.templating import render

PER_PAGE = 25


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


def text_param(request: Request, name: str, limit: int = 200) -> str:
    return (request.query_params.get(name) or "").strip()[:limit]


def current(request: Request) -> Viewer:
    found = viewer(request)
    assert found is not None  # pages are wrapped in login_required
    return found


def not_found(request: Request, what: str) -> Response:
    return render(request, "not_found.html", {"what": what}, status=404)


def services_of(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.services
