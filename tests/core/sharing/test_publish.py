"""Publishing with a fake network: bounded concurrency, one idempotency key per publication, replays re-send only
what failed, tracked links per publication."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from sharelytics.core.clock import utcnow
from sharelytics.core.links.domains import ensure_shared_domain
from sharelytics.core.providers.base import Capabilities
from sharelytics.core.providers.http import ProviderHttp
from sharelytics.core.providers.model import (
    AccountInfo,
    AuthRevoked,
    Credentials,
    PostParts,
    Published,
    Reactions,
)
from sharelytics.core.providers.registry import ProviderRegistry
from sharelytics.core.sharing.context import SharingContext
from sharelytics.core.sharing.parts import MessageParts
from sharelytics.core.sharing.publish import PublishRequest, Target, publish_message
from sharelytics.core.sharing.users import store_identity
from sharelytics.core.sharing.vault import CredentialVault
from tests.conftest import ProjectFixture


class FakeNetwork:
    key, name = "mastodon", "Fake"
    capabilities = Capabilities(("base_url", "access_token"), 500, 4, True, True, True, ("like",))

    def __init__(self) -> None:
        self.posts: dict[str, PostParts] = {}
        self.refused: set[str] = set()
        self.active = self.peak = 0
        self.lock = threading.Lock()

    def publish(self, credentials: Credentials, parts: PostParts, idempotency_key: str) -> Published:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        time.sleep(0.02)
        with self.lock:
            self.active -= 1
        if credentials.access_token in self.refused:
            raise AuthRevoked("revoked")
        self.posts.setdefault(idempotency_key, parts)
        return Published(idempotency_key, f"https://fake/{idempotency_key}", datetime(2026, 1, 1), 9)

    def reactions(self, credentials: Credentials, post_id: str) -> Reactions:
        return Reactions()

    def verify(self, credentials: Credentials) -> AccountInfo:
        return AccountInfo(credentials.access_token, credentials.access_token, "", "https://fake", 3, None)


@pytest.fixture
def network() -> FakeNetwork:
    return FakeNetwork()


@pytest.fixture
def ctx(engine: Engine, network: FakeNetwork) -> SharingContext:
    registry = ProviderRegistry(ProviderHttp())
    registry.register(network)
    return SharingContext(engine, registry, CredentialVault("s"), ensure_shared_domain(engine, "sl.test"),
                          max_parallel=3)


def user_with(ctx: SharingContext, project: ProjectFixture, network: FakeNetwork, count: int) -> str:
    token = None
    for n in range(count):
        creds = Credentials.mastodon("https://fake.example", f"tok{n}")
        token = store_identity(ctx.engine, ctx.vault, project.project.id, creds, network.verify(creds),
                               token).user.user_token
    assert token is not None
    return token


def request(user: str, text: str, key: str = "k" * 64) -> PublishRequest:
    return PublishRequest(Target(user_token=user, providers=("mastodon",)), key, timedelta(minutes=10),
                          MessageParts(text=text, enable_tracking=True))


def test_publications_go_out_concurrently_but_bounded(ctx: SharingContext, project: ProjectFixture,
                                                      network: FakeNetwork) -> None:
    user = user_with(ctx, project, network, 7)
    outcome = publish_message(ctx, project.project, request(user, "Hi https://a.org"))
    assert outcome.all_published and len(network.posts) == 7
    assert 1 < network.peak <= 3
    shorts = {p.shorturls[0].short_url for p in outcome.message.publications}
    assert len(shorts) == 7  # a short link per publication
    assert all(post.text.startswith("Hi http://sl.test/") for post in network.posts.values())


def test_a_replay_resends_only_the_failed_under_the_same_keys(ctx: SharingContext, project: ProjectFixture,
                                                              network: FakeNetwork) -> None:
    user = user_with(ctx, project, network, 2)
    network.refused.add("tok1")
    first = publish_message(ctx, project.project, request(user, "Hi"))
    assert not first.all_published and len(network.posts) == 1
    network.refused.clear()
    again = publish_message(ctx, project.project, request(user, "Hi"))
    assert again.replayed and again.all_published and len(network.posts) == 2
    assert [p.publication_token for p in again.message.publications] == \
        [p.publication_token for p in first.message.publications]
    third = publish_message(ctx, project.project, request(user, "Hi"))
    assert third.replayed and len(network.posts) == 2
    fresh = publish_message(ctx, project.project, request(user, "Hi", key="f" * 64))
    assert not fresh.replayed and len(network.posts) == 4


def test_an_old_request_key_is_a_new_request(ctx: SharingContext, project: ProjectFixture, network: FakeNetwork,
                                             monkeypatch: Any) -> None:
    user = user_with(ctx, project, network, 1)
    publish_message(ctx, project.project, request(user, "Hi"))
    from sharelytics.core.sharing import publish

    later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(publish, "utcnow", lambda: later)
    assert not publish_message(ctx, project.project, request(user, "Hi")).replayed
    assert len(network.posts) == 2
