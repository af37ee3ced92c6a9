"""`/sharing/messages.json` (list, publish) and `/sharing/messages/<token>.json` (read, re-publish, delete), and the
older per-user publish of the mobile SDKs, `/users/<user_token>/publish.json` (the same publishing, another body).

Publish answers 200 when every publication succeeded and 207 when some failed, each publication with its own
status. A request repeated within the replay window (same Idempotency-Key header, or the same body) answers with
the first one's message and re-sends only what had not succeeded, under the same idempotency keys.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import timedelta
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api.oneall import envelope, render
from sharelytics.api.oneall.call import Call, begin, begin_publishing_for, confirm_deletion, page_request
from sharelytics.api.oneall.fields import MAX_TEXT, flag, node, string, string_list
from sharelytics.core.providers.model import LinkPart
from sharelytics.core.sharing import messages
from sharelytics.core.sharing.errors import InvalidRequest
from sharelytics.core.sharing.parts import MessageParts, UploadPart
from sharelytics.core.sharing.publish import (
    Outcome,
    PublishRequest,
    Target,
    publish_message,
    republish_message,
)

KEYED_WINDOW = timedelta(hours=24)  # with an Idempotency-Key header the client says what a retry is
FINGERPRINT_WINDOW = timedelta(minutes=10)  # without one, the same body this soon is taken for a retry
MAX_UPLOADS = 4
PARTIAL_INFO = "Your request has been processed, but some publications have failed"


def parse_parts(parts: dict[str, Any], where: str = "request.sharing_message.parts") -> MessageParts:
    link = node(parts, "link", path=where, required=False)
    link_part = None
    if link:
        link_part = LinkPart(string(link, "url", path=f"{where}.link", required=True),
                             string(link, "name", path=f"{where}.link"), string(link, "caption", path=f"{where}.link"),
                             string(link, "description", path=f"{where}.link", limit=MAX_TEXT))
    flags = node(parts, "flags", path=where, required=False)
    return MessageParts(
        text=string(node(parts, "text", path=where, required=False), "body", path=f"{where}.text", limit=MAX_TEXT),
        link=link_part,
        picture_url=string(node(parts, "picture", path=where, required=False), "url", path=f"{where}.picture"),
        video_url=string(node(parts, "video", path=where, required=False), "url", path=f"{where}.video"),
        uploads=_uploads(parts.get("uploads")),
        enable_tracking=flag(flags.get("enable_tracking"), "enable_tracking"),
    ).check()


def _uploads(value: Any) -> tuple[UploadPart, ...]:
    if value in (None, ""):
        return ()
    if not isinstance(value, list) or len(value) > MAX_UPLOADS or not all(isinstance(u, dict) for u in value):
        raise InvalidRequest(f"parts.uploads must be a list of at most {MAX_UPLOADS} {{name, data}} objects", "uploads")
    found = []
    for upload in value:
        data = string(upload, "data", path="parts.uploads[]", required=True, limit=10**8)
        try:
            found.append(UploadPart(string(upload, "name", path="parts.uploads[]"), base64.b64decode(data, validate=True)))
        except (binascii.Error, ValueError):
            raise InvalidRequest("parts.uploads[].data must be base64", "uploads") from None
    return tuple(found)


def parse_target(message: dict[str, Any]) -> Target:
    where = "request.sharing_message"
    if "publish_for_identity" in message:
        identity = node(message, "publish_for_identity", path=where)
        return Target(identity_token=string(identity, "identity_token", path=f"{where}.publish_for_identity",
                                            required=True, limit=64))
    if "publish_for_user" not in message:
        raise InvalidRequest(f"{where} needs publish_for_user or publish_for_identity", "publish_for_user")
    for_user = node(message, "publish_for_user", path=where)
    return Target(user_token=string(for_user, "user_token", path=f"{where}.publish_for_user", required=True, limit=64),
                  providers=string_list(for_user.get("providers"), "providers"))


def request_key(request: Request, body: dict[str, Any]) -> tuple[str, timedelta]:
    explicit = request.headers.get("idempotency-key", "").strip()
    if explicit:
        return hashlib.sha256(b"key\0" + explicit[:256].encode()).hexdigest(), KEYED_WINDOW
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(request.url.path.encode() + b"\0" + canonical).hexdigest(), FINGERPRINT_WINDOW


async def _publishing(call: Call, *, with_parts: bool) -> PublishRequest:
    body = await call.body()
    message = node(body, "sharing_message", path="request")
    parts = parse_parts(node(message, "parts", path="request.sharing_message")) if with_parts else None
    key, window = request_key(call.request, body)
    return PublishRequest(parse_target(message), key, window, parts)


def _answer(call: Call, outcome: Outcome, data: dict[str, Any] | None = None) -> Response:
    data = data or {"sharing_message": render.message(outcome.message)}
    if outcome.all_published:
        return envelope.answer(call.resource, data)
    return envelope.answer(call.resource, data, code=207, info=PARTIAL_INFO)


async def publish(request: Request) -> Response:
    call = await begin(request)
    outcome = await call.run(publish_message, call.sharing, call.project, await _publishing(call, with_parts=True))
    return _answer(call, outcome)


async def republish(request: Request) -> Response:
    call = await begin(request)
    publishing = await _publishing(call, with_parts=False)
    outcome = await call.run(republish_message, call.sharing, call.project, request.path_params["token"], publishing)
    return _answer(call, outcome)


async def publish_for_user(request: Request) -> Response:
    """`{"request": {"message": {"parts": {…}, "providers": [...]}}}`, for the user in the path. The answer names
    the message twice: `sharing_message` as everywhere (the iOS SDK reads it) and `message` with its publications
    as a plain array (the Android SDK's model)."""
    user_token = request.path_params["token"]
    call = await begin_publishing_for(request, user_token)
    body = await call.body()
    message = node(body, "message", path="request")
    parts = parse_parts(node(message, "parts", path="request.message"), "request.message.parts")
    target = Target(user_token=user_token, providers=string_list(message.get("providers"), "providers"))
    key, window = request_key(request, body)
    outcome = await call.run(publish_message, call.sharing, call.project, PublishRequest(target, key, window, parts))
    found = render.message(outcome.message)
    return _answer(call, outcome, {"sharing_message": found,
                                   "message": {**found, "publications": found["publications"]["entries"]}})


async def list_messages(request: Request) -> Response:
    call = await begin(request)
    page = await call.run(messages.list_messages, call.services.engine, call.project.id, page_request(request))
    return envelope.answer(call.resource, {"sharing_messages": envelope.paginated(page, render.message_summary)})


async def read_message(request: Request) -> Response:
    call = await begin(request)
    found = await call.run(messages.get_message, call.services.engine, call.project.id, request.path_params["token"])
    return envelope.answer(call.resource, {"sharing_message": render.message(found)})


async def delete_message(request: Request) -> Response:
    call = await begin(request)
    confirm_deletion(request)
    await call.run(messages.delete_message, call.services.engine, call.project.id, request.path_params["token"])
    return envelope.answer(call.resource, info="The sharing message has been deleted successfully")
