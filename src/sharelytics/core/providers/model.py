"""Plain values the provider adapters take and return, and the errors they raise (no HTTP in them).

Datetimes are naive UTC, like everything else the core stores (`core.clock`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ReactionKind = Literal["like", "comment", "repost", "quote"]
REACTION_KINDS: tuple[ReactionKind, ...] = ("like", "comment", "repost", "quote")


# The networks' public API roots; credentials carry them so the sandbox (and a proxy) can stand in.
TWITTER_API = "https://api.x.com"
FACEBOOK_GRAPH = "https://graph.facebook.com"
LINKEDIN_API = "https://api.linkedin.com"
DEFAULT_BASE_URLS: dict[str, str] = {"twitter": TWITTER_API, "facebook": FACEBOOK_GRAPH, "linkedin": LINKEDIN_API}
LINKEDIN_AUTHORS = ("urn:li:person:", "urn:li:organization:")


def _token(value: str) -> str:
    token = value.strip()
    if not token:
        raise ValueError("an access token is required")
    return token


def _base_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{url!r}: a provider base URL needs http:// or https://")
    return url


@dataclass(frozen=True)
class Credentials:
    """What one identity needs to act on its network. Secrets never appear in the repr.

    Mastodon: the instance URL and an OAuth access token. Bluesky: the PDS URL, the handle (or DID or e-mail the
    PDS accepts) and an app password. X: an OAuth 2.0 user-context access token. Facebook: the page id and a page
    access token. LinkedIn: the author URN (`urn:li:person:…` or `urn:li:organization:…`) and an access token.
    `account_id` names the acting account where the token alone does not (Facebook page id, LinkedIn author URN).
    """

    provider: str
    base_url: str
    access_token: str = field(default="", repr=False)
    handle: str = ""
    app_password: str = field(default="", repr=False)
    account_id: str = ""

    @classmethod
    def mastodon(cls, instance_url: str, access_token: str) -> Credentials:
        return cls("mastodon", _base_url(instance_url), access_token=access_token.strip())

    @classmethod
    def bluesky(cls, handle: str, app_password: str, pds_url: str = "https://bsky.social") -> Credentials:
        return cls("bluesky", _base_url(pds_url), handle=handle.strip().lstrip("@"), app_password=app_password)

    @classmethod
    def twitter(cls, access_token: str, api_url: str = TWITTER_API) -> Credentials:
        return cls("twitter", _base_url(api_url), access_token=_token(access_token))

    @classmethod
    def facebook(cls, page_id: str, page_access_token: str, graph_url: str = FACEBOOK_GRAPH) -> Credentials:
        page = page_id.strip()
        if not page.isdigit():
            raise ValueError(f"{page_id!r}: a Facebook page id is numeric")
        return cls("facebook", _base_url(graph_url), access_token=_token(page_access_token), account_id=page)

    @classmethod
    def linkedin(cls, author_urn: str, access_token: str, api_url: str = LINKEDIN_API) -> Credentials:
        author = author_urn.strip()
        if not author.startswith(LINKEDIN_AUTHORS) or author.endswith(":"):
            raise ValueError(f"{author_urn!r}: a LinkedIn author is urn:li:person:<id> or urn:li:organization:<id>")
        return cls("linkedin", _base_url(api_url), access_token=_token(access_token), account_id=author)

    @property
    def identity(self) -> str:
        """A stable key for rate budgets and session caches that never contains a secret."""
        who = (self.handle.lower() or self.account_id
               or hashlib.sha256(self.access_token.encode()).hexdigest()[:16])
        return f"{self.provider}:{self.base_url}:{who}"


@dataclass(frozen=True)
class Upload:
    """A file sent inline with a message (OneAll `parts.uploads[]`, already base64-decoded)."""

    data: bytes = field(repr=False)
    mime_type: str
    alt: str = ""
    name: str = ""


@dataclass(frozen=True)
class LinkPart:
    """OneAll `parts.link`: the URL and the preview texts (`name` is the title)."""

    url: str
    name: str = ""
    caption: str = ""
    description: str = ""


@dataclass(frozen=True)
class PostParts:
    text: str = ""
    link: LinkPart | None = None
    picture_url: str = ""
    video_url: str = ""
    uploads: tuple[Upload, ...] = ()

    def is_empty(self) -> bool:
        return not (self.text.strip() or self.link or self.picture_url or self.video_url or self.uploads)


@dataclass(frozen=True)
class Published:
    post_id: str
    post_url: str
    published_at: datetime
    reach: int | None  # the account's follower count when it posted


@dataclass(frozen=True)
class AccountInfo:
    account_id: str
    username: str
    display_name: str
    profile_url: str
    followers_count: int | None
    created_at: datetime | None


@dataclass(frozen=True)
class Reaction:
    """One person's reaction; field names follow the OneAll snapshot entries (§4.4)."""

    kind: ReactionKind
    username: str
    profile_url: str
    content: str | None = None  # comments and quotes
    date: datetime | None = None  # when the network tells (likes on Bluesky, comments, quotes)
    date_member_since: datetime | None = None
    num_followers: int | None = None


@dataclass(frozen=True)
class Reactions:
    """Everyone who reacted, and the counters the network reports (which may exceed what it lists)."""

    likes: tuple[Reaction, ...] = ()
    comments: tuple[Reaction, ...] = ()
    reposts: tuple[Reaction, ...] = ()
    quotes: tuple[Reaction, ...] = ()
    like_count: int | None = None
    comment_count: int | None = None
    repost_count: int | None = None
    quote_count: int | None = None

    def of(self, kind: ReactionKind) -> tuple[Reaction, ...]:
        return {"like": self.likes, "comment": self.comments, "repost": self.reposts, "quote": self.quotes}[kind]


class ProviderError(Exception):
    """Base of everything an adapter raises."""


class UnknownProvider(ProviderError):
    """No provider is registered under that key."""


class AuthRevoked(ProviderError):
    """The network refused the identity's credentials: the user must reconnect it."""


class PostGone(ProviderError):
    """The post (or the resource asked for) no longer exists or is no longer visible."""


class RateLimited(ProviderError):
    """The identity's budget is spent until `retry_at` (naive UTC); try again then."""

    def __init__(self, retry_at: datetime, message: str = "") -> None:
        super().__init__(message or f"rate limited until {retry_at:%Y-%m-%d %H:%M:%S} UTC")
        self.retry_at = retry_at


class ProviderUnavailable(ProviderError):
    """The network could not be reached or kept failing after the retries."""


class InvalidPost(ProviderError):
    """The network refused the content (too long, empty, unsupported media...)."""
