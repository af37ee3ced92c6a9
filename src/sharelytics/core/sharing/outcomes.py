"""A publication's status {flag, code, message}: what each provider error means for the client, in one table."""

from __future__ import annotations

from sharelytics.core.providers.model import (
    AuthRevoked,
    InvalidPost,
    PostGone,
    ProviderUnavailable,
    RateLimited,
    UnknownProvider,
)
from sharelytics.core.sharing.model import PublicationStatus
from sharelytics.core.sharing.vault import CredentialsUnreadable

SUCCESS = PublicationStatus("success", 200, "The message has been published successfully")

# Provider error -> (HTTP-like code, message template). Codes follow the OneAll status table.
_FAILURES: tuple[tuple[type[Exception], int, str], ...] = (
    (AuthRevoked, 401, "{network} refused the identity's credentials; the user must connect it again: {error}"),
    (CredentialsUnreadable, 401, ("The identity's stored credentials cannot be read (the server secret changed); "
                                  "import the identity again")),
    (InvalidPost, 400, "{network} refused the message: {error}"),
    (PostGone, 404, "{network} answered that the resource does not exist: {error}"),
    (RateLimited, 429, "{network} rate limit reached: {error}"),
    (ProviderUnavailable, 503, "{network} could not be reached: {error}"),
    (UnknownProvider, 400, "The provider {network} is not available on this server"),
)


def failure_status(exc: Exception, provider: str) -> PublicationStatus:
    for kind, code, template in _FAILURES:
        if isinstance(exc, kind):
            return PublicationStatus("error", code, template.format(network=provider, error=exc))
    return PublicationStatus("error", 500, f"Publishing on {provider} failed because of an internal error")


def missing_identity_status() -> PublicationStatus:
    return PublicationStatus("error", 404, "The identity was deleted before the message could be published")
