"""What every Create API request does before its one core call: read the parameters, the format and callback,
check `v`, find the project by key, count the request against the key's budget, then find the tool and domain.

Errors raised here carry no status: `errors.py` maps them.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.api.awesm import render
from sharelytics.api.awesm.errors import BadVersion, BotRefused, InvalidKey, MissingParameter, RateLimited, UnknownTool
from sharelytics.api.ratelimit import RateBudget
from sharelytics.core.clicks.classify import HUMAN, classify_agent
from sharelytics.core.links.domains import Domain, domain_for_create
from sharelytics.core.links.tools import Tool, tool_by_key
from sharelytics.core.projects.manage import project_by_awesm_key
from sharelytics.core.projects.model import Project

if TYPE_CHECKING:
    from sharelytics.app import Services

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
PROJECT_TTL = 10.0  # seconds a key -> project answer is reused: a reconfigured project applies within this
PROJECT_CACHE_SIZE = 1024


class TtlCache(Generic[K, V]):
    """A small per-process map whose answers are reused for `PROJECT_TTL` seconds: saves a hash and a query on
    every request of a busy key (a reconfigured project or new tool applies within the TTL)."""

    def __init__(self) -> None:
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        return entry[1] if entry and entry[0] > time.monotonic() else None

    def put(self, key: K, value: V) -> None:
        if len(self._entries) >= PROJECT_CACHE_SIZE:
            self._entries.clear()  # crude but bounded; a refill costs one query per key
        self._entries[key] = (time.monotonic() + PROJECT_TTL, value)


def _cache(request: Request, name: str) -> TtlCache[Any, Any]:
    found: TtlCache[Any, Any] | None = getattr(request.app.state, name, None)
    if found is None:
        found = TtlCache()
        setattr(request.app.state, name, found)
    return found


def services_of(request: Request) -> "Services":
    return request.app.state.services  # type: ignore[no-any-return]


def check_version(params: wire.Params, fmt: str) -> None:
    """3; 2 only with txt (node-awesm sends it so); missing is taken as 3 (docs/decisions)."""
    version = params.get("v")
    if version is None or version.strip() == "3" or (version.strip() == "2" and fmt == "txt"):
        return
    raise BadVersion(f"unsupported API version {version[:16]!r}: use v=3", "v")


def require(params: wire.Params, *names: str) -> None:
    for name in names:
        if not params.get(name):
            raise MissingParameter(f"{name} is required", name)


async def find_project(request: Request, key: str | None) -> Project:
    if not key:
        raise InvalidKey("Invalid API key", "key")
    cache = _cache(request, "awesm_projects")
    digest = hashlib.sha256(key.encode()).hexdigest()  # the raw key is never kept in memory
    project = cache.get(digest)
    if project is None:
        project = await run_in_threadpool(project_by_awesm_key, services_of(request).engine, key)
        if project is None:
            raise InvalidKey("Invalid API key", "key")
        cache.put(digest, project)
    return project


async def read_request(request: Request, suffix: str | None) -> tuple[wire.Params, str, str | None]:
    """Parameters, format and callback, each kept on request.state as soon as known so errors can echo them."""
    params = await wire.read_params(request, services_of(request).settings.max_body_bytes)
    request.state.awesm_params = params
    fmt = wire.response_format(suffix, params)
    request.state.awesm_callback = callback = wire.jsonp_callback(params, fmt)
    check_version(params, fmt)
    return params, fmt, callback


def refuse_bots(request: Request) -> None:
    """url/share and url/retweet: "Known bots (like web crawlers) are blacklisted from creating links", and so
    are link-preview unfurlers and requests without a User-Agent."""
    user_agent = request.headers.get("user-agent", "")[:1024]
    if classify_agent(user_agent or None).kind != HUMAN:
        raise BotRefused("Known bots may not create links through this endpoint; send a browser's User-Agent")


def count_request(request: Request, project: Project) -> RateBudget:
    budget = services_of(request).create_limiter.hit(project.id, project.create_rate_limit)
    if not budget.allowed:
        raise RateLimited(
            f"Rate limit exceeded: {budget.limit} Create API requests per hour", headers=budget.headers()
        )
    return budget


@dataclass(frozen=True)
class Call:
    """An authenticated, counted Create API request."""

    request: Request
    params: wire.Params
    fmt: str
    callback: str | None
    project: Project
    budget: RateBudget

    @property
    def services(self) -> "Services":
        return services_of(self.request)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """A core call, off the event loop (core is synchronous SQLAlchemy)."""
        return await run_in_threadpool(fn, *args)

    async def tool(self) -> Tool:
        require(self.params, "tool")
        key = (self.params.get("tool") or "")[:64]
        cache = _cache(self.request, "awesm_tools")
        found = cache.get((self.project.id, key))
        if found is None:
            found = await self.run(tool_by_key, self.services.engine, self.project, key)
            if found is None:
                raise UnknownTool(f"Invalid tool key: {key!r}", "tool")
            cache.put((self.project.id, key), found)
        return found

    async def domain(self) -> Domain:
        services = self.services
        if not self.params.get("domain") and self.project.default_domain_id is None:
            return services.shared_domain  # the common case needs no query
        return await self.run(
            domain_for_create, services.engine, self.project, self.params.get("domain"), services.shared_domain
        )

    def answer(self, body: dict[str, Any], text: str) -> Response:
        return render.answer(body, text, self.fmt, self.callback, self.budget.headers())


async def begin(request: Request, suffix: str | None, *, bots: bool = True) -> Call:
    """Read, authenticate and count a request; `bots=False` refuses crawlers before they are counted."""
    params, fmt, callback = await read_request(request, suffix)
    project = await find_project(request, params.get("key"))
    if not bots:
        refuse_bots(request)
    return Call(request, params, fmt, callback, project, count_request(request, project))
