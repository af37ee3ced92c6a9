"""Stats errors, mapped in one place to the Stats error shape `{"error": <status>, "error_message": "..."}`.

That shape differs from the Create API's (reference §5.5): the status code is the `error` value. Codes are listed in
docs/errors.md.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.api.awesm.errors import BadVersion, InvalidKey, MissingParameter
from sharelytics.core.stats.model import InvalidStatsQuery

log = logging.getLogger("sharelytics.api.awesm.stats")


class StatsError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TooManyKeys(StatsError):
    pass


class UnknownLink(StatsError):
    pass


STATUSES: dict[type[Exception], tuple[int, str | None]] = {
    InvalidKey: (403, "Invalid API key specified"),
    MissingParameter: (400, None),
    BadVersion: (400, None),
    TooManyKeys: (400, None),
    InvalidStatsQuery: (400, None),
    wire.BadFormat: (400, None),
    wire.BadCallback: (400, None),
    wire.BadParameter: (400, None),
    wire.BodyTooLarge: (413, None),
    UnknownLink: (404, None),
}


def stats_error_response(request: Request, exc: Exception) -> Response:
    found = next((STATUSES[c] for c in type(exc).__mro__ if c in STATUSES), None)
    if found is None:
        log.exception("awe.sm stats failed", exc_info=exc)
        found = (500, "Internal error")
    status, fixed = found
    body = {"error": status, "error_message": fixed or str(exc)}
    callback = getattr(request.state, "awesm_callback", None)
    if callback:
        return wire.JsonpResponse(body, callback, status)
    return wire.JsonResponse(body, status)
