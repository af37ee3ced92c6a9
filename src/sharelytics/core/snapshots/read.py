"""Reading one publication from its network: the reactions through the provider adapter (which follows every page
within the identity's rate budget), mapped to an outcome. A network that refuses or has lost the post marks only
this publication; a spent rate budget asks for a later try."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sharelytics.core.providers.model import (AuthRevoked, PostGone, ProviderError, ProviderUnavailable, RateLimited,
                                              Reactions, UnknownProvider)
from sharelytics.core.providers.registry import ProviderRegistry
from sharelytics.core.sharing.vault import CredentialsUnreadable, CredentialVault
from sharelytics.core.snapshots.model import PublicationOutcome

log = logging.getLogger("sharelytics.snapshots")

SUCCESS = PublicationOutcome("success", 200, "The publication has been processed successfully")
IDENTITY_GONE = PublicationOutcome("error", 410, "The identity has been deleted: its network cannot be read")
# Provider errors by class, most specific first (looked up along the MRO).
FAILURES: dict[type[Exception], PublicationOutcome] = {
    PostGone: PublicationOutcome("error", 404, "The post no longer exists on the network"),
    AuthRevoked: PublicationOutcome("error", 401, "The network refused the identity's credentials: the user must "
                                                  "reconnect it"),
    ProviderUnavailable: PublicationOutcome("error", 503, "The network could not be reached after several attempts"),
    UnknownProvider: PublicationOutcome("error", 501, "No provider adapter is installed for this network"),
    CredentialsUnreadable: PublicationOutcome("error", 500, "The identity's stored credentials cannot be decrypted "
                                                            "with the server secret"),
    ProviderError: PublicationOutcome("error", 502, "The network answered in a way that could not be read"),
}


@dataclass(frozen=True)
class ToRead:
    position: int
    provider: str
    post_id: str
    sealed_credentials: str | None  # None: the identity is gone


@dataclass(frozen=True)
class Reading:
    position: int
    outcome: PublicationOutcome | None  # None: not finished (see retry_at)
    reactions: Reactions | None = None
    retry_at: datetime | None = None  # rate limited (or an unexpected error): try again then
    unexpected: bool = False


def failure_for(exc: Exception) -> PublicationOutcome | None:
    for cls in type(exc).__mro__:
        if cls in FAILURES:
            return FAILURES[cls]
    return None


def read_publication(registry: ProviderRegistry, vault: CredentialVault, job: ToRead) -> Reading:
    """Never raises: every way it can end is a Reading."""
    if job.sealed_credentials is None:
        return Reading(job.position, IDENTITY_GONE)
    try:
        credentials = vault.open(job.sealed_credentials)
        reactions = registry.get(job.provider).reactions(credentials, job.post_id)
    except RateLimited as exc:
        return Reading(job.position, None, retry_at=exc.retry_at)
    except Exception as exc:  # noqa: BLE001 - each publication ends on its own, whatever its network did
        outcome = failure_for(exc)
        if outcome is None:
            log.exception("reading %s post %s failed unexpectedly", job.provider, job.post_id)
            return Reading(job.position, None, unexpected=True)
        log.info("snapshot: %s post %s: %s (%s)", job.provider, job.post_id, outcome.code, exc)
        return Reading(job.position, outcome)
    return Reading(job.position, SUCCESS, reactions)
