"""The command line: `serve`, `worker`, `settings` and the admin commands. Admin commands take `--json`."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from typing import TYPE_CHECKING, Any, Iterator, Optional

import typer

from sharelytics.cli_output import emit as _emit
from sharelytics.cli_output import fail as _fail

if TYPE_CHECKING:
    from sqlalchemy import Engine

from sharelytics import cli_links, cli_oneall, cli_sandbox
from sharelytics.config import ENV_PREFIX, SETTINGS, Settings, SettingsError, ensure_secret, load_settings

# Plain (click) help and errors rather than Rich panels: stable for docs/cli.md, readable in logs and scripts.
_TYPER = {"no_args_is_help": True, "rich_markup_mode": None, "pretty_exceptions_show_locals": False}
app = typer.Typer(help="sharelytics: sharing analytics with awe.sm and OneAll compatible APIs.", add_completion=False,
                  **_TYPER)
projects_app = typer.Typer(help="Projects (tenants): API keys, redirect status, privacy mode.", **_TYPER)
domains_app = typer.Typer(help="Link domains with their root and not-found redirects.", **_TYPER)
tools_app = typer.Typer(help="Applications and tools (the `tool` keys of the Create API).", **_TYPER)
app.add_typer(projects_app, name="projects")
app.add_typer(domains_app, name="domains")
app.add_typer(tools_app, name="tools")
app.add_typer(cli_sandbox.app, name="sandbox")
app.add_typer(cli_links.patterns_app, name="patterns")
app.add_typer(cli_links.conversions_app, name="conversions")
app.add_typer(cli_oneall.users_app, name="users")
app.add_typer(cli_oneall.identities_app, name="identities")

JsonOption = typer.Option(False, "--json", help="Print one JSON object instead of text.")


def _settings(**overrides: Any) -> Settings:
    try:
        return ensure_secret(load_settings(**overrides))
    except (SettingsError, OSError) as exc:
        _fail(str(exc))


@contextlib.contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    """The migrated database for one command; its connections are closed when the command ends."""
    from sqlalchemy.exc import SQLAlchemyError

    from sharelytics.storage.engine import make_engine
    from sharelytics.storage.migrate import upgrade

    try:
        engine = make_engine(settings.effective_database_url)
    except (SQLAlchemyError, ValueError) as exc:  # includes an unparsable URL or an unknown driver
        _fail(f"{ENV_PREFIX}DATABASE_URL: {exc}")
    try:
        try:
            upgrade(engine)
        except SQLAlchemyError as exc:
            _fail(f"cannot open the database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
        yield engine
    finally:
        engine.dispose()


LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, help="Bind address.", envvar=ENV_PREFIX + "HOST"),
    port: Optional[int] = typer.Option(None, help="Bind port.", envvar=ENV_PREFIX + "PORT"),
    data_dir: Optional[str] = typer.Option(None, help="Data directory.", envvar=ENV_PREFIX + "DATA_DIR"),
    database_url: Optional[str] = typer.Option(None, help="SQLAlchemy URL.", envvar=ENV_PREFIX + "DATABASE_URL"),
    workers: Optional[int] = typer.Option(None, help="Worker processes.", envvar=ENV_PREFIX + "WORKERS"),
) -> None:
    """Serve the APIs and redirects; applies migrations first. In embedded mode also writes clicks."""
    overrides = {"host": host, "port": port, "data_dir": data_dir, "database_url": database_url, "workers": workers}
    for name, value in overrides.items():  # worker processes read settings from the environment
        if value is not None:
            os.environ[ENV_PREFIX + name.upper()] = str(value)
    settings = _settings()
    if settings.log_level.lower() not in LOG_LEVELS:
        _fail(f"{ENV_PREFIX}LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {settings.log_level!r}")
    if settings.click_writer not in ("process", "thread"):
        _fail(f"{ENV_PREFIX}CLICK_WRITER must be process or thread, not {settings.click_writer!r}")
    if settings.workers < 1:
        _fail(f"{ENV_PREFIX}WORKERS must be at least 1")
    if settings.log_format.lower() not in ("text", "json"):
        _fail(f"{ENV_PREFIX}LOG_FORMAT must be text or json, not {settings.log_format!r}")
    from sharelytics.metrics_dir import prepare_multiprocess_dir

    # Before any worker (or the click-writer child) starts: they all inherit it and count into files there.
    prepare_multiprocess_dir(settings.data_path)
    os.environ[ENV_PREFIX + "SECRET"] = settings.secret
    import uvicorn

    from sharelytics.core.links.domains import DomainError, ensure_shared_domain

    with _engine(settings) as engine:
        try:
            ensure_shared_domain(engine, settings.effective_default_domain)
        except DomainError as exc:
            _fail(f"{ENV_PREFIX}DEFAULT_DOMAIN / {ENV_PREFIX}PUBLIC_URL: {exc}")
    typer.echo(f"sharelytics serving on {settings.effective_public_url} (data in {settings.data_path})", err=True)
    uvicorn.run(
        "sharelytics.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level.lower(),
        access_log=False,
        # JSON: the app routes uvicorn's loggers through its own handler (sharelytics.logs).
        log_config=None if settings.log_format.lower() == "json" else uvicorn.config.LOGGING_CONFIG,
        timeout_graceful_shutdown=10,
        proxy_headers=True,
    )


@app.command()
def worker(
    data_dir: Optional[str] = typer.Option(None, help="Data directory.", envvar=ENV_PREFIX + "DATA_DIR"),
    database_url: Optional[str] = typer.Option(None, help="SQLAlchemy URL.", envvar=ENV_PREFIX + "DATABASE_URL"),
    redis_url: Optional[str] = typer.Option(None, help="Redis URL (required).", envvar=ENV_PREFIX + "REDIS_URL"),
) -> None:
    """Store clicks from the Redis click stream and run jobs (snapshot builds, pingbacks) from the Redis queue
    (scaled shape); stops cleanly on SIGTERM or Ctrl-C.

    Run as many as the click and job load needs, beside the `serve` processes and with the same settings.
    """
    import signal
    import threading

    import redis

    from sharelytics.app import build_services
    from sharelytics.core.clicks.stream import ClickConsumer, run_consumer
    from sharelytics.core.clicks.writer import ClickWriter

    settings = _settings(data_dir=data_dir, database_url=database_url, redis_url=redis_url)
    if not settings.redis_url:
        _fail(f"the worker needs {ENV_PREFIX}REDIS_URL; in embedded mode `sharelytics serve` stores clicks itself")
    if settings.sources.get("secret") == "default":
        typer.echo(f"warning: using the secret generated in {settings.data_path}; set {ENV_PREFIX}SECRET to the same "
                   "value on every serve and worker process", err=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with _engine(settings) as engine:
        client = redis.Redis.from_url(settings.redis_url)
        try:
            client.ping()
        except redis.RedisError as exc:
            _fail(f"cannot reach {ENV_PREFIX}REDIS_URL: {exc}")
        writer = ClickWriter(engine, settings.secret, cache_mb=settings.click_writer_cache_mb)
        consumer = ClickConsumer(client, writer, settings.flush_batch)
        jobs = build_services(settings, engine).jobs
        assert jobs is not None
        jobs.start()  # huey consumer threads beside the click consumer; the signals stay ours
        typer.echo(f"sharelytics worker {consumer.name} storing clicks from the Redis stream and running jobs "
                   f"({settings.job_workers} threads)", err=True)
        try:
            stored = run_consumer(consumer, stop, poll=max(0.1, settings.flush_interval))
        finally:
            jobs.stop()
            client.close()
    typer.echo(f"sharelytics worker {consumer.name} stopped; {stored} clicks stored", err=True)


@app.command("settings")
def show_settings(as_json: bool = JsonOption) -> None:
    """Print every setting with its value and where the value came from (option, env, file or default)."""
    try:
        current = load_settings()
    except SettingsError as exc:
        _fail(str(exc))
    payload = {s.name: getattr(current, s.name) for s in SETTINGS}
    if payload.get("secret"):
        payload["secret"] = "(set)"
    lines = [
        f"{ENV_PREFIX}{s.name.upper():24} {payload[s.name]!s:40} [{current.sources.get(s.name, 'default')}] {s.help}"
        for s in SETTINGS
    ]
    _emit(as_json, payload, lines)


@projects_app.command("create")
def projects_create(name: str = typer.Argument(..., help="Project name, unique."), as_json: bool = JsonOption) -> None:
    """Create a project with a default tool; prints its secrets once."""
    from sharelytics.core.links.tools import create_tool
    from sharelytics.core.projects.manage import create_project
    from sharelytics.core.projects.model import ProjectError

    with _engine(_settings()) as engine:
        try:
            project, keys = create_project(engine, name)
        except ProjectError as exc:
            _fail(str(exc))
        tool = create_tool(engine, project, "default", "main")
    payload = {"id": project.id, "name": project.name, **dataclasses.asdict(keys), "tool_key": tool.key,
               "tool": tool.label}
    _emit(as_json, payload, [f"{k}: {v}" for k, v in payload.items()] + ["(the keys are shown only this once)"])


@projects_app.command("list")
def projects_list(as_json: bool = JsonOption) -> None:
    """List projects (no secrets)."""
    from sharelytics.core.projects.manage import list_projects

    with _engine(_settings()) as engine:
        found = list_projects(engine)
    rows = [{"id": p.id, "name": p.name, "redirect_status": p.redirect_status, "privacy_mode": p.privacy_mode,
             "oneall_subdomain": p.oneall_subdomain, "oneall_public_key": p.oneall_public_key} for p in found]
    _emit(as_json, {"projects": rows}, [f"{r['id']}\t{r['name']}\t{r['redirect_status']}\t{r['privacy_mode']}"
                                        for r in rows])


@projects_app.command("configure")
def projects_configure(
    project: str = typer.Argument(..., help="Project name or id."),
    redirect_status: Optional[int] = typer.Option(None, help="301 or 302."),
    privacy_mode: Optional[str] = typer.Option(None, help="full, truncated, hashed or none."),
    create_rate_limit: Optional[int] = typer.Option(None, help="Create API requests per hour (0: unlimited)."),
    default_domain: Optional[str] = typer.Option(None, help="Hostname of the project's default link domain."),
    as_json: bool = JsonOption,
) -> None:
    """Change a project's redirect status, privacy mode, rate limit or default domain."""
    from sharelytics.core.links.domains import DomainError, find_domain
    from sharelytics.core.projects.manage import configure_project, find_project
    from sharelytics.core.projects.model import ProjectError

    with _engine(_settings()) as engine:
        try:
            found = find_project(engine, project)
            domain_id = None
            if default_domain:
                domain = find_domain(engine, default_domain)
                if domain is None or domain.project_id not in (None, found.id):
                    raise DomainError(f"{default_domain} is not one of this project's domains")
                domain_id = domain.id
            updated = configure_project(engine, found, redirect_status=redirect_status, privacy_mode=privacy_mode,
                                        create_rate_limit=create_rate_limit, default_domain_id=domain_id)
        except (ProjectError, DomainError) as exc:
            _fail(str(exc))
    payload = {"id": updated.id, "name": updated.name, "redirect_status": updated.redirect_status,
               "privacy_mode": updated.privacy_mode, "create_rate_limit": updated.create_rate_limit,
               "default_domain_id": updated.default_domain_id}
    _emit(as_json, payload, [f"{k}: {v}" for k, v in payload.items()])


