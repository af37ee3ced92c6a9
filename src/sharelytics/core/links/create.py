"""Creating links: one, or many in one transaction. The awe.sm Create API and OneAll short URLs both come here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

from sqlalchemy import Connection, Engine

from sharelytics.core.clock import utcnow
from sharelytics.core.links import metadata as rules
from sharelytics.core.links.channels import service_for
from sharelytics.core.links.domains import Domain
from sharelytics.core.links.model import InvalidMetadata, Link, LinkError, LinkMetadata, UnknownParent
from sharelytics.core.links.patterns import enabled_patterns, is_conversion_host, pattern_for, redirect_target
from sharelytics.core.links.store import SharedMetadata, parent_exists, store_shared_metadata
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


def _insert_links(conn: Connection):  # type: ignore[no-untyped-def]
    """INSERT … ON CONFLICT (domain_id, path) DO NOTHING RETURNING id, path, built once per dialect: values go in
    as parameters, so one compiled statement serves every create; given many rows, SQLAlchemy sends them as one
    multi-row INSERT ("insertmanyvalues")."""
    name = conn.dialect.name
    if name not in _INSERTS:
        stmt = dialect_insert(conn)(links).on_conflict_do_nothing(index_elements=[links.c.domain_id, links.c.path])
        _INSERTS[name] = stmt.returning(links.c.id, links.c.path)
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


@dataclass(frozen=True)
class _Checked:
    """One link's checked values, before it has a path."""

    item: NewLink
    url: str
    meta: LinkMetadata
    service: str
    shared: SharedMetadata
    pattern: str | None
    converts: bool


def _check(conn: Connection, project: Project, item: NewLink, patterns: dict[str, str]) -> _Checked:
    url, meta, service = check_new_link(conn, project, item)
    shared = store_shared_metadata(conn, project.id, meta)
    converts = project.conversions_enabled and is_conversion_host(url, project.conversion_domains)
    return _Checked(item, url, meta, service, shared, pattern_for(patterns, url), converts)


def _new_path() -> str:
    while True:
        path = new_base62(PATH_LENGTH)
        if path.lower() not in RESERVED_PATHS:
            return path


def _values(project: Project, tool: Tool, domain: Domain, link: _Checked, path: str) -> dict[str, Any]:
    """The row to insert at `path` (the redirect target may name the path, so it is computed per path)."""
    url, meta = link.url, link.meta
    fields = _fields(project, tool, domain, path, url, meta, link.service)
    target = redirect_target(link.pattern, fields, url, domain.awesm_id(path) if link.converts else None)
    return dict(
        project_id=project.id, domain_id=domain.id, path=path, awesm_id=domain.awesm_id(path),
        original_url=url, redirect_url=target.redirect_url, redirect_template=target.template,
        channel=meta.channel, service=link.service, tool_id=tool.id, tool=tool.label,
        application=tool.application, parent=meta.parent or None, sharer_id=meta.sharer_id,
        service_userid=meta.service_userid, service_postid=meta.service_postid,
        service_postid_shared_at=meta.service_postid_shared_at,
        service_postid_reach=meta.service_postid_reach, campaign=meta.campaign,
        user_id=meta.user_id, tag=meta.tag, notes=meta.notes, static_key=link.item.static_key,
        created_at=utcnow(),
    )


def _insert(conn: Connection, project: Project, tool: Tool, domain: Domain, checked: list[_Checked]) -> list[Link]:
    """Insert every link in one statement. ON CONFLICT DO NOTHING: a taken path returns no row (no exception, so
    no savepoint to roll back to), and that link is tried again at a new path."""
    made: list[Link | None] = [None] * len(checked)
    todo = list(range(len(checked)))
    for _ in range(8):
        rows: dict[str, tuple[int, dict[str, Any]]] = {}
        for index in todo:
            path = _new_path()
            while path in rows:  # two links of this statement drew the same path
                path = _new_path()
            rows[path] = (index, _values(project, tool, domain, checked[index], path))
        inserted = conn.execute(_insert_links(conn), [values for _, values in rows.values()]).all()
        for link_id, path in inserted:
            index, values = rows[path]
            made[index] = _link_from_values(int(link_id), domain, values, checked[index].shared)
        todo = [index for index in todo if made[index] is None]
        if not todo:
            return [link for link in made if link is not None]
    raise LinkError("could not allocate a short path; try again")


def _link_from_values(link_id: int, domain: Domain, values: dict[str, Any], shared: SharedMetadata) -> Link:
    """The link as inserted: what reading it back with its campaign and sharer joined would give, without the read."""
    fields = {name: values[name] for name in _LINK_COLUMNS}
    return Link(id=link_id, awesm_url=domain.awesm_url(values["path"]), domain=domain.hostname, **fields,
                campaign_name=shared.campaign_name, campaign_description=shared.campaign_description,
                username=shared.username, user_id_profile_url=shared.user_id_profile_url,
                user_id_icon_url=shared.user_id_icon_url)


_LINK_COLUMNS = (
    "project_id", "domain_id", "awesm_id", "path", "created_at", "original_url", "redirect_url", "channel",
    "service", "tool", "application", "parent", "sharer_id", "service_userid", "service_postid",
    "service_postid_shared_at", "service_postid_reach", "campaign", "user_id", "tag", "notes", "tool_id",
    "redirect_template",
)


def create_links_in(conn: Connection, project: Project, tool: Tool, domain: Domain, items: Sequence[NewLink],
                    patterns: dict[str, str] | None = None) -> list[Link]:
    """The one place links are inserted. `patterns`: the project's enabled patterns when the caller has them."""
    patterns = enabled_patterns(conn, project.id) if patterns is None else patterns
    checked = _latest_shared([_check(conn, project, item, patterns) for item in items])
    made = _insert(conn, project, tool, domain, checked) if checked else []
    add_shares(conn, [fact_of(vars(link)) for link in made])  # stats count shares from rollups, kept here
    return made


def _latest_shared(checked: list[_Checked]) -> list[_Checked]:
    """Links of one call naming the same campaign or user_id show its values after the call's last upsert of it,
    as reading them back after the inserts would."""
    if len(checked) < 2:
        return checked
    campaign = {link.meta.campaign: link.shared for link in checked if link.meta.campaign}
    sharer = {link.meta.user_id: link.shared for link in checked if link.meta.user_id}
    if not campaign and not sharer:
        return checked
    latest = []
    for link in checked:
        by_campaign = campaign.get(link.meta.campaign) if link.meta.campaign else None
        by_sharer = sharer.get(link.meta.user_id) if link.meta.user_id else None
        latest.append(replace(link, shared=SharedMetadata(
            by_campaign.campaign_name if by_campaign else None,
            by_campaign.campaign_description if by_campaign else None,
            by_sharer.username if by_sharer else None,
            by_sharer.user_id_profile_url if by_sharer else None,
            by_sharer.user_id_icon_url if by_sharer else None,
        )))
    return latest


def create_links(engine: Engine, project: Project, tool: Tool, domain: Domain, items: Sequence[NewLink]) -> list[Link]:
    """Create every link or none (one transaction)."""
    with engine.begin() as conn:
        return create_links_in(conn, project, tool, domain, items)


def create_link(engine: Engine, project: Project, tool: Tool, domain: Domain, item: NewLink) -> Link:
    return create_links(engine, project, tool, domain, [item])[0]
