"""`conversions/new`: record a goal or pageview for the awe.sm link that drove the visit (reference §6).

The visitor's IP, user agent, referrer and language default to this request's own (the JavaScript widget calls
from the visitor's browser). The answer is the recorded `{"request": …, "response": {"conversion": …}}` shape;
errors are the Create error shape with `"controller": "conversion"`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.api.awesm.call import find_project, services_of
from sharelytics.api.awesm.errors import MissingParameter
from sharelytics.core.conversions.record import Conversion, ConversionError, NewConversion, record_conversion

ECHOED = ("awesm_url", "conversion_type", "conversion_value", "key")


def _value(params: wire.Params) -> int:
    raw = (params.get("conversion_value") or "0").strip() or "0"
    try:
        return int(raw)
    except ValueError as exc:
        raise ConversionError("conversion_value must be an integer (cents recommended)", "conversion_value") from exc


def _converted_at(params: wire.Params) -> datetime | None:
    raw = (params.get("converted_at") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ConversionError("converted_at must be a UNIX timestamp", "converted_at")
    try:
        return datetime.fromtimestamp(int(raw), UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError) as exc:
        raise ConversionError("converted_at is out of range", "converted_at") from exc


def new_conversion(request: Request, params: wire.Params) -> NewConversion:
    for name in ("awesm_url", "conversion_type"):
        if not params.get(name):
            raise MissingParameter(f"{name} is required", name)
    headers = request.headers
    client = request.client.host if request.client else None
    return NewConversion(
        awesm_id=(params.get("awesm_url") or "").strip()[:330],
        type=(params.get("conversion_type") or "").strip().lower(),
        value=_value(params),
        converted_at=_converted_at(params),
        account_conversionid=params.get("account_conversionid"),
        account_userid=params.get("account_userid"),
        ip=params.get("ip_address") or client,
        language=(params.get("language") or headers.get("accept-language") or "")[:100] or None,
        referrer=params.get("referrer") or headers.get("referer"),
        user_agent=params.get("user_agent") or headers.get("user-agent"),
        href=params.get("href"),
        session_id=params.get("session_id"),
        clicker_id=params.get("clicker_id"),
    )


def conversion_object(c: Conversion) -> dict[str, Any]:
    """Alphabetical, as recorded; ids and account ids as strings, times as UNIX seconds, the value an integer."""
    return {
        "account_conversionid": c.account_conversionid,
        "account_id": str(c.project_id),
        "account_userid": c.account_userid,
        "awesm_url": c.awesm_id,
        "clicker_id": c.clicker_id,
        "converted_at": int((c.converted_at or datetime(1970, 1, 1)).replace(tzinfo=UTC).timestamp()),
        "href": c.href,
        "id": c.id,
        "ip_address": c.ip,
        "language": c.language,
        "redirection_id": None,  # the click that led here is not known to a server-side call
        "referrer": c.referrer,
        "session_id": c.session_id,
        "type": c.type,
        "user_agent": c.user_agent,
        "value": c.value,
    }


def request_object(params: wire.Params | None) -> dict[str, Any]:
    echo = {name: params.get(name) for name in ECHOED if params and params.get(name) is not None}
    return dict(sorted({**echo, "action": "new", "controller": "conversion"}.items()))


async def new(request: Request) -> Response:
    services = services_of(request)
    request.state.awesm_controller = "conversion"
    params = await wire.read_params(request, services.settings.max_body_bytes)
    request.state.awesm_params = params
    fmt = wire.response_format(request.path_params.get("format"), params)
    if fmt != "json":
        raise wire.BadFormat("conversions/new answers json only", "format")
    request.state.awesm_callback = callback = wire.jsonp_callback(params, fmt)
    project = await find_project(request, params.get("key"))
    recorded = await run_in_threadpool(
        record_conversion, services.engine, project, new_conversion(request, params), services.settings.secret
    )
    body = {"request": request_object(params), "response": {"conversion": conversion_object(recorded)}}
    return wire.JsonpResponse(body, callback) if callback else wire.JsonResponse(body)