@domains_app.command("add")
def domains_add(
    hostname: str = typer.Argument(..., help="e.g. shl.by, https://CuteOn.Me or dom.ai/n"),
    project: Optional[str] = typer.Option(None, help="Owning project (name or id); omitted: shared by all."),
    root_redirect: Optional[str] = typer.Option(None, help="Where the domain's root redirects."),
    not_found_redirect: Optional[str] = typer.Option(None, help="Where unknown paths redirect."),
    as_json: bool = JsonOption,
) -> None:
    """Register a link domain."""
    from sharelytics.core.links.domains import DomainError, add_domain
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    with _engine(_settings()) as engine:
        try:
            owner = find_project(engine, project) if project else None
            domain = add_domain(engine, hostname, owner, root_redirect=root_redirect,
                                not_found_redirect=not_found_redirect)
        except (ProjectError, DomainError) as exc:
            _fail(str(exc))
    _emit(as_json, dataclasses.asdict(domain), [f"{k}: {v}" for k, v in dataclasses.asdict(domain).items()])


@domains_app.command("list")
def domains_list(as_json: bool = JsonOption) -> None:
    """List link domains."""
    from sharelytics.core.links.domains import list_domains

    with _engine(_settings()) as engine:
        rows = [dataclasses.asdict(d) for d in list_domains(engine)]
    _emit(as_json, {"domains": rows}, [f"{r['id']}\t{r['scheme']}://{r['hostname']}\tproject={r['project_id']}"
                                       for r in rows])


