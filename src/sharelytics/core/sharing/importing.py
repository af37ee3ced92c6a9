"""User import: an identity source (a provider key and the credentials that network needs) is checked with the
network, then stored (users.store_identity).

What each network needs (docs/decisions/2026-11-23-oneall-user-import-for-mastodon-and-bluesky.md):
Mastodon the instance URL and an OAuth access token; Bluesky the handle and an app password (and the PDS URL when
it is not bsky.social); X a user-context access token; Facebook a page access token and the page id in
`account_id`; LinkedIn an access token and the author URN in `account_id` (the three with their public API as the
default server). Built-in networks get their credentials from `Credentials`' own constructors, so what they refuse
(a page id that is not numeric, a URN that names no author) is a 400 before the network is asked. A third-party
provider names the Credentials fields it needs in its capabilities.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from sharelytics.core.providers import model as provider_model
from sharelytics.core.providers.model import (
    AuthRevoked,
    Credentials,
    InvalidPost,
    PostGone,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    UnknownProvider,
)
from sharelytics.core.sharing.context import SharingContext
from sharelytics.core.sharing.errors import (
    CredentialsRefused,
    InvalidRequest,
    NetworkUnavailable,
)
from sharelytics.core.sharing.users import Imported, store_identity

# Where a network has one public API, the source may leave the server out (the adapters may add their own).
DEFAULT_BASE_URLS = {"bluesky": "https://bsky.social", **getattr(provider_model, "DEFAULT_BASE_URLS", {})}
MAX_FIELD = 2048


@dataclass(frozen=True)
class IdentitySource:
    provider: str
    access_token: str = ""
    base_url: str = ""  # Mastodon instance URL, Bluesky PDS URL
    handle: str = ""
    app_password: str = ""
    account_id: str = ""  # the acting account where the token alone does not say (a page id, an author URN)


def _credentials(ctx: SharingContext, source: IdentitySource) -> Credentials:
    try:
        provider = ctx.registry.get(source.provider)
    except UnknownProvider:
        raise InvalidRequest(f"unknown provider {source.provider[:64]!r}: see /providers.json", "key") from None
    # A network without access tokens (Bluesky) takes the app password in access_token.key as well.
    password = source.app_password or ("" if "access_token" in provider.capabilities.credential_fields
                                       else source.access_token)
    values = {"base_url": source.base_url or DEFAULT_BASE_URLS.get(source.provider, ""),
              "access_token": source.access_token, "handle": source.handle.strip().lstrip("@"),
              "app_password": password, "account_id": source.account_id.strip()}
    for name in provider.capabilities.credential_fields:
        if not values.get(name, "").strip():  # whitespace alone is as missing as nothing
            raise InvalidRequest(f"a {provider.name} identity needs {_WIRE_NAMES.get(name, name)}", name)
        if len(values[name]) > MAX_FIELD:
            raise InvalidRequest(f"{_WIRE_NAMES.get(name, name)} is too long", name)
    base_url = values["base_url"].strip().rstrip("/")
    _check_host(ctx, base_url)
    build = _CONSTRUCTORS.get(source.provider)
    if build is not None:
        # The built-in networks' own constructors check what the network would refuse later, less clearly (a
        # page id that is not numeric, an author that is not a person or organization URN): refuse it here.
        try:
            return build(values, base_url)
        except ValueError as exc:
            # Tokens were checked above and the URL by _check_host: what is left is the page id or author URN.
            field = "account_id" if source.provider in ("facebook", "linkedin") else "base_url"
            raise InvalidRequest(f"{provider.name}: {exc}", field) from None
    known = {f.name for f in fields(Credentials)} - {"provider", "base_url"}
    extra = {name: values[name] for name in ("access_token", "handle", "app_password", "account_id")
             if name in known and values[name]}
    return Credentials(source.provider, base_url, **extra)


# Built-in networks by key: (checked values, base URL) -> Credentials, through `Credentials`' own constructors.
_CONSTRUCTORS: dict[str, Callable[[dict[str, str], str], Credentials]] = {
    "mastodon": lambda v, url: Credentials.mastodon(url, v["access_token"]),
    "bluesky": lambda v, url: Credentials.bluesky(v["handle"], v["app_password"], url),
    "twitter": lambda v, url: Credentials.twitter(v["access_token"], url),
    "facebook": lambda v, url: Credentials.facebook(v["account_id"], v["access_token"], url),
    "linkedin": lambda v, url: Credentials.linkedin(v["account_id"], v["access_token"], url),
}


_WIRE_NAMES = {"base_url": "an instance_url (or pds_url)", "access_token": "access_token.key",
               "handle": "a handle", "app_password": "an app password in access_token.key",
               "account_id": "an account_id"}


def _check_host(ctx: SharingContext, base_url: str) -> None:
    """The server is reached on the client's word: refuse private and loopback addresses unless allow-listed."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidRequest("the instance_url (or pds_url) must be an absolute http(s) URL", "base_url")
    if host in ctx.allow_hosts:
        return
    try:
        addresses = {ipaddress.ip_address(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError, ValueError):
        raise InvalidRequest(f"the host {host!r} cannot be resolved", "base_url") from None
    if not addresses or not all(a.is_global for a in addresses):
        raise InvalidRequest(f"the host {host!r} is not a public address", "base_url")


def import_user(ctx: SharingContext, project_id: int, source: IdentitySource,
                user_token: str | None = None) -> Imported:
    """Check the credentials with the network (which also tells who the account is), then store the identity."""
    credentials = _credentials(ctx, source)
    provider = ctx.registry.get(source.provider)
    try:
        account = provider.verify(credentials)
    except (AuthRevoked, InvalidPost, PostGone) as exc:
        raise CredentialsRefused(f"{provider.name} refused the credentials: {exc}", "access_token") from exc
    except (ProviderUnavailable, RateLimited) as exc:
        raise NetworkUnavailable(f"{provider.name} could not be reached: {exc}") from exc
    except ProviderError as exc:
        raise NetworkUnavailable(f"{provider.name}: {exc}") from exc
    except ValueError as exc:  # an unusable URL, or an answer that is not JSON: not a server of that network
        raise InvalidRequest(f"{provider.name} did not answer at {credentials.base_url}: {exc}", "base_url") from exc
    except (KeyError, TypeError) as exc:
        raise NetworkUnavailable(f"{provider.name} gave an unexpected answer at {credentials.base_url}") from exc
    return store_identity(ctx.engine, ctx.vault, project_id, credentials, account, user_token)
