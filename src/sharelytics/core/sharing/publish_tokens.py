"""Publish tokens: what OneAll's mobile SDKs send as `Authorization: OneAllPublishToken <key>` to publish for one
user with `POST /users/<user_token>/publish.json`, where an app cannot hold the site's private key.

A token is signed, not stored: the project id, the user token and the validity period, serialised and signed with
HMAC-SHA256 (itsdangerous) under the server secret and a salt of its own. Nothing to migrate or clean up; a token
stops working when it expires, when its user is deleted, or when the server secret changes. The site hands a
fresh one to its app from the `user` object of `GET /users/<user_token>.json` or `PUT /users.json`.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer

from sharelytics.core.clock import from_timestamp

_SALT = "sharelytics/oneall/publish-token/v1"  # a new purpose or format gets a new salt, hence a new key
MAX_TOKEN = 512  # a real token is about 130 characters; anything longer is refused unread


class PublishTokenInvalid(Exception):
    """Not a token this server signed, or one whose validity has ended."""


@dataclass(frozen=True)
class PublishToken:
    key: str
    project_id: int
    user_token: str
    created_at: datetime  # naive UTC, as everywhere in the core
    expires_at: datetime


def _serializer(secret: str) -> URLSafeSerializer:
    if not secret:
        raise ValueError("the server secret is empty")
    return URLSafeSerializer(secret, salt=_SALT, signer_kwargs={"digest_method": hashlib.sha256})


def issue_publish_token(secret: str, project_id: int, user_token: str, lifetime: float,
                        now: float | None = None) -> PublishToken:
    """A token for one user of one project, valid `lifetime` seconds from `now` (default: the current time)."""
    created = int(time.time() if now is None else now)
    expires = created + max(1, int(lifetime))
    key = _serializer(secret).dumps([project_id, user_token, created, expires])
    return PublishToken(key, project_id, user_token, from_timestamp(created), from_timestamp(expires))


def read_publish_token(secret: str, key: str, now: float | None = None) -> PublishToken:
    """The token's claims, once its signature and validity are checked (`PublishTokenInvalid` otherwise)."""
    if not key or len(key) > MAX_TOKEN:
        raise PublishTokenInvalid("the publish token is missing or malformed")
    try:
        claims = _serializer(secret).loads(key)
    except BadSignature:
        raise PublishTokenInvalid("the publish token is not valid") from None
    match claims:
        case [int(project_id), str(user_token), int(created), int(expires)]:
            pass
        case _:
            raise PublishTokenInvalid("the publish token is not valid")
    if (time.time() if now is None else now) >= expires:
        raise PublishTokenInvalid("the publish token has expired: ask the site for a new one")
    return PublishToken(key, project_id, user_token, from_timestamp(created), from_timestamp(expires))
