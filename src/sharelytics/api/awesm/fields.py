"""awe.sm metadata parameters -> the core's typed `LinkMetadata` (strings stay strings; dates and reach are parsed
by the core's rules). Empty values count as not given: PHP callers send `campaign=` for "no campaign"."""

from __future__ import annotations

from typing import Callable, Mapping

from sharelytics.api import wire
from sharelytics.core.links.metadata import parse_reach, parse_shared_at
from sharelytics.core.links.model import LinkMetadata

# Every parameter that says something about the share, in LinkMetadata's order.
METADATA_FIELDS: tuple[str, ...] = (
    "channel", "parent", "sharer_id", "service_userid", "service_postid", "service_postid_shared_at",
    "service_postid_reach", "campaign", "campaign_name", "campaign_description", "user_id", "user_id_username",
    "user_id_profile_url", "user_id_icon_url", "tag", "notes",
)
_PARSERS: dict[str, Callable[[str], object]] = {
    "service_postid_shared_at": parse_shared_at,
    "service_postid_reach": parse_reach,
}


def _typed(name: str, value: str | None) -> object:
    if value is None or not value.strip():
        return None
    parser = _PARSERS.get(name)
    return parser(value) if parser else value


def metadata_from(params: wire.Params, overrides: Mapping[str, str] | None = None) -> LinkMetadata:
    """The metadata the request gives; `overrides` replace single fields (one batch element)."""
    overrides = overrides or {}
    values = {
        name: _typed(name, overrides[name] if name in overrides else params.get(name)) for name in METADATA_FIELDS
    }
    return LinkMetadata(**values)  # type: ignore[arg-type]
