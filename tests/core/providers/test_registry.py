"""Built-in providers register through the same hook a third-party one uses."""

from __future__ import annotations

import sys
import types

import pytest

from sharelytics.core.providers import Provider, UnknownProvider, default_registry
from sharelytics.core.providers.base import Capabilities
from sharelytics.core.providers.registry import ProviderRegistry


class EchoProvider:
    key, name = "echo", "Echo"
    capabilities = Capabilities(credential_fields=("base_url",), max_text_length=10, max_media=0, link_cards=False,
                                pictures=False, video=False, reactions=("like",))

    def publish(self, credentials, parts, idempotency_key):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def reactions(self, credentials, post_id):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def verify(self, credentials):  # type: ignore[no-untyped-def]
        raise NotImplementedError


def test_defaults_are_mastodon_bluesky_x_facebook_linkedin() -> None:
    registry = default_registry(plugins=False)
    assert [p.key for p in registry.all()] == ["mastodon", "bluesky", "twitter", "facebook", "linkedin"]
    assert all(isinstance(p, Provider) for p in registry.all())
    assert registry.get("bluesky").capabilities.credential_fields == ("base_url", "handle", "app_password")
    assert registry.get("twitter").capabilities.credential_fields == ("access_token",)
    assert registry.get("facebook").capabilities.credential_fields == ("account_id", "access_token")
    assert registry.get("linkedin").capabilities.credential_fields == ("account_id", "access_token")
    with pytest.raises(UnknownProvider):
        registry.get("myspace")


def test_a_plugin_module_registers_like_the_built_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("echo_provider")
    module.register = lambda registry: registry.register(EchoProvider())  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "echo_provider", module)
    registry = ProviderRegistry()
    registry.load(["sharelytics.core.providers.mastodon", "echo_provider"])
    assert [p.key for p in registry.all()] == ["mastodon", "echo"]
    with pytest.raises(ValueError):
        registry.register(EchoProvider())
