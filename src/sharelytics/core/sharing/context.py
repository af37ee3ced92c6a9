"""What the sharing functions that reach the networks need, built once per process by the adapter."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from sharelytics.core.links.domains import Domain
from sharelytics.core.providers.registry import ProviderRegistry
from sharelytics.core.sharing.vault import CredentialVault

MAX_PARALLEL = 8  # publications sent at once per request: enough for a user's networks, bounded for the server


@dataclass(frozen=True)
class SharingContext:
    engine: Engine
    registry: ProviderRegistry
    vault: CredentialVault
    shared_domain: Domain
    # Hosts an instance or PDS URL may name although they resolve to private or loopback addresses.
    allow_hosts: frozenset[str] = field(default_factory=frozenset)
    max_parallel: int = MAX_PARALLEL
