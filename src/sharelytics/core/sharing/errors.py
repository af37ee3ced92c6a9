"""Sharing errors: plain classes without status codes (`api/oneall/errors.py` maps them)."""

from __future__ import annotations


class SharingError(Exception):
    """Base of sharing errors; `field` names the offending request field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidRequest(SharingError):
    """A value is missing, of the wrong type or out of range."""


class NotFound(SharingError):
    """Base of the unknown-token errors."""


class UserNotFound(NotFound):
    pass


class IdentityNotFound(NotFound):
    pass


class MessageNotFound(NotFound):
    pass


class ShortUrlNotFound(NotFound):
    pass


class NothingToPublishTo(SharingError):
    """The request is valid but names no identity the message can go to (409)."""


class CredentialsRefused(SharingError):
    """The network refused the identity's credentials at import."""


class NetworkUnavailable(SharingError):
    """The network could not be reached (or limited us) while checking an identity at import."""
