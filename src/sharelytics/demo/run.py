"""Start everything the demo needs in this process, seed it, print where to look, and serve until Ctrl-C."""

from __future__ import annotations

import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from sharelytics.app import Services, build_services, create_app
from sharelytics.config import load_settings
from sharelytics.core.accounts.users import create_user
from sharelytics.core.links.tools import create_tool
from sharelytics.core.projects.manage import create_project
from sharelytics.core.providers.fetch import PublicMediaFetcher
from sharelytics.core.providers.idempotency import SqliteIdempotencyStore
from sharelytics.core.providers.registry import default_registry
from sharelytics.demo.oneall import DemoError, OneAllClient
from sharelytics.demo.seed import seed
from sharelytics.sandbox.server import SandboxServer
from sharelytics.storage.engine import make_engine
from sharelytics.storage.migrate import upgrade

DEMO_USER = "demo"
STARTUP_TIMEOUT = 30.0


@dataclass(frozen=True)
class Login:
    dashboard_url: str
    username: str
    password: str
    awesm_api_key: str
    oneall_public_key: str
    oneall_private_key: str


class DemoServer:
    """uvicorn in a thread on the composition root's app; `stop()` shuts it down like Ctrl-C would."""

    def __init__(self, services: Services, host: str, port: int) -> None:
        config = uvicorn.Config(create_app(services=services), host=host, port=port, log_level="warning",
                                access_log=False, lifespan="on", timeout_graceful_shutdown=10)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="sharelytics-demo", daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise DemoError("the server did not start (is the port in use?)")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def prepare(directory: Path, host: str, port: int) -> tuple[Services, Login]:
    """A fresh SQLite database in data_dir, a project, and a dashboard account with a random password."""
    # Only the demo's own settings: a SHARELYTICS_DATABASE_URL or REDIS_URL of the shell must not be seeded.
    settings = load_settings(environ={}, data_dir=str(directory), host=host, port=port, job_consumer="on",
                             pingback_allow="127.0.0.1")
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    services = build_services(settings, engine)
    # The sandbox networks listen on loopback, which imports and media fetches refuse unless allow-listed.
    services.providers = default_registry(media_fetcher=PublicMediaFetcher(allow_hosts=frozenset({"127.0.0.1"})),
                                          idempotency=SqliteIdempotencyStore(directory / "provider-idempotency.sqlite3"))
    project, keys = create_project(engine, f"Demo {secrets.token_hex(2)}")
    create_tool(engine, project, "default", "main")
    password = secrets.token_urlsafe(12)
    # A reused data dir already has a `demo` account (names are unique per server): later projects get their own.
    username = DEMO_USER if project.id == 1 else f"{DEMO_USER}-{project.id}"
    create_user(engine, project, username, password)
    login = Login(f"{settings.effective_public_url}/dashboard/", username, password, keys.awesm_api_key,
                  keys.oneall_public_key, keys.oneall_private_key)
    return services, login


def run_demo(data_dir: Path | None, host: str, port: int, *, users: int, days: int, say: Callable[[str], None],
             wait: Callable[[], None]) -> Login:
    """Seed a demo and serve it until `wait` returns (Ctrl-C, or at once for `--once`)."""
    directory = data_dir or Path(tempfile.mkdtemp(prefix="sharelytics-demo-"))
    say(f"sharelytics demo: data in {directory}")
    services, login = prepare(directory, host, port)
    server = DemoServer(services, host, port)
    with SandboxServer() as sandbox:
        server.start()
        try:
            say(f"  serving on http://{host}:{port}; sandbox networks on {sandbox.url}")
            api = OneAllClient(f"http://{host}:{port}", login.oneall_public_key, login.oneall_private_key)
            try:
                found = seed(services, sandbox, api, services_project_id(services, login), users=users, days=days,
                             say=say)
            finally:
                api.close()
            say(f"  {found.links} tracked links, {found.clicks} clicks over {days} days, "
                f"{len(found.snapshots)} snapshots")
            say("")
            say(f"Dashboard: {login.dashboard_url}")
            say(f"  user name: {login.username}")
            say(f"  password:  {login.password}")
            say(f"  (or the awe.sm API key {login.awesm_api_key})")
            wait()
        finally:
            server.stop()
    return login


def services_project_id(services: Services, login: Login) -> int:
    from sharelytics.core.projects.manage import project_by_awesm_key

    project = project_by_awesm_key(services.engine, login.awesm_api_key)
    assert project is not None
    return project.id
