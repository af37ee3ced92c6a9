"""Link value objects and the errors of link creation and update (plain classes, no status codes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class LinkError(Exception):
    """Base of link errors; `field` names the offending parameter when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidUrl(LinkError):
    pass


class InvalidMetadata(LinkError):
    pass


class UnknownParent(LinkError):
    pass


class UnknownService(LinkError):
    pass


class LinkNotFound(LinkError):
    pass


class UpdateWindowClosed(LinkError):
    pass


@dataclass(frozen=True)
class LinkMetadata:
    """What a client may say about a link, already typed. None means "not given"."""

    channel: str | None = None
    parent: str | None = None
    sharer_id: str | None = None
    service_userid: str | None = None
    service_postid: str | None = None
    service_postid_shared_at: datetime | None = None
    service_postid_reach: int | None = None
    campaign: str | None = None
    campaign_name: str | None = None
    campaign_description: str | None = None
    user_id: str | None = None
    user_id_username: str | None = None
    user_id_profile_url: str | None = None
    user_id_icon_url: str | None = None
    tag: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Link:
    id: int
    project_id: int
    domain_id: int
    awesm_id: str
    awesm_url: str
    domain: str
    path: str
    created_at: datetime
    original_url: str
    redirect_url: str
    channel: str
    service: str
    tool: str
    application: str
    parent: str | None
    sharer_id: str | None
    service_userid: str | None
    service_postid: str | None
    service_postid_shared_at: datetime | None
    service_postid_reach: int | None
    campaign: str | None
    campaign_name: str | None
    campaign_description: str | None
    user_id: str | None
    username: str | None
    user_id_profile_url: str | None
    user_id_icon_url: str | None
    tag: str | None
    notes: str | None
    updated_at: datetime | None = None
    tool_id: int | None = None
    redirect_template: str | None = None
