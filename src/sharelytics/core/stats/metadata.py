"""with_metadata: what stats return about each group's value (the link itself for awesm_id groups)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from sharelytics.core.links.store import load_links_by_id
from sharelytics.core.stats.model import StatsQuery
from sharelytics.storage.tables import applications, campaigns, links, sharers, tools


def _links(conn: Connection, query: StatsQuery, values: Sequence[Any]) -> dict[Any, Any]:
    rows = conn.execute(
        select(links.c.id, links.c.awesm_id).where(links.c.project_id.in_(query.project_ids),
                                                  links.c.awesm_id.in_([v for v in values if v]))
    ).all()
    found = load_links_by_id(conn, [row.id for row in rows])
    return {link.awesm_id: link for link in found}


def _campaigns(conn: Connection, query: StatsQuery, values: Sequence[Any]) -> dict[Any, Any]:
    rows = conn.execute(
        select(campaigns).where(campaigns.c.project_id.in_(query.project_ids), campaigns.c.campaign.in_(values))
    ).mappings()
    return {r["campaign"]: {"description": r["description"], "name": r["name"]} for r in rows}


def _users(conn: Connection, query: StatsQuery, values: Sequence[Any]) -> dict[Any, Any]:
    rows = conn.execute(
        select(sharers).where(sharers.c.project_id.in_(query.project_ids), sharers.c.user_id.in_(values))
    ).mappings()
    return {
        # The create object's user_id_metadata order (docs/decisions/2026-11-23-create-object-key-order.md).
        r["user_id"]: {"icon_url": r["icon_url"], "username": r["username"], "profile_url": r["profile_url"]}
        for r in rows
    }


def _tools(conn: Connection, query: StatsQuery, values: Sequence[Any]) -> dict[Any, Any]:
    rows = conn.execute(
        select(tools.c.label, tools.c.name, applications.c.name.label("application_name"),
               applications.c.label.label("application"))
        .join(applications, applications.c.id == tools.c.application_id)
        .where(tools.c.project_id.in_(query.project_ids), tools.c.label.in_(values))
    ).mappings()
    return {r["label"]: {"application": r["application"], "application_name": r["application_name"],
                         "tool_name": r["name"]} for r in rows}


def _pages(conn: Connection, query: StatsQuery, values: Sequence[Any]) -> dict[Any, Any]:
    # Page titles and icons are not fetched (no outbound call for stats): the keys clients read are present.
    return {v: {"icon_url": None, "title": None} for v in values}


LOADERS = {"awesm_id": _links, "campaign": _campaigns, "user_id": _users, "tool": _tools, "original_url": _pages}


def group_metadata(conn: Connection, query: StatsQuery, dimension: str, values: Sequence[Any]) -> dict[Any, Any]:
    loader = LOADERS.get(dimension)
    return loader(conn, query, values) if loader else {}
