"""Static (placeholder) links: one link per project for a given url, tool, domain and metadata.

awe.sm's url/static returns the existing link when one "with the specified metadata already exists", else creates
it. We match on a hash of the normalised request (stored in `links.static_key`), so `campaign=Spring Sale` and
`campaign=spring-sale&campaign_name=Spring Sale` find the same link. A channel is optional there; without one the
link is a `copypaste` link (docs/decisions/2026-11-23-static-links-default-to-copypaste.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from datetime import datetime

import orjson
from sqlalchemy import Connection, Engine, select

from sharelytics.core.links.create import NewLink, check_new_link, create_links_in
from sharelytics.core.links.domains import Domain
from sharelytics.core.links.model import Link, LinkMetadata
from sharelytics.core.links.store import load_links_by_id
from sharelytics.core.links.tools import Tool
from sharelytics.core.projects.model import Project
from sharelytics.storage.tables import links

DEFAULT_STATIC_CHANNEL = "copypaste"


@dataclass(frozen=True)
class StaticResult:
    link: Link
    new: bool


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def static_key(url: str, tool: Tool, domain: Domain, meta: LinkMetadata) -> str:
    """sha256 of the canonical (sorted, given-fields-only) request: 64 hex characters."""
    given = {k: _plain(v) for k, v in sorted(asdict(meta).items()) if v is not None}
    canonical = orjson.dumps([url, tool.id, domain.id, given], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def _existing(conn: Connection, project: Project, key: str) -> Link | None:
    # The oldest match: should two concurrent first calls both have created one, every later call agrees.
    query = select(links.c.id).where(links.c.project_id == project.id, links.c.static_key == key)
    found = conn.execute(query.order_by(links.c.id).limit(1)).scalar()
    return load_links_by_id(conn, [found])[0] if found is not None else None


def static_link(engine: Engine, project: Project, tool: Tool, domain: Domain, item: NewLink) -> StaticResult:
    """The project's link for exactly this url, tool, domain and metadata: found (`new` false) or created."""
    meta = item.meta if item.meta.channel else replace(item.meta, channel=DEFAULT_STATIC_CHANNEL)
    item = replace(item, meta=meta)
    with engine.begin() as conn:
        url, normalised, _service = check_new_link(conn, project, item)
        key = static_key(url, tool, domain, normalised)
        found = _existing(conn, project, key)
        if found is not None:
            return StaticResult(found, new=False)
        created = create_links_in(conn, project, tool, domain, [replace(item, static_key=key)])[0]
        return StaticResult(created, new=True)
