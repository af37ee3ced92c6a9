"""Every error the awe.sm Create API answers, mapped in one place to the Create error shape:

    {"request": {...the request's parameters, "action", "controller"}, "error": {"code": N, "message": "..."}}

Codes are stable and listed in docs/errors.md (tests/api/awesm/test_errors.py keeps the two in step). A core error
is looked up by class, walking its MRO, so one entry for a base class covers its subclasses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.core.conversions.record import ConversionError, ConversionsDisabled
from sharelytics.core.conversions.record import UnknownLink as ConversionLinkUnknown
from sharelytics.core.links.domains import DomainNotAllowed
from sharelytics.core.links.model import (
    InvalidMetadata,
    InvalidUrl,
    LinkError,
    LinkNotFound,
    UnknownParent,
    UnknownService,
    UpdateWindowClosed,
)

log = logging.getLogger("sharelytics.api.awesm")


class AwesmError(Exception):
    """An error only the awe.sm adapter knows (the core never sees keys, versions or tools by key)."""

    def __init__(self, message: str, field: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.headers = headers or {}


class InvalidKey(AwesmError):
    pass


class MissingParameter(AwesmError):
    pass


class BadVersion(AwesmError):
    pass


class UnknownTool(AwesmError):
    pass


class BatchShape(AwesmError):
    """Batch: more than one array, or too many elements."""


class BadDestination(AwesmError):
    pass


class BotRefused(AwesmError):
    pass


class RateLimited(AwesmError):
    pass


@dataclass(frozen=True)
class ErrorKind:
    code: int
    status: int
    message: str | None = None  # fixed message; None: the exception's own


# The one table. Order: wire, request, link rules, lookups, limits. Never renumber: clients may match on codes.
ERRORS: dict[type[Exception], ErrorKind] = {
    InvalidKey: ErrorKind(1000, 400, "Invalid API key"),
    MissingParameter: ErrorKind(1001, 400),
    BadVersion: ErrorKind(1002, 400),
    wire.BadFormat: ErrorKind(1003, 400),
    wire.BadCallback: ErrorKind(1004, 400),
    wire.BadParameter: ErrorKind(1005, 400),
    wire.BodyTooLarge: ErrorKind(1006, 413),
    UnknownTool: ErrorKind(1010, 400),
    DomainNotAllowed: ErrorKind(1011, 400),
    InvalidUrl: ErrorKind(1020, 400),
    InvalidMetadata: ErrorKind(1021, 400),
    UnknownService: ErrorKind(1022, 400),
    UnknownParent: ErrorKind(1023, 400),
    LinkError: ErrorKind(1029, 400),
    LinkNotFound: ErrorKind(1030, 404),
    UpdateWindowClosed: ErrorKind(1031, 400),
    BatchShape: ErrorKind(1040, 400),
    BadDestination: ErrorKind(1045, 400),
    BotRefused: ErrorKind(1050, 403),
    RateLimited: ErrorKind(1060, 429),
    ConversionError: ErrorKind(1070, 400),
    ConversionsDisabled: ErrorKind(1071, 403),
    ConversionLinkUnknown: ErrorKind(1072, 400),
}
INTERNAL = ErrorKind(1099, 500, "Internal error")


def kind_of(exc: BaseException) -> ErrorKind | None:
    for cls in type(exc).__mro__:
        if cls in ERRORS:
            return ERRORS[cls]
    return None


def request_echo(request: Request, action: str) -> dict[str, Any]:
    """The request part of the envelope: parameters as read (when they could be), plus action and controller,
    sorted by name as awe.sm's answers show them."""
    params: wire.Params | None = getattr(request.state, "awesm_params", None)
    echo: dict[str, Any] = params.echo() if params is not None else {}
    echo.update(getattr(request.state, "awesm_path_values", {}))  # e.g. the awesm_id of url/update
    echo["action"], echo["controller"] = action, getattr(request.state, "awesm_controller", "url")
    return dict(sorted(echo.items()))


def error_body(request: Request, action: str, code: int, message: str) -> dict[str, Any]:
    return {"request": request_echo(request, action), "error": {"code": code, "message": message}}


def error_response(request: Request, action: str, exc: Exception) -> Response:
    """JSON always (the gem and node-awesm parse whatever comes back, even for .txt); JSON-P when a valid
    callback was asked for."""
    kind = kind_of(exc)
    if kind is None:
        log.exception("awe.sm %s failed", action, exc_info=exc)
        kind = INTERNAL
    body = error_body(request, action, kind.code, kind.message or str(exc))
    headers = dict(getattr(exc, "headers", None) or {})
    callback = getattr(request.state, "awesm_callback", None)
    if callback:
        return wire.JsonpResponse(body, callback, kind.status, headers)
    return wire.JsonResponse(body, kind.status, headers)
