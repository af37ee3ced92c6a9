"""Reading links back, with their campaign and sharer metadata joined; storing that metadata once per project."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from sqlalchemy import Connection, Select, and_, select, update
from sqlalchemy.exc import IntegrityError

from sharelytics.core.links.model import Link, LinkMetadata
from sharelytics.storage.tables import campaigns, domains, links, sharers


@functools.cache
def _link_query() -> Select[Any]:
    """Built once: constructing this join costs more than running it."""
    return (
        select(
            links,
            domains.c.hostname.label("domain_hostname"),
            domains.c.scheme.label("domain_scheme"),
            campaigns.c.name.label("campaign_name"),
            campaigns.c.description.label("campaign_description"),
            sharers.c.username.label("username"),
            sharers.c.profile_url.label("user_id_profile_url"),
            sharers.c.icon_url.label("user_id_icon_url"),
        )
        .join(domains, domains.c.id == links.c.domain_id)
        .outerjoin(campaigns, and_(campaigns.c.project_id == links.c.project_id, campaigns.c.campaign == links.c.campaign))
        .outerjoin(sharers, and_(sharers.c.project_id == links.c.project_id, sharers.c.user_id == links.c.user_id))
    )


def link_from_row(row: Mapping[str, Any]) -> Link:
    hostname = row["domain_hostname"]
    return Link(
        id=row["id"],
        project_id=row["project_id"],
        domain_id=row["domain_id"],
        awesm_id=row["awesm_id"],
        awesm_url=f"{row['domain_scheme']}://{hostname}/{row['path']}",
        domain=hostname,
        path=row["path"],
        created_at=row["created_at"],
        original_url=row["original_url"],
        redirect_url=row["redirect_url"],
        channel=row["channel"],
        service=row["service"],
        tool=row["tool"],
        application=row["application"],
        parent=row["parent"],
        sharer_id=row["sharer_id"],
        service_userid=row["service_userid"],
        service_postid=row["service_postid"],
        service_postid_shared_at=row["service_postid_shared_at"],
        service_postid_reach=row["service_postid_reach"],
        campaign=row["campaign"],
        campaign_name=row["campaign_name"],
        campaign_description=row["campaign_description"],
        user_id=row["user_id"],
        username=row["username"],
        user_id_profile_url=row["user_id_profile_url"],
        user_id_icon_url=row["user_id_icon_url"],
        tag=row["tag"],
        notes=row["notes"],
        updated_at=row["updated_at"],
        tool_id=row["tool_id"],
        redirect_template=row["redirect_template"],
    )


def load_link(conn: Connection, project_id: int, awesm_id: str) -> Link | None:
    row = conn.execute(
        _link_query().where(links.c.project_id == project_id, links.c.awesm_id == awesm_id)
    ).mappings().first()
    return link_from_row(row) if row else None


def load_links_by_id(conn: Connection, link_ids: Sequence[int]) -> list[Link]:
    """Links in the order of the ids given."""
    rows = conn.execute(_link_query().where(links.c.id.in_(link_ids))).mappings().all()
    by_id = {row["id"]: link_from_row(row) for row in rows}
    return [by_id[i] for i in link_ids if i in by_id]


def parent_exists(conn: Connection, project_id: int, awesm_id: str) -> bool:
    query = select(links.c.id).where(links.c.project_id == project_id, links.c.awesm_id == awesm_id)
    return conn.execute(query).first() is not None


def _upsert(conn: Connection, table: Any, keys: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Insert the row, or update the given (non-None) values on the existing one; the latest values win.
    Returns the row's values after the write (what a read of the row would give), so no re-read is needed."""
    given = {k: v for k, v in values.items() if v is not None}
    where = and_(*(table.c[k] == v for k, v in keys.items()))
    columns = [table.c[k] for k in values]
    existing = conn.execute(select(*columns).where(where)).mappings().first()
    if existing is None:
        try:
            with conn.begin_nested():
                conn.execute(table.insert().values(**keys, **given))
            return dict(values)
        except IntegrityError:  # a concurrent create inserted it first: update it instead
            existing = conn.execute(select(*columns).where(where)).mappings().one()
    if given:
        conn.execute(update(table).where(where).values(**given))
    return {**existing, **given}


@dataclass(frozen=True)
class SharedMetadata:
    """The campaign and sharer values a link shows, as stored once per project (None when not named)."""

    campaign_name: str | None = None
    campaign_description: str | None = None
    username: str | None = None
    user_id_profile_url: str | None = None
    user_id_icon_url: str | None = None


def store_shared_metadata(conn: Connection, project_id: int, meta: LinkMetadata) -> SharedMetadata:
    """Campaign and user_id metadata live once per project and come back with every link that names them."""
    campaign: dict[str, Any] = {}
    sharer: dict[str, Any] = {}
    if meta.campaign:
        campaign = _upsert(
            conn,
            campaigns,
            {"project_id": project_id, "campaign": meta.campaign},
            {"name": meta.campaign_name, "description": meta.campaign_description},
        )
    if meta.user_id:
        sharer = _upsert(
            conn,
            sharers,
            {"project_id": project_id, "user_id": meta.user_id},
            {
                "username": meta.user_id_username,
                "profile_url": meta.user_id_profile_url,
                "icon_url": meta.user_id_icon_url,
            },
        )
    return SharedMetadata(campaign.get("name"), campaign.get("description"), sharer.get("username"),
                          sharer.get("profile_url"), sharer.get("icon_url"))
