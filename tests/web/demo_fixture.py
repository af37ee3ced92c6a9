"""The demo's data on a real server (uvicorn in a thread, sandbox networks): shared by the browser tests and the
HTTP tests of the sharing pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sharelytics.core.projects.manage import project_by_awesm_key
from sharelytics.sandbox.server import SandboxServer, free_port


class Demo:
    def __init__(self, tmp: Path) -> None:
        from sharelytics.demo.oneall import OneAllClient
        from sharelytics.demo.run import DemoServer, prepare
        from sharelytics.demo.seed import seed

        self.port = free_port()
        self.services, self.login = prepare(tmp / "data", "127.0.0.1", self.port)
        self.server = DemoServer(self.services, "127.0.0.1", self.port)
        self.sandbox = SandboxServer().start()
        self.server.start()
        api = OneAllClient(self.url, self.login.oneall_public_key, self.login.oneall_private_key)
        project = project_by_awesm_key(self.services.engine, self.login.awesm_api_key)
        assert project is not None
        self.project = project
        self.seeded = seed(self.services, self.sandbox, api, project.id, users=2, days=7, say=lambda _: None)
        api.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.stop()
        self.sandbox.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    running = Demo(tmp_path_factory.mktemp("demo"))
    yield running
    running.stop()
