"""Channels and services: a channel says where and how a link was shared, its service is the network.

Known channels map through one table (with aliases such as twitter-message -> twitter-dm). Unknown channels are
accepted as they are (clients send their own, e.g. `test123`); their service is the known service they are named
after (`mastodon-boost` -> mastodon), else `other`. See docs/decisions/2026-11-23-channels-and-services.md.
"""

from __future__ import annotations

SERVICES: frozenset[str] = frozenset(
    {
        "twitter", "facebook", "linkedin", "tumblr", "email", "copypaste", "manual", "digg", "reddit",
        "stumbleupon", "googleplus", "pinterest", "myspace", "mastodon", "bluesky", "whatsapp", "telegram",
        "instagram", "youtube", "sms", "messenger", "slack", "discord", "threads", "other",
    }
)

CHANNEL_SERVICES: dict[str, str] = {
    "twitter": "twitter", "twitter-dm": "twitter", "twitter-retweet": "twitter", "twitter-reply": "twitter",
    "facebook": "facebook", "facebook-post": "facebook", "facebook-share": "facebook", "facebook-like": "facebook",
    "facebook-message": "facebook", "facebook-send": "facebook", "facebook-comment": "facebook",
    "linkedin": "linkedin", "linkedin-share": "linkedin", "linkedin-post": "linkedin",
    "tumblr": "tumblr", "tumblr-post": "tumblr", "tumblr-link": "tumblr", "tumblr-photo": "tumblr",
    "tumblr-video": "tumblr", "tumblr-quote": "tumblr",
    "email": "email", "email-share": "email", "copypaste": "copypaste", "manual": "manual",
    "digg": "digg", "reddit": "reddit", "stumbleupon": "stumbleupon",
    "googleplus": "googleplus", "googleplus-share": "googleplus", "pinterest": "pinterest", "pinterest-pin": "pinterest",
    "myspace": "myspace", "mastodon": "mastodon", "bluesky": "bluesky", "whatsapp": "whatsapp",
    "telegram": "telegram", "sms": "sms", "messenger": "messenger", "slack": "slack", "discord": "discord",
}

CHANNEL_ALIASES: dict[str, str] = {
    "twitter-message": "twitter-dm",
    "twitter-direct": "twitter-dm",
    "tweet": "twitter",
    "facebook-wall": "facebook-post",
    "fb": "facebook-post",
    "facebook-status": "facebook-post",
    "linkedin-status": "linkedin-share",
    "mail": "email",
    "copy-paste": "copypaste",
    "google-plus": "googleplus",
    "gplus": "googleplus-share",
}


def normalise_channel(channel: str) -> str:
    channel = channel.strip().lower()
    return CHANNEL_ALIASES.get(channel, channel)


def service_for(channel: str) -> str:
    channel = normalise_channel(channel)
    if channel in CHANNEL_SERVICES:
        return CHANNEL_SERVICES[channel]
    prefix = channel.split("-", 1)[0]
    return prefix if prefix in SERVICES else "other"


def service_named(name: str) -> str | None:
    """The service a `service:` prefix names, given as a service or one of its channels; None if unknown."""
    name = normalise_channel(name)
    if name in SERVICES:
        return name
    return CHANNEL_SERVICES.get(name)
