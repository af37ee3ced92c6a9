"""A consumer killed (-9) in the middle of a build: after a restart the snapshot resumes where it stopped and
finishes, every publication processed once, and the pingback goes out. Real processes on 127.0.0.1: `serve`
(embedded, SqliteHuey) or, with SHARELYTICS_TEST_REDIS_URL, `serve` plus a `worker` that is the one killed."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from typing import Any, Iterator

import httpx
import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from sharelytics.config import Settings
from sharelytics.sandbox.server import SandboxServer, free_port
from sharelytics.storage.tables_snapshots import snapshot_publications, snapshots
from tests.api.oneall.conftest import admin, call, ok
from tests.conftest import TEST_REDIS_URL, ProjectFixture
from tests.snapshots.conftest import FAST
from tests.snapshots.helpers import publish_for, user_on_both
from tests.snapshots.receiver import PingbackReceiver

pytestmark = pytest.mark.slow
BOUND = 120.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(**{**FAST, "job_consumer": "off"})  # the subprocesses build, not this one


class Processes:
    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SHARELYTICS_")}
        self.env.update({
            "SHARELYTICS_DATA_DIR": settings.data_dir, "SHARELYTICS_DATABASE_URL": settings.database_url,
            "SHARELYTICS_SECRET": settings.secret, "SHARELYTICS_HOST": "127.0.0.1", "SHARELYTICS_PORT": str(self.port),
            "SHARELYTICS_PUBLIC_URL": self.base, "SHARELYTICS_LOG_LEVEL": "warning",
            "SHARELYTICS_PINGBACK_ALLOW": "127.0.0.1", "SHARELYTICS_JOB_LEASE": "2", "SHARELYTICS_JOB_WORKERS": "1",
            "SHARELYTICS_SNAPSHOT_PARALLEL": "1",  # one publication at a time: the kill lands mid-build
        })
        if TEST_REDIS_URL:
            self.env["SHARELYTICS_REDIS_URL"] = TEST_REDIS_URL
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, command: str) -> None:
        self.running[command] = subprocess.Popen([sys.executable, "-m", "sharelytics", command], env=self.env,
                                                 start_new_session=True)
        if command == "serve":
            deadline = time.monotonic() + BOUND
            while True:
                try:
                    httpx.get(self.base + "/providers.json", timeout=1)
                    return
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "serve did not start"
                    time.sleep(0.1)

    @property
    def builder(self) -> str:
        return "worker" if TEST_REDIS_URL else "serve"

    def kill(self, command: str) -> None:
        process = self.running.pop(command)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=BOUND)

    def stop_all(self) -> None:
        for command in list(self.running):
            process = self.running.pop(command)
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def processes(settings: Settings) -> Iterator[Processes]:
    running = Processes(settings)
    yield running
    running.stop_all()


def snapshot(processes: Processes, site: ProjectFixture, token: str) -> dict[str, Any]:
    pair = f"{site.keys.oneall_public_key}:{site.keys.oneall_private_key}".encode()
    answer = httpx.get(f"{processes.base}/sharing/analytics/snapshots/{token}.json", timeout=10,
                       headers={"Authorization": "Basic " + base64.b64encode(pair).decode()})
    assert answer.status_code == 200, answer.text
    return answer.json()["response"]["result"]["data"]["sharing_analytics_snapshot"]  # type: ignore[no-any-return]


def wait_until(check: Any, what: str) -> Any:
    deadline = time.monotonic() + BOUND
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return found


def test_a_build_killed_mid_way_resumes_after_a_restart(client: TestClient, site: ProjectFixture,
                                                        sandbox: SandboxServer, processes: Processes,
                                                        engine: Engine) -> None:
    users = [user_on_both(client, site, sandbox, name, 2) for name in ("kim", "lee", "max")]
    message = ok(call(client, site, "POST", "/sharing/messages.json", publish_for(users[0], "https://example.com/k")))
    token = message["sharing_message"]["sharing_message_token"]
    for user in users[1:]:
        ok(call(client, site, "POST", f"/sharing/messages/{token}.json",
                {"sharing_message": {"publish_for_user": {"user_token": user["user_token"],
                                                          "providers": ["mastodon", "bluesky"]}}}))
    admin(sandbox, "PUT", "/latency", json={"seconds": 0.3})  # each read takes a few seconds

    with PingbackReceiver() as receiver:
        processes.start("serve")
        if processes.builder == "worker":
            processes.start("worker")
        pair = f"{site.keys.oneall_public_key}:{site.keys.oneall_private_key}".encode()
        answer = httpx.put(f"{processes.base}/sharing/analytics/snapshots.json", timeout=10,
                           headers={"Authorization": "Basic " + base64.b64encode(pair).decode()},
                           json={"request": {"analytics": {"sharing": {"sharing_message_token": token,
                                                                       "pingback_uri": receiver.url}}}})
        assert answer.status_code == 201, answer.text
        snapshot_token = answer.json()["response"]["result"]["data"]["sharing_analytics_snapshot"][
            "sharing_analytics_snapshot_token"]
        wait_until(lambda: snapshot(processes, site, snapshot_token)["progress"]["processed"] >= 1, "a first result")
        processes.kill(processes.builder)
        with engine.connect() as conn:  # killed mid-build: some results stored, not all
            done = conn.execute(select(func.count()).where(snapshot_publications.c.state == "done")).scalar_one()
            status = conn.execute(select(snapshots.c.status)).scalar_one()
        assert 1 <= done < 6 and status == "processing"
        processes.start(processes.builder)
        built = wait_until(lambda: (s := snapshot(processes, site, snapshot_token))["status"] == "processed" and s,
                           "the snapshot to finish")
        [pingback] = receiver.wait(1, timeout=BOUND)
    entries = built["publication_snapshots"]["entries"]
    assert len(entries) == 6 and all(e["publication_snapshot"]["status"]["code"] == 200 for e in entries)
    assert snapshot_token.encode() in pingback.body
