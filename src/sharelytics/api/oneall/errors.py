"""Every error the OneAll API answers, mapped in one place to the OneAll envelope
(`response.request.status` with `flag: "error"`, the HTTP code repeated, `info`; no `result`).

Lookup walks the exception's MRO, so one entry for a base class covers its subclasses. The table is documented in
docs/errors.md ("OneAll API"); tests/api/oneall/test_errors.py keeps the two in step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.api.oneall import envelope
from sharelytics.core.links.domains import DomainNotAllowed
from sharelytics.core.links.model import InvalidUrl, LinkError
from sharelytics.core.sharing.errors import (
    CredentialsRefused,
    IdentityNotFound,
    InvalidRequest,
    MessageNotFound,
    NetworkUnavailable,
    NothingToPublishTo,
    ShortUrlNotFound,
    UserNotFound,
)
from sharelytics.core.sharing.publish_tokens import PublishTokenInvalid
from sharelytics.core.snapshots.errors import SnapshotNotFound

log = logging.getLogger("sharelytics.api.oneall")

# The documented 401 text, verbatim (reference/oneall-sharing.md §1).
UNAUTHORIZED_INFO = "Authentication credentials are missing or incorrect: http://docs.oneall.com/api/basic/authentication/"


class OneAllError(Exception):
    """An error only the OneAll adapter knows (the core never sees keys, envelopes or query flags)."""


class Unauthorized(OneAllError):
    pass


class ForeignPublishToken(OneAllError):
    """A valid publish token, sent to publish for a user it was not issued for."""


class RateLimited(OneAllError):
    """The key's budget of OneAll API requests for the hour is spent (the headers come from the counted budget)."""


class BadEnvelope(OneAllError):
    """The body is not JSON, or not `{"request": {...}}` with the object the resource expects."""


class DeletionNotConfirmed(OneAllError):
    pass


class BadQuery(OneAllError):
    """A query parameter of the wrong type (e.g. `page=abc`)."""


class UnknownResource(OneAllError):
    pass


class MethodNotAllowed(OneAllError):
    def __init__(self, message: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.allowed = allowed


@dataclass(frozen=True)
class ErrorKind:
    code: int
    info: str | None = None  # fixed text; None: the exception's own message


# The one table. Order: authentication, request shape, lookups, conflicts, limits, networks.
ERRORS: dict[type[Exception], ErrorKind] = {
    Unauthorized: ErrorKind(401, UNAUTHORIZED_INFO),
    PublishTokenInvalid: ErrorKind(401),
    ForeignPublishToken: ErrorKind(403),
    BadEnvelope: ErrorKind(400),
    wire.BadParameter: ErrorKind(400),
    BadQuery: ErrorKind(400),
    InvalidRequest: ErrorKind(400),
    InvalidUrl: ErrorKind(400),
    DomainNotAllowed: ErrorKind(400),
    LinkError: ErrorKind(400),
    CredentialsRefused: ErrorKind(400),
    DeletionNotConfirmed: ErrorKind(400),
    UnknownResource: ErrorKind(404),
    UserNotFound: ErrorKind(404),
    IdentityNotFound: ErrorKind(404),
    MessageNotFound: ErrorKind(404),
    ShortUrlNotFound: ErrorKind(404),
    SnapshotNotFound: ErrorKind(404),
    MethodNotAllowed: ErrorKind(405),
    NothingToPublishTo: ErrorKind(409),
    wire.BodyTooLarge: ErrorKind(413),
    RateLimited: ErrorKind(429),
    NetworkUnavailable: ErrorKind(502),
}
INTERNAL = ErrorKind(500, "The request could not be processed because of an internal error")


def kind_of(exc: BaseException) -> ErrorKind | None:
    for cls in type(exc).__mro__:
        if cls in ERRORS:
            return ERRORS[cls]
    return None


def error_response(request: Request, exc: Exception) -> Response:
    kind = kind_of(exc)
    if kind is None:
        log.exception("OneAll %s %s failed", request.method, request.url.path, exc_info=exc)
        kind = INTERNAL
    headers = None
    if isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": 'Basic realm="OneAll API"'}
    if isinstance(exc, PublishTokenInvalid):
        headers = {"WWW-Authenticate": 'OneAllPublishToken realm="OneAll API"'}
    if isinstance(exc, MethodNotAllowed):
        headers = {"Allow": ", ".join(exc.allowed)}
    return envelope.error(request.url.path, kind.code, kind.info or str(exc), headers)
