"""The Create API's link object, with awe.sm's exact key order and nulls, and the json / jsonp / txt answers.

Key order is the one awe.sm's own cuteonme walkthrough shows (reference §3.1); `user_id_metadata` follows the
awe.sm-written static and update examples (icon_url, username, profile_url). Values are strings (awe.sm answered
`"user_id":"23291"` for numeric input) and dates ISO-8601 UTC with `Z`.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sharelytics.api import wire
from sharelytics.core.links.model import Link


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def link_object(link: Link) -> dict[str, Any]:
    return {
        "awesm_url": link.awesm_url,
        "awesm_id": link.awesm_id,
        "domain": link.domain,
        "path": link.path,
        "created_at": wire.iso_z(link.created_at),
        "original_url": link.original_url,
        "redirect_url": link.redirect_url,
        "channel": link.channel,
        "service": link.service,
        "tool": link.tool,
        "application": link.application,
        "parent": link.parent,
        "sharer_id": link.sharer_id,
        "username": link.username,
        "service_userid": link.service_userid,
        "service_postid": link.service_postid,
        "service_postid_metadata": {
            "reach": _text(link.service_postid_reach),
            "shared_at": wire.iso_z(link.service_postid_shared_at),
        },
        "campaign": link.campaign,
        "campaign_metadata": {"description": link.campaign_description, "name": link.campaign_name},
        "user_id": link.user_id,
        "user_id_metadata": {
            "icon_url": link.user_id_icon_url,
            "username": link.username,
            "profile_url": link.user_id_profile_url,
        },
        "tag": link.tag,
        "notes": link.notes,
    }


def static_object(link: Link, new: bool) -> dict[str, Any]:
    return {**link_object(link), "new": new}


def updated_object(link: Link) -> dict[str, Any]:
    return {**link_object(link), "updated_at": wire.iso_z(link.updated_at)}


def batch_object(links: list[Link]) -> dict[str, Any]:
    return {"awesm_urls": [link_object(link) for link in links]}


def answer(
    body: dict[str, Any], text: str, fmt: str, callback: str | None, headers: dict[str, str] | None = None
) -> Response:
    """json, json-p or txt, as the request asked."""
    if fmt == "txt":
        return wire.TextResponse(text, headers=headers)
    if callback:
        return wire.JsonpResponse(body, callback, headers=headers)
    return wire.JsonResponse(body, headers=headers)
