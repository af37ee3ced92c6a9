"""The share-metadata rules every link creation and update applies, once (parent existence is checked in
create.py, which has the database)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from dateutil import parser as dateparser

from sharelytics.core.links.channels import normalise_channel, service_named
from sharelytics.core.links.model import InvalidMetadata, InvalidUrl, LinkMetadata, UnknownService
from sharelytics.core.links.stubs import stubify

MAX_NOTES = 256
MAX_LABEL = 255
MAX_URL = 4096
MAX_REACH = 2**63 - 1
_AWESM_ID = re.compile(r"^[^\s_/][^\s/]*_[0-9A-Za-z]+$")
# Longest value per column-backed field (channel's column is 100 wide; service ids get a `service:` prefix added).
_LABELS = {
    "sharer_id": MAX_LABEL, "tag": MAX_LABEL, "user_id": MAX_LABEL, "campaign": MAX_LABEL, "channel": 100,
    "service_userid": 200, "service_postid": 200, "parent": 330,
}


def check_url(url: str, field: str = "url") -> str:
    url = url.strip()
    if not url:
        raise InvalidUrl(f"{field} is required", field)
    if len(url) > MAX_URL:
        raise InvalidUrl(f"{field} is longer than {MAX_URL} characters", field)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidUrl(f"{field} must be an absolute http or https URL", field)
    return url


# Twitter's created_at sent without encoding its `+`: `... 13:08:45 +0000 2008` arrives as `... 13:08:45  0000 2008`.
_LOST_PLUS = re.compile(r"(\d\d:\d\d:\d\d) +(\d{4}) (\d{4})$")


def parse_shared_at(value: str) -> datetime:
    """ISO-8601, Twitter's `Wed Aug 27 13:08:45 +0000 2008`, Facebook's `+0000` offsets or a UNIX epoch."""
    value = _LOST_PLUS.sub(r"\1 +\2 \3", value.strip())
    try:
        if value.isdigit():
            return datetime.fromtimestamp(int(value), UTC).replace(tzinfo=None)
        parsed = dateparser.parse(value)
    except (ValueError, OverflowError) as exc:
        raise InvalidMetadata(f"service_postid_shared_at is not a date: {value!r}", "service_postid_shared_at") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.replace(microsecond=0)


def parse_reach(value: str) -> int:
    try:
        reach = int(value.strip())
    except ValueError as exc:
        raise InvalidMetadata("service_postid_reach must be an integer", "service_postid_reach") from exc
    if reach < 0:
        raise InvalidMetadata("service_postid_reach cannot be negative", "service_postid_reach")
    if reach > MAX_REACH:  # the column is a 64-bit integer
        raise InvalidMetadata("service_postid_reach is too large", "service_postid_reach")
    return reach


def normalise_service_userid(value: str, service: str) -> str:
    """`twitter:13263` stays; a bare id takes the link's service if it is a known network; else 400."""
    value = value.strip()
    if ":" in value:
        prefix, ident = value.split(":", 1)
        known = service_named(prefix)
        if known is None or known == "other" or not ident:
            raise UnknownService(f"service_userid names an unknown service: {prefix!r}", "service_userid")
        return f"{known}:{ident}"
    if service in ("other", "") or not value:
        raise UnknownService("service_userid needs a service prefix (service:id)", "service_userid")
    return f"{service}:{value}"


def normalise_service_postid(value: str, service: str) -> str:
    """`service:post_id`; a bare id (as cuteonme sends) takes the link's service; a `channel:` prefix its service."""
    value = value.strip()
    if ":" in value:
        prefix, ident = value.split(":", 1)
        known = service_named(prefix)
        return f"{known}:{ident}" if known and known != "other" else value
    return f"{service}:{value}" if service not in ("other", "") else value


def normalise(meta: LinkMetadata, service: str) -> LinkMetadata:
    """Apply the stateless rules; `service` is the (possibly new) service of the link."""
    for name, longest in _LABELS.items():
        value = getattr(meta, name)
        if value is not None and len(value) > longest:
            raise InvalidMetadata(f"{name} is longer than {longest} characters", name)
    if meta.notes is not None and len(meta.notes) > MAX_NOTES:
        raise InvalidMetadata(f"notes is longer than {MAX_NOTES} characters", "notes")
    if meta.parent is not None and meta.parent and not _AWESM_ID.match(meta.parent):
        raise InvalidMetadata("parent must be an awesm_id (%domain%_%path%)", "parent")
    if meta.user_id is None:
        for name in ("user_id_username", "user_id_profile_url", "user_id_icon_url"):
            if getattr(meta, name) is not None:
                raise InvalidMetadata(f"{name} requires a valid user_id", name)
    changes: dict[str, object] = {}
    if meta.channel is not None and (channel := normalise_channel(meta.channel)) != meta.channel:
        changes["channel"] = channel
    if meta.campaign is not None:
        stub = stubify(meta.campaign)
        if not stub:
            raise InvalidMetadata("campaign needs at least one letter or digit", "campaign")
        changes["campaign"] = stub
        if stub != meta.campaign.strip() and meta.campaign_name is None:
            changes["campaign_name"] = meta.campaign.strip()
    elif meta.campaign_name is not None or meta.campaign_description is not None:
        raise InvalidMetadata("campaign_name and campaign_description require a valid campaign", "campaign")
    if meta.service_userid:
        changes["service_userid"] = normalise_service_userid(meta.service_userid, service)
    if meta.service_postid:
        changes["service_postid"] = normalise_service_postid(meta.service_postid, service)
    # replace() copies the whole dataclass: skip it when nothing changed (the common case, on every create).
    return replace(meta, **changes) if changes else meta  # type: ignore[arg-type]