@domains_app.command("configure")
def domains_configure(
    hostname: str = typer.Argument(..., help="The domain, written as on `domains add`."),
    root_redirect: Optional[str] = typer.Option(None, help="Where the root redirects ('' to clear)."),
    not_found_redirect: Optional[str] = typer.Option(None, help="Where unknown paths redirect ('' to clear)."),
    as_json: bool = JsonOption,
) -> None:
    """Set a domain's root and not-found redirects."""
    from sharelytics.core.links.domains import DomainError, configure_domain, find_domain

    with _engine(_settings()) as engine:
        try:
            domain = find_domain(engine, hostname)
            if domain is None:
                _fail(f"no domain {hostname}")
            updated = configure_domain(engine, domain, root_redirect=root_redirect,
                                       not_found_redirect=not_found_redirect)
        except DomainError as exc:
            _fail(str(exc))
    _emit(as_json, dataclasses.asdict(updated), [f"{k}: {v}" for k, v in dataclasses.asdict(updated).items()])


@tools_app.command("create")
def tools_create(
    project: str = typer.Argument(..., help="Project name or id."),
    application: str = typer.Argument(..., help="Application name (created if new)."),
    tool: str = typer.Argument(..., help="Tool name."),
    as_json: bool = JsonOption,
) -> None:
    """Create a tool; prints its 6-character key and its label."""
    from sharelytics.core.links.tools import ToolError, create_tool
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    with _engine(_settings()) as engine:
        try:
            created = create_tool(engine, find_project(engine, project), application, tool)
        except (ProjectError, ToolError) as exc:
            _fail(str(exc))
    payload = {"key": created.key, "tool": created.label, "application": created.application}
    _emit(as_json, payload, [f"{k}: {v}" for k, v in payload.items()])


@tools_app.command("list")
def tools_list(project: str = typer.Argument(..., help="Project name or id."), as_json: bool = JsonOption) -> None:
    """List a project's tools with their keys."""
    from sharelytics.core.links.tools import list_tools
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    with _engine(_settings()) as engine:
        try:
            found = list_tools(engine, find_project(engine, project))
        except ProjectError as exc:
            _fail(str(exc))
    rows = [{"key": t.key, "tool": t.label, "application": t.application} for t in found]
    _emit(as_json, {"tools": rows}, [f"{r['key']}\t{r['tool']}" for r in rows])


# Registered last: these modules reuse the helpers above.
app.add_typer(__import__("sharelytics.cli_web", fromlist=["app"]).app, name="dashboard-users")
app.command("demo")(__import__("sharelytics.cli_demo", fromlist=["demo"]).demo)


def main() -> None:
    app()
