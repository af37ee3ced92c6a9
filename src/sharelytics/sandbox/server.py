"""One ASGI app for the whole sandbox, and a server that runs it in a background thread (tests, demos, CLI).

Layout (one port): `/mastodon` is the instance (`Mastodon(api_base_url=".../mastodon")`), `/bluesky` the PDS
(`Client(base_url=".../bluesky")`, the SDK appends `/xrpc`), `/twitter` the X API v2 (for `https://api.x.com`),
`/facebook` the Graph API (for `https://graph.facebook.com`), `/linkedin` the REST API (for
`https://api.linkedin.com`), `/admin` the controls.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from sharelytics.sandbox.admin import admin_app
from sharelytics.sandbox.bluesky_api import bluesky_app
from sharelytics.sandbox.controls import Controls
from sharelytics.sandbox.facebook_api import facebook_app
from sharelytics.sandbox.linkedin_api import linkedin_app
from sharelytics.sandbox.mastodon_api import mastodon_app
from sharelytics.sandbox.network_controls import LostAnswers, LostAnswersMiddleware
from sharelytics.sandbox.state import NETWORKS, SandboxState
from sharelytics.sandbox.twitter_api import twitter_app


@dataclass
class Sandbox:
    state: SandboxState = field(default_factory=SandboxState)
    controls: dict[str, Controls] = field(default_factory=lambda: {n: Controls() for n in NETWORKS})
    lost: dict[str, LostAnswers] = field(default_factory=lambda: {n: LostAnswers() for n in NETWORKS})

    def set_latency(self, seconds: float) -> None:
        for controls in self.controls.values():
            controls.latency = seconds


def create_sandbox_app(sandbox: Sandbox | None = None, *, latency: float = 0.0,
                       state_file: str | Path | None = None) -> Starlette:
    sandbox = sandbox or Sandbox(SandboxState(state_file))
    if latency:
        sandbox.set_latency(latency)

    async def index(request: Request) -> Response:
        root = str(request.base_url).rstrip("/")
        return JSONResponse({**{n: f"{root}/{n}" for n in NETWORKS}, "admin": f"{root}/admin"})

    apps = {"mastodon": mastodon_app, "bluesky": bluesky_app, "twitter": twitter_app, "facebook": facebook_app,
            "linkedin": linkedin_app}
    networks = [Mount(f"/{name}", app=LostAnswersMiddleware(build(sandbox.state, sandbox.controls[name]),
                                                            sandbox.lost[name]))
                for name, build in apps.items()]
    app = Starlette(routes=[
        Route("/", index),
        *networks,
        Mount("/admin", app=admin_app(sandbox.state, sandbox.controls, sandbox.lost)),
    ])
    app.state.sandbox = sandbox
    return app


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class SandboxServer:
    """`with SandboxServer() as server:` serves the sandbox on a free port until the block ends."""

    def __init__(self, sandbox: Sandbox | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 **app_options: Any) -> None:
        self.sandbox = sandbox or Sandbox()
        self.host, self.port = host, port or free_port(host)
        config = uvicorn.Config(create_sandbox_app(self.sandbox, **app_options), host=self.host, port=self.port,
                                log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="sandbox", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def mastodon_url(self) -> str:
        return f"{self.url}/mastodon"

    @property
    def bluesky_url(self) -> str:
        return f"{self.url}/bluesky"

    @property
    def twitter_url(self) -> str:
        return f"{self.url}/twitter"

    @property
    def facebook_url(self) -> str:
        return f"{self.url}/facebook"

    @property
    def linkedin_url(self) -> str:
        return f"{self.url}/linkedin"

    @property
    def admin_url(self) -> str:
        return f"{self.url}/admin"

    def start(self) -> SandboxServer:
        self._thread.start()
        started = threading.Event()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"the sandbox could not start on {self.url}")
            started.wait(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
