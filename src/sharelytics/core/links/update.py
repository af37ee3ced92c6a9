"""Updating a link's share metadata after it was shared (the post id, when and how far it went, ...).

The rules, from the awe.sm url/update page: only links created in the last 30 days; original_url, redirect_url and
created_at never change; fields left out stay as they are. Every value goes through the same metadata rules as a
create, and campaign and user metadata are stored once per project.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, update

from sharelytics.core.clock import utcnow
from sharelytics.core.links import metadata as rules
from sharelytics.core.links.channels import service_for
from sharelytics.core.links.model import Link, LinkMetadata, LinkNotFound, UnknownParent, UpdateWindowClosed
from sharelytics.core.links.store import load_link, parent_exists, store_shared_metadata
from sharelytics.core.projects.model import Project
from sharelytics.core.stats.cube import cell_of, move_link
from sharelytics.core.stats.share_rollup import fact_of, move_shares
from sharelytics.storage.tables import links

UPDATE_WINDOW = timedelta(days=30)
# Metadata that lives in its own tables (campaigns, sharers), not in link columns.
_SHARED_ONLY = frozenset({"campaign_name", "campaign_description", "user_id_username", "user_id_profile_url",
                          "user_id_icon_url"})


def _with_link_context(meta: LinkMetadata, link: Link) -> LinkMetadata:
    """Campaign and user details given alone describe the link's current campaign and user."""
    changes: dict[str, Any] = {}
    if meta.campaign is None and (meta.campaign_name is not None or meta.campaign_description is not None):
        changes["campaign"] = link.campaign
    if meta.user_id is None and any(
        v is not None for v in (meta.user_id_username, meta.user_id_profile_url, meta.user_id_icon_url)
    ):
        changes["user_id"] = link.user_id
    return replace(meta, **changes) if changes else meta


def _column_values(meta: LinkMetadata, service: str | None) -> dict[str, Any]:
    values = {
        f.name: getattr(meta, f.name)
        for f in fields(meta)
        if f.name not in _SHARED_ONLY and getattr(meta, f.name) is not None
    }
    if service is not None:
        values["service"] = service
    return values


def check_window(link: Link) -> None:
    if link.created_at < utcnow() - UPDATE_WINDOW:
        raise UpdateWindowClosed(
            f"{link.awesm_id} was created more than {UPDATE_WINDOW.days} days ago and can no longer be updated"
        )


def update_link_in(conn: Connection, project: Project, awesm_id: str, meta: LinkMetadata) -> Link:
    link = load_link(conn, project.id, awesm_id)
    if link is None:
        raise LinkNotFound(f"{awesm_id} is not a link of this project", "awesm_id")
    check_window(link)
    new_service = service_for(meta.channel) if meta.channel else None
    meta = rules.normalise(_with_link_context(meta, link), new_service or link.service)
    if meta.parent and (meta.parent == link.awesm_id or not parent_exists(conn, project.id, meta.parent)):
        raise UnknownParent(f"parent {meta.parent} is not another link of this project", "parent")
    store_shared_metadata(conn, project.id, meta)
    values = _column_values(meta, new_service)
    if values:
        # The metadata a static link was matched on no longer holds: it stops being returned by url/static.
        values["static_key"] = None
    values["updated_at"] = utcnow()
    conn.execute(update(links).where(links.c.id == link.id).values(**values))
    updated = load_link(conn, project.id, awesm_id)
    assert updated is not None
    # Stats keep project-level counts per channel, tag, campaign...: the link's clicks follow it to its new cell.
    move_link(conn, link.id, project.id, cell_of(vars(link)), cell_of(vars(updated)))
    move_shares(conn, fact_of(vars(link)), fact_of(vars(updated)))  # and its share, which shared_at may move too
    return updated


def update_link(engine: Engine, project: Project, awesm_id: str, meta: LinkMetadata) -> Link:
    """Apply the given metadata to the project's link `awesm_id` in one transaction and return it."""
    with engine.begin() as conn:
        return update_link_in(conn, project, awesm_id, meta)
