"""The OneAll API (users, identities, providers, sharing messages, short URLs, sharing-analytics snapshots) as an
OpenAPI 3.1 document. Every answer, error or not, is the `response.request.status` envelope; bodies are
`{"request": …}` JSON. The processed-snapshot pingback is described under `webhooks`."""

from __future__ import annotations

from typing import Any

from sharelytics.api.oneall.messages import PARTIAL_INFO
from sharelytics.api.oneall.snapshots import PROCESSING_INFO, SCHEDULED_INFO
from sharelytics.api.openapi import oneall_schemas
from sharelytics.api.openapi.oneall_schemas import SHORTURL_EXAMPLE, enveloped, paged
from sharelytics.api.openapi.schema import (
    Schema,
    content,
    document,
    enum,
    header,
    integer,
    parameter,
    ref,
    response,
    string,
)
from sharelytics.core.sharing.pages import DEFAULT_PER_PAGE, MAX_PER_PAGE

TOKEN = string(maxLength=64)
PARAMETERS: dict[str, Schema] = {
    "page": parameter("page", "query", integer(minimum=1, maximum=10**9), "Page number, from 1 (lower values are "
                      "read as 1).", example=1),
    "entries_per_page": parameter("entries_per_page", "query", integer(minimum=1, maximum=MAX_PER_PAGE),
                                  f"Entries per page: default {DEFAULT_PER_PAGE}, at most {MAX_PER_PAGE} (values "
                                  "out of range are clamped, as the PHP SDK does).", example=50),
    "order_direction": parameter("order_direction", "query", enum(("asc", "desc")),
                                 "By creation date; anything but desc is asc.", example="desc"),
    "confirm_deletion": parameter("confirm_deletion", "query", enum(("true", "1")), "Required: without it nothing "
                                  "is deleted (400).", required=True, example="true"),
    "user_token_filter": parameter("user_token", "query", TOKEN, "Only snapshots of this user's publications."),
    "identity_token_filter": parameter("identity_token", "query", TOKEN,
                                       "Only snapshots of this identity's publications."),
    "idempotency_key": parameter("Idempotency-Key", "header", string(maxLength=256),
                                 "Retries with the same key within 24 hours answer the first request's message and "
                                 "re-send only what failed (without one: the same body within 10 minutes)."),
    **{f"{name}_path": parameter(name, "path", TOKEN, f"The {label}'s token.", example=example)
       for name, label, example in (
           ("user_token", "user", "9a76c7f6-3705-48a8-8ea6-e862ed86d5d8"),
           ("identity_token", "identity", "c3a5b5a4-0b44-4c8a-9a1d-5ad1c4d1e5f0"),
           ("sharing_message_token", "sharing message", "328ef915-da13-4b58-83f6-6a35af3b08c0"),
           ("shorturl_token", "short URL", "dam3Y"),
           ("sharing_analytics_snapshot_token", "snapshot", "a5de98a6-50cc-4d69-916a-d1e7ca9bafd0"))},
}
LIST = ("page", "entries_per_page", "order_direction")
ERRORS = {
    "400": "The request cannot be read or is invalid (docs/errors.md), or a DELETE without confirm_deletion=true.",
    "401": "HTTP Basic credentials missing or wrong (on the per-user publish: or the publish token is not valid, "
           "or has expired).",
    "403": "A publish token issued for another user than the one in the path.",
    "404": "An unknown token, or another site's.",
    "409": "Publishing for a user with no identity on any of the listed providers.",
    "413": "The request body is larger than SHARELYTICS_MAX_BODY_BYTES.",
    "429": "The site's key has spent its hourly budget of OneAll API requests (SHARELYTICS_ONEALL_RATE_LIMIT); "
           "Retry-After says when to try again.",
    "500": "Internal error (a bug: it is logged).",
    "502": "User import: the network could not be reached while the credentials were checked.",
}


def _error_responses() -> dict[str, Schema]:
    out = {}
    for code, description in ERRORS.items():
        example = oneall_schemas.UNAUTHORIZED_EXAMPLE if code == "401" else None
        headers = {"WWW-Authenticate": header("`Basic realm=\"OneAll API\"`", required=True)} if code == "401" else None
        if code == "429":
            headers = {"Retry-After": header("Seconds until a request may be made again.", required=True)}
        out[f"Error{code}"] = response(description, content(ref("RequestOnly"), example), headers)
    out["Deleted"] = response("Deleted: the envelope alone, no result.",
                              content(ref("RequestOnly"), oneall_schemas.DELETED_EXAMPLE))
    return out


