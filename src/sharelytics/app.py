"""The composition root: `create_app(settings)` wires storage, the click pipeline and the HTTP adapters.

Nothing is wired at import time. The CLI, the tests and the workers all build the app through here.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from dataclasses import dataclass, field
from typing import AsyncIterator

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.types import ASGIApp

from sharelytics.api.awesm.routes import awesm_routes
from sharelytics.api.oneall.routes import oneall_routes
from sharelytics.api.oneall.snapshot_render import pingback_body
from sharelytics.api.openapi.routes import openapi_routes
from sharelytics.api.create_queue import CreateQueue
from sharelytics.api.ratelimit import CreateRateLimiter, OneAllRateLimiter
from sharelytics.config import Settings, ensure_secret, load_settings
from sharelytics.core.clicks.journal import ClickJournal
from sharelytics.core.clicks.pipeline import ClickPipeline, start_pipeline
from sharelytics.core.links.cache import LinkCache
from sharelytics.core.links.changes import ChangeWatcher
from sharelytics.core.links.domains import Domain, ensure_shared_domain
from sharelytics.core.providers.idempotency import SqliteIdempotencyStore
from sharelytics.core.providers.registry import ProviderRegistry, default_registry
from sharelytics.jobs.runtime import Jobs, build_jobs
from sharelytics.redirect import RedirectApp
from sharelytics.logs import RequestLog, configure_json_logging
from sharelytics.web.dashboard import dashboard_routes
from sharelytics.web.metrics_route import metrics_routes
from sharelytics.web.signin_limit import SignInLimiter
from sharelytics.web.widgets import widget_routes
from sharelytics.storage.engine import make_engine

log = logging.getLogger("sharelytics")


@dataclass
class Services:
    """Everything a request handler or background task needs, built once per process."""

    settings: Settings
    engine: Engine
    shared_domain: Domain
    journal: ClickJournal
    link_cache: LinkCache
    create_limiter: CreateRateLimiter
    oneall_limiter: OneAllRateLimiter
    signin_limiter: SignInLimiter  # the dashboard's failed sign-ins, per account and per address
    creates: CreateQueue  # single-link creates, group-committed
    pipeline: ClickPipeline | None = field(default=None)
    # The provider adapters the OneAll API publishes through (tests swap in one with fast retries).
    providers: ProviderRegistry = field(default_factory=default_registry)
    # Snapshot builds and pingbacks (huey); its consumer runs in `serve` (embedded) or `worker` (Redis).
    jobs: Jobs | None = field(default=None)


def build_services(settings: Settings, engine: Engine | None = None) -> Services:
    settings = ensure_secret(settings)
    engine = engine or make_engine(settings.effective_database_url)
    services = Services(
        settings=settings,
        engine=engine,
        shared_domain=ensure_shared_domain(engine, settings.effective_default_domain),
        journal=ClickJournal(settings.journal_dir, segment_bytes=settings.journal_segment_bytes),
        link_cache=LinkCache(engine, size=settings.link_cache_size, ttl=settings.link_cache_ttl),
        create_limiter=CreateRateLimiter(settings),
        oneall_limiter=OneAllRateLimiter(settings),
        signin_limiter=SignInLimiter(settings),
        creates=CreateQueue(engine),
        # X, Facebook and LinkedIn have no idempotency header: attempts are remembered on disk, across restarts.
        providers=default_registry(
            idempotency=SqliteIdempotencyStore(settings.data_path / "provider-idempotency.sqlite3")
        ),
    )
    # The OneAll adapter renders the pingback body: the core that sends it knows no wire format.
    services.jobs = build_jobs(services, pingback_body)
    return services


_frozen = [False]


def _freeze_startup_objects() -> None:
    """Once per process, after start-up: what exists now (routes, compiled statements, the warmed link cache) lives
    as long as the server, so the cyclic collector stops scanning it and every later collection is shorter (about
    10 % less server CPU per create, bench/redirect.py --only creates). Only once: a test process starts many apps,
    and an object frozen while alive is never collected if it later becomes part of a garbage cycle."""
    if not _frozen[0]:
        _frozen[0] = True
        gc.collect()  # garbage made during start-up is freed, not frozen
        gc.freeze()


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> ASGIApp:
    """The ASGI app: the redirect in front (pure ASGI), the API router behind it."""
    services = services or build_services(settings or load_settings())

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # The click pipeline (journal -> database, or journal -> Redis stream) runs beside the server.
        services.pipeline = start_pipeline(services)
        # Links deleted, projects and domains changed by any process reach this one's redirects within a second.
        changes = ChangeWatcher(services.engine, services.link_cache).start()
        jobs = services.jobs if services.jobs is not None and services.settings.serve_runs_jobs else None
        if jobs is not None:
            jobs.start()  # threads; uvicorn keeps the signal handlers
        _freeze_startup_objects()
        try:
            yield
        finally:
            changes.stop()
            if jobs is not None:
                jobs.stop()
            services.pipeline.stop()
            services.pipeline = None
            services.journal.close()

    if services.settings.log_format.lower() == "json":
        configure_json_logging(services.settings.log_level)
    routes = [*awesm_routes(), *oneall_routes(), *widget_routes(), *openapi_routes(), *dashboard_routes(services),
              *metrics_routes()]
    api = Starlette(routes=routes, lifespan=lifespan)
    api.state.services = services
    # Requests are logged behind the redirect: short links are counted in /metrics, never logged one by one.
    return RedirectApp(RequestLog(api), services)
