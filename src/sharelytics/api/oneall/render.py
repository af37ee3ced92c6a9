"""The OneAll objects, field by field in the reference's order (reference/oneall-sharing.md §3, §5, §6).
Credentials never appear in any of them."""

from __future__ import annotations

from typing import Any

from sharelytics.api.oneall.envelope import container, rfc2822
from sharelytics.core.providers.base import Provider
from sharelytics.core.sharing.model import (
    Identity,
    Message,
    Publication,
    ShortUrl,
    TrackedUrl,
    User,
)
from sharelytics.core.sharing.publish_tokens import PublishToken


def identity(found: Identity) -> dict[str, Any]:
    """Portable Contacts names, as OneAll's identities use them."""
    return {
        "identity_token": found.identity_token,
        "user_token": found.user_token,
        "provider": found.provider,
        "id": found.provider_uid.rpartition("#")[2],
        "displayName": found.display_name,
        "preferredUsername": found.username,
        "profileUrl": found.profile_url,
        "num_followers": found.followers_count,
        "date_creation": rfc2822(found.created_at),
        "date_last_update": rfc2822(found.updated_at),
    }


def user(found: User) -> dict[str, Any]:
    return {
        "user_token": found.user_token,
        "date_creation": rfc2822(found.created_at),
        "date_last_update": rfc2822(found.updated_at),
        "identities": [identity(i) for i in found.identities],
    }


def publish_token(issued: PublishToken) -> dict[str, Any]:
    """As the mobile SDKs read it from a user (`user.publish_token.key`), with its validity period."""
    return {"key": issued.key, "date_creation": rfc2822(issued.created_at),
            "date_expiration": rfc2822(issued.expires_at)}


def provider(registered: Provider) -> dict[str, Any]:
    caps = registered.capabilities
    return {
        "key": registered.key,
        "name": registered.name,
        "is_configurable": False,
        "configuration": {"is_required": False, "is_completed": True},
        "authentication": {"is_user_input_required": True, "user_input_fields": list(caps.credential_fields)},
        "capabilities": {
            "max_text_length": caps.max_text_length, "max_media": caps.max_media, "link_cards": caps.link_cards,
            "pictures": caps.pictures, "video": caps.video, "reactions": list(caps.reactions),
        },
    }


def tracked_url(url: TrackedUrl) -> dict[str, Any]:
    return {"shorturl_token": url.shorturl_token, "original_url": url.original_url, "short_url": url.short_url}


def publication(found: Publication) -> dict[str, Any]:
    out: dict[str, Any] = {
        "provider": found.provider,
        "user_token": found.user_token,
        "identity_token": found.identity_token,
        "date_publication": rfc2822(found.published_at or found.created_at),
        "status": {"flag": found.status.flag, "code": found.status.code, "message": found.status.message},
        "publication_token": found.publication_token,
        "post_url": found.post_url,
    }
    if found.shorturls:
        out["shorturls"] = container([tracked_url(u) for u in found.shorturls])
    return out


def message_summary(found: Message) -> dict[str, Any]:
    return {
        "sharing_message_token": found.message_token,
        "date_creation": rfc2822(found.created_at),
        "date_last_published": rfc2822(found.last_published_at or found.created_at),
    }


def message(found: Message) -> dict[str, Any]:
    return {
        **message_summary(found),
        "parts": found.parts.as_dict(),
        "publications": container([publication(p) for p in found.publications]),
    }


def shorturl(found: ShortUrl) -> dict[str, Any]:
    out: dict[str, Any] = {
        "shorturl_token": found.shorturl_token,
        "original_url": found.original_url,
        "short_url": found.short_url,
        "date_creation": rfc2822(found.date_creation),
    }
    if found.date_last_referral is not None:  # present only after a first referral, as in the reference
        out["date_last_referral"] = rfc2822(found.date_last_referral)
    out["num_referrals"] = found.num_referrals
    return out


def robots(found: ShortUrl) -> dict[str, Any]:
    """Extension: clicks that were not people, apart from the referrals."""
    return {"num_bot_referrals": found.num_bot_referrals, "num_unfurler_referrals": found.num_unfurler_referrals}
