"""Creating links: one, or many in one transaction. The awe.sm Create API and OneAll short URLs both come here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import Connection, Engine

from sharelytics.core.clock import utcnow
from sharelytics.core.links import metadata as rules
from sharelytics.core.links.channels import service_for
from sharelytics.core.links.domains import Domain
from sharelytics.core.links.model import InvalidMetadata, Link, LinkError, LinkMetadata, UnknownParent
from sharelytics.core.links.patterns import enabled_patterns, is_conversion_host, pattern_for, redirect_target
from sharelytics.core.links.store import load_links_by_id, parent_exists, store_shared_metadata
from sharelytics.core.links.tools import Tool
from sharelytics.core.projects.model import Project
from sharelytics.core.secrets import new_base62
from sharelytics.core.stats.share_rollup import add_shares, fact_of
from sharelytics.storage.tables import links
from sharelytics.storage.upsert import dialect_insert

PATH_LENGTH = 6  # 62**6 = 5.7e10 paths per domain; random, so links cannot be enumerated
# Single-segment paths the API itself answers on the default host: never hand them out as short paths.
RESERVED_PATHS = frozenset({"url", "stats", "conversions", "users", "identities", "providers", "shorturls",
                            "sharing", "dashboard", "static", "metrics", "healthz", "openapi", "widgets", "docs",
                            "favicon", "robots", "login", "logout", "api"})


_INSERTS: dict[str, object] = {}


def _insert_link(conn: Connection):  # type: ignore[no-untyped-def]
    """INSERT … ON CONFLICT (domain_id, path) DO NOTHING RETURNING id, built once per dialect: values go in as
    parameters, so one compiled statement serves every create."""
    name = conn.dialect.name
    if name not in _INSERTS:
        stmt = dialect_insert(conn)(links).on_conflict_do_nothing(index_elements=[links.c.domain_id, links.c.path])
        _INSERTS[name] = stmt.returning(links.c.id)
    return _INSERTS[name]


@dataclass(frozen=True)
class NewLink:
    """One link to create: the page shared and what is said about the share."""

    url: str
    meta: LinkMetadata
    static_key: str | None = None


def _fields(project: Project, tool: Tool, domain: Domain, path: str, url: str, meta: LinkMetadata, service: str):
    """The values redirection patterns may use."""
    return {
        "awesm_id": domain.awesm_id(path), "awesm_url": domain.awesm_url(path), "domain": domain.hostname,
        "path": path, "channel": meta.channel, "service": service, "tool": tool.label, "application": tool.application,
        "campaign": meta.campaign, "campaign_name": meta.campaign_name, "parent": meta.parent,
        "sharer_id": meta.sharer_id, "service_userid": meta.service_userid, "service_postid": meta.service_postid,
        "user_id": meta.user_id, "user_id_username": meta.user_id_username, "username": meta.user_id_username,
        "user_id_profile_url": meta.user_id_profile_url, "user_id_icon_url": meta.user_id_icon_url,
        "tag": meta.tag, "notes": meta.notes, "project": project.name,
    }


def check_new_link(conn: Connection, project: Project, item: NewLink) -> tuple[str, LinkMetadata, str]:
    """Validate one link before anything is written: (url, normalised metadata, service)."""
    url = rules.check_url(item.url)
    if not item.meta.channel:
        raise InvalidMetadata("channel is required", "channel")
    service = service_for(item.meta.channel)
    meta = rules.normalise(item.meta, service)
    if meta.parent and not parent_exists(conn, project.id, meta.parent):
        raise UnknownParent(f"parent {meta.parent} is not a link of this project", "parent")
    return url, meta, service


def _insert(conn: Connection, project: Project, tool: Tool, domain: Domain, item: NewLink,
            patterns: dict[str, str]) -> int:
    url, meta, service = check_new_link(conn, project, item)
    store_shared_metadata(conn, project.id, meta)
    pattern = pattern_for(patterns, url)
    converts = project.conversions_enabled and is_conversion_host(url, project.conversion_domains)
    for _ in range(8):
        path = new_base62(PATH_LENGTH)
        if path.lower() in RESERVED_PATHS:
            continue
        fields = _fields(project, tool, domain, path, url, meta, service)
        target = redirect_target(pattern, fields, url, domain.awesm_id(path) if converts else None)
        # ON CONFLICT DO NOTHING: a taken path returns no row (no exception, so no savepoint to roll back to).
        inserted = conn.execute(_insert_link(conn), dict(
            project_id=project.id, domain_id=domain.id, path=path, awesm_id=domain.awesm_id(path),
            original_url=url, redirect_url=target.redirect_url, redirect_template=target.template,
            channel=meta.channel, service=service, tool_id=tool.id, tool=tool.label,
            application=tool.application, parent=meta.parent or None, sharer_id=meta.sharer_id,
            service_userid=meta.service_userid, service_postid=meta.service_postid,
            service_postid_shared_at=meta.service_postid_shared_at,
            service_postid_reach=meta.service_postid_reach, campaign=meta.campaign,
            user_id=meta.user_id, tag=meta.tag, notes=meta.notes, static_key=item.static_key,
            created_at=utcnow(),
        )).scalar()
        if inserted is not None:
            return int(inserted)
    raise LinkError("could not allocate a short path; try again")


def create_links_in(conn: Connection, project: Project, tool: Tool, domain: Domain, items: Sequence[NewLink]) -> list[Link]:
    patterns = enabled_patterns(conn, project.id)
    ids = [_insert(conn, project, tool, domain, item, patterns) for item in items]
    made = load_links_by_id(conn, ids)
    add_shares(conn, [fact_of(vars(link)) for link in made])  # stats count shares from rollups, kept here
    return made


def create_links(engine: Engine, project: Project, tool: Tool, domain: Domain, items: Sequence[NewLink]) -> list[Link]:
    """Create every link or none (one transaction)."""
    with engine.begin() as conn:
        return create_links_in(conn, project, tool, domain, items)


def create_link(engine: Engine, project: Project, tool: Tool, domain: Domain, item: NewLink) -> Link:
    return create_links(engine, project, tool, domain, [item])[0]
