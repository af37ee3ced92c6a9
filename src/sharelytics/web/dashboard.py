"""The dashboard app, mounted at /dashboard: sessions in signed cookies, the pages, and its static files."""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from sharelytics.web import login, pages_links, pages_sharing
from sharelytics.web.auth import SESSION_COOKIE, SESSION_SECONDS
from sharelytics.web.pages_common import not_found

if TYPE_CHECKING:
    from sharelytics.app import Services

PREFIX = "/dashboard"


async def home(request: Request) -> Response:
    return RedirectResponse(f"{request.scope.get('root_path', '')}/links", status_code=303)


async def _missing(request: Request, _exc: Exception) -> Response:
    return not_found(request, "page")


def _static() -> StaticFiles:
    return StaticFiles(directory=str(files("sharelytics.web").joinpath("static")))


def dashboard_app(services: Services) -> Starlette:
    routes: list[BaseRoute] = [
        Route("/", home),
        Route("/login", login.login_form, methods=["GET"]),
        Route("/login", login.login_submit, methods=["POST"]),
        Route("/logout", login.logout, methods=["POST"]),
        Route("/links", pages_links.links_list),
        Route("/links/{awesm_id:path}", pages_links.link_page),
        Route("/campaigns", pages_links.campaigns_page),
        Route("/tools", pages_links.tools_page),
        Route("/messages", pages_sharing.messages_list),
        Route("/messages/{token}", pages_sharing.message_page),
        Route("/snapshots/{token}", pages_sharing.snapshot_page),
        Mount("/static", app=_static(), name="static"),
    ]
    # The cookie is scoped to the dashboard's path, so API and redirect responses never carry or need it.
    session = Middleware(SessionMiddleware, secret_key=services.settings.secret, session_cookie=SESSION_COOKIE,
                         max_age=SESSION_SECONDS, path=PREFIX, same_site="lax",
                         https_only=services.settings.effective_public_url.startswith("https://"))
    app = Starlette(routes=routes, middleware=[session], exception_handlers={404: _missing})
    app.state.services = services
    return app


def dashboard_routes(services: Services) -> list[BaseRoute]:
    return [Mount(PREFIX, app=dashboard_app(services))]
