"""The contract every provider adapter fulfils, built-in or third-party."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from sharelytics.core.providers.model import AccountInfo, Credentials, PostParts, Published, ReactionKind, Reactions


@dataclass(frozen=True)
class Capabilities:
    """What a network accepts and reports, for `GET /providers.json` and for choosing how to render parts."""

    credential_fields: tuple[str, ...]  # the Credentials fields an identity must supply
    max_text_length: int
    max_media: int
    link_cards: bool
    pictures: bool
    video: bool
    reactions: tuple[ReactionKind, ...]


@runtime_checkable
class Provider(Protocol):
    key: str
    name: str
    capabilities: Capabilities

    def publish(self, credentials: Credentials, parts: PostParts, idempotency_key: str) -> Published:
        """Post `parts` for the identity. Calling it again with the same key never posts twice."""
        ...

    def reactions(self, credentials: Credentials, post_id: str) -> Reactions:
        """Everyone who reacted to the post, following every page."""
        ...

    def verify(self, credentials: Credentials) -> AccountInfo:
        """Check the credentials and describe the account; raises AuthRevoked when they are refused."""
        ...
