"""The provider registry. Built-in adapters register exactly as a third-party one does (Datasette's
DEFAULT_PLUGINS): a module with `register(registry)`, listed in DEFAULT_PROVIDERS or published under the
`sharelytics.providers` entry-point group."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Callable, Iterable

from sharelytics.core.providers.base import Provider
from sharelytics.core.providers.fetch import MediaFetcher, PublicMediaFetcher
from sharelytics.core.providers.http import ProviderHttp
from sharelytics.core.providers.idempotency import IdempotencyStore, MemoryIdempotencyStore
from sharelytics.core.providers.model import UnknownProvider

DEFAULT_PROVIDERS: tuple[str, ...] = ("sharelytics.core.providers.mastodon", "sharelytics.core.providers.bluesky",
                                      "sharelytics.core.providers.twitter", "sharelytics.core.providers.facebook",
                                      "sharelytics.core.providers.linkedin")
ENTRY_POINT_GROUP = "sharelytics.providers"

RegisterHook = Callable[["ProviderRegistry"], None]


class ProviderRegistry:
    """Providers by key, in registration order. `http` is the shared outbound client (one rate budget);
    `media_fetcher` downloads the picture and video URLs of a message (None: they go into the text as links);
    `idempotency` remembers publish attempts for networks without an idempotency header (X, Facebook, LinkedIn):
    pass a `SqliteIdempotencyStore` when jobs may be retried by another process."""

    def __init__(self, http: ProviderHttp | None = None, media_fetcher: MediaFetcher | None = None,
                 idempotency: IdempotencyStore | None = None) -> None:
        self.http = http or ProviderHttp()
        self.media_fetcher = media_fetcher
        self.idempotency = idempotency or MemoryIdempotencyStore()
        self._providers: dict[str, Provider] = {}

    def register(self, provider: Provider) -> None:
        if not isinstance(provider, Provider):
            raise TypeError(f"{provider!r} does not implement the Provider protocol")
        if provider.key in self._providers:
            raise ValueError(f"a provider is already registered as {provider.key!r}")
        self._providers[provider.key] = provider

    def get(self, key: str) -> Provider:
        try:
            return self._providers[key]
        except KeyError:
            raise UnknownProvider(f"no provider {key!r}") from None

    def all(self) -> list[Provider]:
        return list(self._providers.values())

    def __contains__(self, key: object) -> bool:
        return key in self._providers

    def load(self, modules: Iterable[str]) -> None:
        for name in modules:
            hook: RegisterHook = importlib.import_module(name).register
            hook(self)

    def load_entry_points(self) -> None:
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            loaded = entry.load()
            hook: RegisterHook = loaded.register if hasattr(loaded, "register") else loaded
            hook(self)


def default_registry(http: ProviderHttp | None = None, media_fetcher: MediaFetcher | None = None, *,
                     plugins: bool = True, idempotency: IdempotencyStore | None = None) -> ProviderRegistry:
    """Mastodon, Bluesky, X, Facebook and LinkedIn, then any installed third-party providers. Media URLs are
    fetched from public hosts."""
    registry = ProviderRegistry(http, media_fetcher or PublicMediaFetcher(), idempotency)
    registry.load(DEFAULT_PROVIDERS)
    if plugins:
        registry.load_entry_points()
    return registry
