"""HTTP Basic with the site's public key as user name and its private key as password. The site is found from the
public key whatever Host the request came to (clients reach the service on 127.0.0.1:PORT as often as on a
subdomain); the private key is checked against its stored hash in constant time."""

from __future__ import annotations

import base64
import binascii

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from sharelytics.api.oneall.errors import Unauthorized
from sharelytics.core.projects.model import Project
from sharelytics.core.projects.oneall import project_by_oneall_keys

MAX_HEADER = 1024


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