def _ok(key: str, data: Schema, description: str = "Success.", code: str = "200", example: Any = None) -> dict:
    return {code: response(description, content(enveloped(key, data, example)))}


def _op(op_id: str, summary: str, tag: str, responses: dict[str, Schema], *, params: tuple[str, ...] = (),
        body: str | None = None, errors: str = "401 500", description: str = "") -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id, "tags": [tag], "summary": summary}
    if description:
        op["description"] = description
    if params:
        op["parameters"] = [ref(name, "parameters") for name in params]
    if body:
        op["requestBody"] = {"required": True, "content": content(ref(body))}
    # Any authenticated request may find its key's budget spent.
    codes = sorted({*errors.split(), "429"})
    op["responses"] = {**responses, **{code: ref(f"Error{code}", "responses") for code in codes}}
    return op


def _path(token: str | None = None, **methods: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = dict(methods)
    if token:
        item["parameters"] = [ref(f"{token}_path", "parameters")]
    return item


DELETED = {"200": ref("Deleted", "responses")}


def _paths() -> dict[str, Any]:
    published = {**_ok("sharing_message", ref("Message"), "Every publication succeeded."),
                 **_ok("sharing_message", ref("Message"), PARTIAL_INFO + " (each publication has its status).",
                       "207")}
    published_for_user = {code: response(description, content(oneall_schemas.enveloped_many(
        {"sharing_message": ref("Message"), "message": ref("MobileMessage")}))) for code, description in (
        ("200", "Every publication succeeded."), ("207", PARTIAL_INFO + " (each publication has its status)."))}
    publish_for_user = _op(
        "publishForUser", "Publish a message for the user in the path (the mobile SDKs' publish)", "Users",
        published_for_user, params=("idempotency_key",), body="UserPublishRequest",
        errors="400 401 403 404 409 413 500",
        description="Authenticated with the user's publish token (`Authorization: OneAllPublishToken <key>`, from "
                    "`user.publish_token` of a user read or import) or with the site's key pair. The message is "
                    "named twice in the answer: `sharing_message` (read by the iOS SDK) and `message`, with its "
                    "publications as a plain array (the Android SDK's model).")
    publish_for_user["security"] = [{"publishToken": []}, {"basic": []}]
    return {
        "/users.json": _path(
            get=_op("listUsers", "List users", "Users", _ok("users", paged(ref("User"))), params=LIST,
                    errors="400 401 500"),
            put=_op("importUser", "Import a user's network account (an identity)", "Users",
                    _ok("user", ref("ImportedUser")), body="ImportRequest", errors="400 401 404 413 500 502",
                    description="The credentials are checked with the network; `user.user_token` adds the identity "
                                "to an existing user.")),
        "/users/{user_token}.json": _path(
            "user_token", get=_op("readUser", "Read a user and their identities", "Users", _ok("user", ref("User")),
                                  errors="401 404 500"),
            delete=_op("deleteUser", "Delete a user", "Users", DELETED, params=("confirm_deletion",),
                       errors="400 401 404 500")),
        "/users/{user_token}/publish.json": _path("user_token", post=publish_for_user),
        "/identities.json": _path(get=_op("listIdentities", "List identities", "Identities",
                                          _ok("identities", paged(ref("Identity"))), params=LIST,
                                          errors="400 401 500")),
        "/identities/{identity_token}.json": _path(
            "identity_token", get=_op("readIdentity", "Read an identity", "Identities",
                                      _ok("identity", ref("Identity")), errors="401 404 500"),
            delete=_op("deleteIdentity", "Delete an identity", "Identities", DELETED, params=("confirm_deletion",),
                       errors="400 401 404 500")),
        "/providers.json": _path(get=_op("listProviders", "The networks this server publishes to", "Providers",
                                         _ok("providers", oneall_schemas.listed(ref("Provider"))))),
        "/sharing/messages.json": _path(
            get=_op("listMessages", "List sharing messages", "Sharing messages",
                    _ok("sharing_messages", paged(ref("MessageSummary"))), params=LIST, errors="400 401 500"),
            post=_op("publishMessage", "Publish a message for a user or an identity", "Sharing messages", published,
                     params=("idempotency_key",), body="PublishRequest", errors="400 401 404 409 413 500")),
        "/sharing/messages/{sharing_message_token}.json": _path(
            "sharing_message_token",
            get=_op("readMessage", "Read a message and its publications", "Sharing messages",
                    _ok("sharing_message", ref("Message")), errors="401 404 500"),
            post=_op("republishMessage", "Publish the message again", "Sharing messages", published,
                     params=("idempotency_key",), body="RepublishRequest", errors="400 401 404 409 413 500"),
            delete=_op("deleteMessage", "Delete a message (the posts stay on the networks)", "Sharing messages",
                       DELETED, params=("confirm_deletion",), errors="400 401 404 500")),
        "/shorturls.json": _path(
            get=_op("listShortUrls", "List short URLs", "Short URLs", _ok("shorturls", paged(ref("ShortUrl"))),
                    params=LIST, errors="400 401 500"),
            post=_op("createShortUrl", "Shorten a URL", "Short URLs",
                     _ok("shorturl", ref("ShortUrl"), example={**SHORTURL_EXAMPLE, "num_referrals": 0}),
                     body="ShortUrlRequest", errors="400 401 413 500")),
        "/shorturls/{shorturl_token}.json": _path(
            "shorturl_token",
            get=_op("readShortUrl", "Read a short URL with its referrals (paginated)", "Short URLs",
                    _ok("shorturl", ref("ShortUrlDetails")), params=LIST, errors="400 401 404 500"),
            delete=_op("deleteShortUrl", "Delete a short URL (it stops redirecting)", "Short URLs", DELETED,
                       params=("confirm_deletion",), errors="400 401 404 500")),
        "/sharing/analytics/snapshots.json": _path(
            get=_op("listSnapshots", "List sharing analytics snapshots", "Sharing analytics",
                    _ok("sharing_analytics_snapshots", paged(ref("SnapshotSummary"))),
                    params=(*LIST, "user_token_filter", "identity_token_filter"), errors="400 401 500"),
            put=_op("initiateSnapshot", "Initiate a snapshot of a message's publications", "Sharing analytics", {
                **_ok("sharing_analytics_snapshot", ref("SnapshotInitiated"),
                      f"Scheduled (flag `scheduled`, code 201): {SCHEDULED_INFO}.", "201"),
                **_ok("sharing_analytics_snapshot", ref("SnapshotInitiated"),
                      f"A snapshot of the message is still pending: its token, flag `processing`, code 102 in the "
                      f"body ({PROCESSING_INFO}).", "207")},
                body="SnapshotRequest", errors="400 401 404 413 500")),
        "/sharing/analytics/snapshots/{sharing_analytics_snapshot_token}.json": _path(
            "sharing_analytics_snapshot_token",
            get=_op("readSnapshot", "Read a snapshot: per publication, referrals and reactions", "Sharing analytics",
                    _ok("sharing_analytics_snapshot", ref("SnapshotDetails")), errors="401 404 500",
                    description="Until it is processed the snapshot has no date_finished and no "
                                "publication_snapshots, but its progress."),
            delete=_op("deleteSnapshot", "Delete a snapshot", "Sharing analytics", DELETED,
                       params=("confirm_deletion",), errors="400 401 404 500")),
    }


def _webhooks() -> dict[str, Any]:
    body = enveloped("sharing_analytics_snapshot", ref("SnapshotSummary"))
    return {"snapshotProcessed": {"post": {
        "summary": "The pingback: POSTed to the snapshot's pingback_uri once it is processed",
        "requestBody": {"required": True, "content": content(body)},
        "responses": {"200": {"description": "Any 2xx ends the delivery; other answers are retried with backoff."}},
    }}}


def oneall_document(server: str) -> dict[str, Any]:
    components = {
        "securitySchemes": {"basic": {"type": "http", "scheme": "basic",
                                      "description": "User name: the site's public key; password: its private key."},
                            "publishToken": {"type": "apiKey", "in": "header", "name": "Authorization",
                                             "description": "`OneAllPublishToken <key>`: a user's publish token, "
                                                            "for publishing for that user only."}},
        "parameters": PARAMETERS,
        "schemas": oneall_schemas.schemas(),
        "responses": _error_responses(),
    }
    doc = document(
        "sharelytics: OneAll API", "The OneAll sharing API as sharelytics serves it (reference/oneall-sharing.md). "
        "Request bodies are JSON under any content type (the curl examples label it as a form; the Node SDK sends "
        "none); only application/json is described.",
        paths=_paths(), components=components, security=[{"basic": []}], server=server,
        tags=[{"name": name} for name in ("Users", "Identities", "Providers", "Sharing messages", "Short URLs",
                                         "Sharing analytics")])
    doc["webhooks"] = _webhooks()
    return doc

