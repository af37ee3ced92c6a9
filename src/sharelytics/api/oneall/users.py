"""`/users.json` (list, import) and `/users/<user_token>.json` (read, delete).

Reading one user or importing one also hands out a fresh publish token for that user (`user.publish_token`), which
the site passes to its app for `POST /users/<user_token>/publish.json`; lists do not mint one per entry."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sharelytics.api.oneall import envelope, render
from sharelytics.api.oneall.call import Call, begin, confirm_deletion, page_request
from sharelytics.api.oneall.fields import node, string
from sharelytics.core.sharing import users
from sharelytics.core.sharing.importing import IdentitySource, import_user
from sharelytics.core.sharing.model import User
from sharelytics.core.sharing.publish_tokens import issue_publish_token


def user_with_publish_token(call: Call, found: User) -> dict[str, Any]:
    settings = call.services.settings
    issued = issue_publish_token(settings.secret, call.project.id, found.user_token, settings.publish_token_ttl)
    return {**render.user(found), "publish_token": render.publish_token(issued)}


async def list_users(request: Request) -> Response:
    call = await begin(request)
    page = await call.run(users.list_users, call.services.engine, call.project.id, page_request(request))
    return envelope.answer(call.resource, {"users": envelope.paginated(page, render.user)})


def identity_source(body: dict) -> tuple[IdentitySource, str | None]:
    """`user.identity.source`: `key` (the provider), `access_token.key` (Mastodon token or Bluesky app password),
    `instance_url` (Mastodon), `handle` and optional `pds_url` (Bluesky); `user.user_token` adds it to a user."""
    user = node(body, "user", path="request")
    source = node(node(user, "identity", path="request.user"), "source", path="request.user.identity")
    token = node(source, "access_token", path="request.user.identity.source", required=False)
    where = "request.user.identity.source"
    return IdentitySource(
        provider=string(source, "key", path=where, required=True, limit=64).strip().lower(),
        access_token=string(token, "key", path=f"{where}.access_token"),
        base_url=string(source, "instance_url", path=where) or string(source, "pds_url", path=where)
        or string(source, "base_url", path=where),
        handle=string(source, "handle", path=where, limit=255),
        account_id=string(source, "account_id", path=where, limit=255),
        app_password=string(source, "app_password", path=where) or string(token, "secret", path=f"{where}.access_token"),
    ), (string(user, "user_token", path="request.user", limit=64) or None)


async def import_identity(request: Request) -> Response:
    call = await begin(request)
    source, user_token = identity_source(await call.body())
    imported = await call.run(import_user, call.sharing, call.project.id, source, user_token)
    data = user_with_publish_token(call, imported.user)
    data["identity"] = render.identity(imported.identity)
    return envelope.answer(call.resource, {"user": data})


async def read_user(request: Request) -> Response:
    call = await begin(request)
    found = await call.run(users.get_user, call.services.engine, call.project.id, request.path_params["token"])
    return envelope.answer(call.resource, {"user": user_with_publish_token(call, found)})


async def delete_user(request: Request) -> Response:
    call = await begin(request)
    confirm_deletion(request)
    await call.run(users.delete_user, call.services.engine, call.project.id, request.path_params["token"])
    return envelope.answer(call.resource, info="The user has been deleted successfully")
