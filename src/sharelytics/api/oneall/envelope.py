"""The OneAll response envelope, once:

    {"response": {"request": {"date", "resource", "status": {"flag", "code", "info"}}, "result": {"data": {…}}}}

`result` is left out on errors and deletions. Dates are RFC 2822 with a numeric offset (UTC here: `+0000`).
Lists carry the pagination node (page, entries per page, totals, order) before `count` and `entries`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, TypeVar

from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.core.clock import utcnow
from sharelytics.core.sharing.pages import Page

T = TypeVar("T")
SUCCESS_INFO = "Your request has been processed successfully"


def rfc2822(moment: datetime | None) -> str | None:
    """Naive UTC -> `Fri, 16 Sep 2011 07:24:36 +0000`, the form the .NET SDK parses (`ddd, dd MMM yyyy HH:mm:ss K`)."""
    if moment is None:
        return None
    return format_datetime(moment.replace(tzinfo=UTC, microsecond=0))


def request_node(resource: str, flag: str, code: int, info: str) -> dict[str, Any]:
    return {"date": rfc2822(utcnow()), "resource": resource, "status": {"flag": flag, "code": code, "info": info}}


def answer(resource: str, data: dict[str, Any] | None = None, *, code: int = 200, flag: str = "success",
           info: str = SUCCESS_INFO) -> Response:
    body: dict[str, Any] = {"request": request_node(resource, flag, code, info)}
    if data is not None:
        body["result"] = {"data": data}
    return wire.JsonResponse({"response": body}, status_code=code)


def error(resource: str, code: int, info: str, headers: dict[str, str] | None = None) -> Response:
    body = {"response": {"request": request_node(resource, "error", code, info)}}
    return wire.JsonResponse(body, status_code=code, headers=headers)


def container(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """An unpaginated list node (a message's publications, a publication's short URLs)."""
    return {"count": len(entries), "entries": entries}


def paginated(page: Page[T], render: Callable[[T], dict[str, Any]], order_field: str = "date_creation") -> dict[str, Any]:
    entries = [render(entry) for entry in page.entries]
    return {
        "pagination": {
            "current_page": page.request.page,
            "total_pages": page.total_pages,
            "entries_per_page": page.request.per_page,
            "total_entries": page.total,
            "order": {"field": order_field, "direction": page.request.direction},
        },
        **container(entries),
    }


def dates(**values: datetime | None) -> dict[str, Any]:
    return {name: rfc2822(value) for name, value in values.items()}


def without_none(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {k: v for k, v in pairs if v is not None}
