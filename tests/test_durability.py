"""No click is lost when a real `sharelytics serve` (or `sharelytics worker`) is killed or stopped under load.

Each test starts real processes on 127.0.0.1, fires N redirects concurrently, stops or kills the processes once
every response is in (while the click pipeline is still busy), restarts what a deployment would restart, and
checks that exactly N clicks are stored and counted once in the rollups.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import orjson
import pytest
from sqlalchemy import Engine, func, select

from sharelytics.core.links.create import NewLink, create_link
from sharelytics.core.links.domains import ensure_shared_domain
from sharelytics.core.links.model import LinkMetadata
from sharelytics.core.links.tools import list_tools
from sharelytics.core.projects.manage import get_project
from sharelytics.storage.engine import is_sqlite, make_engine
from sharelytics.storage.tables import click_hours, clicks

from .conftest import TEST_REDIS_URL

pytestmark = pytest.mark.slow

N = 2000
CONCURRENCY = 64
BOUND = 120.0  # seconds any single wait may take before the test fails (never an assertion on speed)
UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Twitterbot/1.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Deployment:
    """`serve` and `worker` processes sharing one data directory, database and (optionally) Redis."""

    def __init__(self, tmp_path: Path, database_url: str | None, redis_url: str, workers: int = 1) -> None:
        self.tmp_path = tmp_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SHARELYTICS_")}
        self.env.update({
            "SHARELYTICS_DATA_DIR": str(tmp_path / "data"), "SHARELYTICS_PORT": str(self.port),
            "SHARELYTICS_HOST": "127.0.0.1", "SHARELYTICS_PUBLIC_URL": self.base, "SHARELYTICS_SECRET": "durable",
            # Small batches at a quick pace: a kill lands between transactions with clicks still in the journal.
            "SHARELYTICS_FLUSH_BATCH": "200", "SHARELYTICS_FLUSH_INTERVAL": "0.2",
            "SHARELYTICS_WORKERS": str(workers), "SHARELYTICS_LOG_LEVEL": "warning",
        })
        if database_url:
            self.env["SHARELYTICS_DATABASE_URL"] = database_url
        if redis_url:
            self.env["SHARELYTICS_REDIS_URL"] = redis_url
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def redis_mode(self) -> bool:
        return "SHARELYTICS_REDIS_URL" in self.env

    def cli(self, *args: str) -> dict[str, object]:
        out = subprocess.run([sys.executable, "-m", "sharelytics", *args], env=self.env, capture_output=True,
                             check=True, timeout=BOUND)
        return orjson.loads(out.stdout)

    def start(self, command: str) -> subprocess.Popen[bytes]:
        log = open(self.tmp_path / f"{command}-{len(self.processes)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-m", "sharelytics", command], env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(proc)
        return proc

    def serve(self) -> subprocess.Popen[bytes]:
        proc = self.start("serve")
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"serve exited: {self.logs()}"
            try:
                httpx.get(self.base + "/", timeout=2)
                return proc
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"serve did not start: {self.logs()}")

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.tmp_path.glob("*.log")))

    @staticmethod
    def kill(proc: subprocess.Popen[bytes], signum: int = signal.SIGKILL) -> None:
        """Signal the whole session (uvicorn's supervisor and its worker processes) and wait for it."""
        try:
            os.killpg(proc.pid, signum)
        except ProcessLookupError:
            pass
        proc.wait(timeout=BOUND)

    def stop_all(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                self.kill(proc)


@pytest.fixture
def deploy(tmp_path: Path, database_url: str, engine: Engine) -> Iterator[Deployment]:
    # engine: empties the shared PostgreSQL test database first; with SQLite the deployment has its own file.
    if TEST_REDIS_URL:
        import redis

        redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    deployment = Deployment(tmp_path, None if is_sqlite(engine) else database_url, TEST_REDIS_URL)
    yield deployment
    deployment.stop_all()


def make_link(deployment: Deployment) -> tuple[Engine, str]:
    """A project (through the CLI, which also migrates the database) and one link on the service's domain."""
    created = deployment.cli("projects", "create", f"Durable {deployment.port}", "--json")
    url = deployment.env.get("SHARELYTICS_DATABASE_URL") or f"sqlite:///{deployment.tmp_path / 'data' / 'sharelytics.db'}"
    engine = make_engine(url)
    project = get_project(engine, int(created["id"]))  # type: ignore[arg-type]
    tool = next(t for t in list_tools(engine, project) if t.key == created["tool_key"])
    domain = ensure_shared_domain(engine, f"127.0.0.1:{deployment.port}")
    link = create_link(engine, project, tool, domain, NewLink("https://example.com/story", LinkMetadata(channel="twitter")))
    return engine, f"{deployment.base}/{link.path}"


async def _fire(url: str, n: int) -> list[int]:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=BOUND) as client:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(i: int) -> int:
            async with gate:
                headers = {"user-agent": UAS[i % len(UAS)], "referer": "https://t.co/x", "x-n": str(i)}
                return (await client.get(url, headers=headers)).status_code

        return await asyncio.gather(*(one(i) for i in range(n)))


def fire(url: str, n: int = N) -> None:
    statuses = asyncio.run(_fire(url, n))
    assert statuses.count(302) + statuses.count(301) == n, sorted(set(statuses))


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        raw = conn.execute(select(func.count()).select_from(clicks)).scalar()
        counted = conn.execute(select(func.sum(click_hours.c.humans + click_hours.c.bots + click_hours.c.unfurlers)))
        return int(raw or 0), int(counted.scalar() or 0)


def wait_for(engine: Engine, n: int, deployment: Deployment) -> tuple[int, int]:
    """Poll (bounded) until n clicks are stored, then give the pipeline a moment to show any double count."""
    deadline = time.monotonic() + BOUND
    while counts(engine)[0] < n and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    found = counts(engine)
    assert found[0] == n, f"{found} clicks for {n} redirects\n{deployment.logs()}"
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_kill_9_under_load_loses_no_click(deploy: Deployment, workers: int) -> None:
    deploy.env["SHARELYTICS_WORKERS"] = str(workers)
    engine, url = make_link(deploy)
    if deploy.redis_mode:
        deploy.start("worker")
    server = deploy.serve()
    fire(url)
    deploy.kill(server)  # all N answered; many still only in the journal (or half-way into the database)
    deploy.serve()  # recovers the dead process's segments at start
    assert wait_for(engine, N, deploy) == (N, N)


def test_sigterm_drains_before_exit(deploy: Deployment) -> None:
    engine, url = make_link(deploy)
    if deploy.redis_mode:
        deploy.start("worker")
    server = deploy.serve()
    fire(url)
    deploy.kill(server, signal.SIGTERM)
    # uvicorn shuts down gracefully (lifespan: the pipeline drains), then re-raises the signal it caught.
    assert server.returncode in (0, -signal.SIGTERM), deploy.logs()
    if not deploy.redis_mode:  # the shutdown itself stored every click: nothing is left for a restart
        assert counts(engine) == (N, N)
    assert wait_for(engine, N, deploy) == (N, N)


@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs Redis: set SHARELYTICS_TEST_REDIS_URL")
def test_kill_9_of_a_worker_mid_stream_loses_no_click(deploy: Deployment) -> None:
    engine, url = make_link(deploy)
    worker = deploy.start("worker")
    deploy.serve()
    fire(url)
    deploy.kill(worker)  # its delivered, unacknowledged messages stay pending in the group
    deploy.start("worker")  # claims them once they have been idle long enough (XAUTOCLAIM)
    assert wait_for(engine, N, deploy) == (N, N)
