"""Provider adapters: publish a message part for an identity and read its reactions (Mastodon, Bluesky, plugins).

Callers use the registry (`default_registry()`), the values in `model` and the `Provider` protocol in `base`.
"""

from sharelytics.core.providers.base import Capabilities, Provider
from sharelytics.core.providers.model import (AccountInfo, AuthRevoked, Credentials, InvalidPost, LinkPart, PostGone,
                                              PostParts, Published, ProviderError, ProviderUnavailable, RateLimited,
                                              Reaction, Reactions, UnknownProvider, Upload)
from sharelytics.core.providers.registry import ProviderRegistry, default_registry

__all__ = ["AccountInfo", "AuthRevoked", "Capabilities", "Credentials", "InvalidPost", "LinkPart", "PostGone",
           "PostParts", "Provider", "ProviderError", "ProviderRegistry", "ProviderUnavailable", "Published",
           "RateLimited", "Reaction", "Reactions", "UnknownProvider", "Upload", "default_registry"]
