"""What every OneAll request does around its one core call: authenticate, count it against the key's hourly budget
(kept on request.state: routes.py puts its RateLimit headers on whatever the answer is), read the `{"request": …}`
body (JSON under any content type, or none: the curl examples label raw JSON as a form, the Node SDK sends no
Content-Type), read pagination and `confirm_deletion`, and run the core off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from sharelytics.api import wire
from sharelytics.api.oneall.auth import authenticate, authenticate_publisher
from sharelytics.api.oneall.errors import BadEnvelope, BadQuery, DeletionNotConfirmed, RateLimited
from sharelytics.api.ratelimit import RateBudget
from sharelytics.core.projects.model import Project
from sharelytics.core.providers.fetch import PublicMediaFetcher
from sharelytics.core.sharing.context import SharingContext
from sharelytics.core.sharing.pages import DEFAULT_PER_PAGE, MAX_PER_PAGE, PageRequest
from sharelytics.core.sharing.vault import CredentialVault

if TYPE_CHECKING:
    from sharelytics.app import Services

T = TypeVar("T")
MAX_DEPTH = 32  # nesting a OneAll body never needs; deeper is refused before anything walks it


def services_of(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def sharing_context(request: Request) -> SharingContext:
    """Built once per app: the vault derives its key from the server secret, the registry is the services' one."""
    ctx: SharingContext | None = getattr(request.app.state, "oneall_sharing", None)
    if ctx is None:
        services = services_of(request)
        fetcher = services.providers.media_fetcher
        allow = fetcher.allow_hosts if isinstance(fetcher, PublicMediaFetcher) else frozenset()
        ctx = SharingContext(services.engine, services.providers, CredentialVault(services.settings.secret),
                             services.shared_domain, allow_hosts=allow)
        request.app.state.oneall_sharing = ctx
    return ctx


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return max((_depth(child, level + 1) for child in children), default=level)


def parse_body(body: bytes) -> dict[str, Any]:
    """`{"request": {...}}` -> the inner object. orjson reads `\\/` escapes (the PHP SDK's) like any JSON parser."""
    if not body.strip():
        raise BadEnvelope('the request has no body: send {"request": {...}} as JSON')
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadEnvelope('the body is not valid JSON: send {"request": {...}}') from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("request"), dict):
        raise BadEnvelope('the body must be a JSON object {"request": {...}}')
    if _depth(parsed) > MAX_DEPTH:
        raise BadEnvelope("the body is nested too deeply")
    return parsed["request"]


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadQuery(f"{name} must be an integer, not {raw[:32]!r}") from None


def page_request(request: Request) -> PageRequest:
    """page, entries_per_page and order_direction, clamped as the PHP SDK clamps them (1..500, asc unless desc)."""
    page = max(_int(request, "page", 1), 1)
    per_page = _int(request, "entries_per_page", DEFAULT_PER_PAGE)
    per_page = per_page if 1 <= per_page <= MAX_PER_PAGE else (MAX_PER_PAGE if per_page > 0 else DEFAULT_PER_PAGE)
    direction = "desc" if request.query_params.get("order_direction", "").strip().lower() == "desc" else "asc"
    return PageRequest(min(page, 10**9), per_page, direction)


def confirm_deletion(request: Request) -> None:
    if request.query_params.get("confirm_deletion", "").strip().lower() not in ("true", "1"):
        raise DeletionNotConfirmed("add confirm_deletion=true to the query string to delete this resource")


@dataclass(frozen=True)
class Call:
    request: Request
    project: Project

    @property
    def services(self) -> Services:
        return services_of(self.request)

    @property
    def sharing(self) -> SharingContext:
        return sharing_context(self.request)

    @property
    def resource(self) -> str:
        return self.request.url.path

    async def body(self) -> dict[str, Any]:
        return parse_body(await wire.read_body(self.request, self.services.settings.max_body_bytes))

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """A core call, off the event loop (core is synchronous SQLAlchemy and httpx)."""
        return await run_in_threadpool(fn, *args)


def count_request(request: Request, project: Project) -> RateBudget:
    """Requests with unknown credentials never get here, so nobody can spend another site's budget."""
    budget = services_of(request).oneall_limiter.hit(project.id)
    request.state.oneall_budget = budget
    if not budget.allowed:
        raise RateLimited(f"Too many requests: this site's key may make {budget.limit} OneAll API requests per hour; "
                          f"retry in {max(1, budget.reset_seconds)} seconds")
    return budget


def budget_headers(request: Request) -> dict[str, str]:
    budget: RateBudget | None = getattr(request.state, "oneall_budget", None)
    return budget.headers() if budget is not None else {}


async def begin(request: Request) -> Call:
    project = await authenticate(request)
    count_request(request, project)
    return Call(request, project)


async def begin_publishing_for(request: Request, user_token: str) -> Call:
    """`POST /users/<user_token>/publish.json`: a publish token for that user, or the site's key pair."""
    project = await authenticate_publisher(request, user_token)
    count_request(request, project)
    return Call(request, project)
