"""HTTP Basic with the site's public key as user name and its private key as password. The site is found from the
public key whatever Host the request came to (clients reach the service on 127.0.0.1:PORT as often as on a
subdomain); the private key is checked against its stored hash in constant time.

One resource also takes the mobile SDKs' `Authorization: OneAllPublishToken <key>`: publishing for the user the
token was issued to (core/sharing/publish_tokens.py). The token names its site; the site's server may still use
Basic there."""

from __future__ import annotations

import base64
import binascii

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from sharelytics.api.oneall.errors import ForeignPublishToken, Unauthorized
from sharelytics.core.projects.manage import get_project
from sharelytics.core.projects.model import Project, ProjectNotFound
from sharelytics.core.projects.oneall import project_by_oneall_keys
from sharelytics.core.sharing.publish_tokens import PublishTokenInvalid, read_publish_token

MAX_HEADER = 1024
PUBLISH_TOKEN_SCHEME = "oneallpublishtoken"  # compared in lower case, as HTTP auth schemes are


def basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded or len(header) > MAX_HEADER:
        raise Unauthorized("missing Basic credentials")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Unauthorized("unreadable Basic credentials") from None
    public_key, colon, private_key = decoded.partition(":")
    if not colon:
        raise Unauthorized("Basic credentials without a password")
    return public_key.strip(), private_key.strip()


async def authenticate(request: Request) -> Project:
    public_key, private_key = basic_credentials(request.headers.get("authorization", ""))
    engine = request.app.state.services.engine
    project = await run_in_threadpool(project_by_oneall_keys, engine, public_key, private_key)
    if project is None:
        raise Unauthorized("unknown key pair")
    return project


async def authenticate_publisher(request: Request, user_token: str) -> Project:
    """The site of a publish token issued for `user_token`, or of a Basic key pair."""
    scheme, _, key = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != PUBLISH_TOKEN_SCHEME:
        return await authenticate(request)
    services = request.app.state.services
    token = read_publish_token(services.settings.secret, key.strip())
    if token.user_token != user_token.strip().lower():
        raise ForeignPublishToken("this publish token was issued for another user: publish for that user only")
    try:
        return await run_in_threadpool(get_project, services.engine, token.project_id)
    except ProjectNotFound:
        raise PublishTokenInvalid("the publish token's site no longer exists") from None
