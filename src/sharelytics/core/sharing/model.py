"""Sharing value objects: users, identities, messages, publications, short URLs (naive UTC datetimes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sharelytics.core.sharing.parts import MessageParts


@dataclass(frozen=True)
class Identity:
    id: int
    identity_token: str
    user_token: str
    provider: str
    provider_uid: str
    username: str
    display_name: str
    profile_url: str
    followers_count: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class User:
    id: int
    user_token: str
    created_at: datetime
    updated_at: datetime
    identities: tuple[Identity, ...] = ()


@dataclass(frozen=True)
class TrackedUrl:
    """One URL of a publication and the short link that stands for it."""

    original_url: str
    short_url: str
    shorturl_token: str
    awesm_id: str


@dataclass(frozen=True)
class PublicationStatus:
    flag: str  # success | error | pending
    code: int
    message: str


@dataclass(frozen=True)
class Publication:
    id: int
    publication_token: str
    provider: str
    user_token: str
    identity_token: str
    status: PublicationStatus
    post_id: str | None
    post_url: str | None
    reach: int | None
    published_at: datetime | None
    created_at: datetime
    shorturls: tuple[TrackedUrl, ...] = ()


@dataclass(frozen=True)
class Message:
    id: int
    message_token: str
    parts: MessageParts
    created_at: datetime
    last_published_at: datetime | None
    publications: tuple[Publication, ...] = ()


@dataclass(frozen=True)
class Referral:
    page: str | None
    ip_address: str | None
    date_creation: datetime


@dataclass(frozen=True)
class ShortUrl:
    link_id: int
    awesm_id: str
    shorturl_token: str
    original_url: str
    short_url: str
    date_creation: datetime
    num_referrals: int
    date_last_referral: datetime | None
    num_bot_referrals: int
    num_unfurler_referrals: int

