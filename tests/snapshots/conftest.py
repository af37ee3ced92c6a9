"""Snapshot fault suites: the OneAll fixtures (site, sandbox on 127.0.0.1, adapters with fast retries), pingbacks
allowed to loopback, short leases and retries so faults resolve in seconds."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from sharelytics.config import Settings
from sharelytics.sandbox.server import SandboxServer
from tests.api.oneall.conftest import other_site, providers, sandbox, site  # noqa: F401 - fixtures reused here
from tests.api.oneall.conftest import call, ok
from tests.conftest import ProjectFixture
from tests.snapshots.helpers import publish_for, user_on_both

FAST = {"pingback_allow": "127.0.0.1", "job_consumer": "on", "pingback_retry_initial": 0.3, "job_lease": 2.0}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(**FAST)


@pytest.fixture
def published(client: TestClient, site: ProjectFixture, sandbox: SandboxServer) -> dict[str, Any]:
    """A message with tracking published for one user on Mastodon and Bluesky."""
    user = user_on_both(client, site, sandbox, "carol", 3)
    return ok(call(client, site, "POST", "/sharing/messages.json",
                   publish_for(user, "See https://example.com/x")))["sharing_message"]
