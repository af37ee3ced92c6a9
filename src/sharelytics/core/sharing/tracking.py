"""Tracked links per publication: every URL of the text and the link part becomes an awe.sm link whose channel is
the network, user_id the user token and, once posted, service_postid `network:post_id` with the identity's
followers as reach. So the awe.sm Stats API groups a message's clicks by network, whichever API created it."""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, insert, select

from sharelytics.core.links.create import NewLink, create_links_in
from sharelytics.core.links.domains import Domain
from sharelytics.core.links.model import LinkError, LinkMetadata
from sharelytics.core.links.tools import Tool, ToolError, create_tool, list_tools
from sharelytics.core.links.update import update_link_in
from sharelytics.core.projects.model import Project
from sharelytics.core.providers.model import Published
from sharelytics.core.sharing.messages import tracked_urls
from sharelytics.core.sharing.model import Identity, TrackedUrl
from sharelytics.core.sharing.parts import MessageParts
from sharelytics.storage.tables import links, publication_links

APPLICATION, TOOL = "oneall", "sharing"  # label `oneall-sharing`, created per project on first use
TOOL_LABEL = f"{APPLICATION}-{TOOL}"

log = logging.getLogger("sharelytics.sharing")


def sharing_tool(engine: Engine, project: Project) -> Tool:
    """The project's tool for OneAll links, created the first time one is needed."""
    for tool in list_tools(engine, project):
        if tool.label == TOOL_LABEL:
            return tool
    try:
        return create_tool(engine, project, APPLICATION, TOOL)
    except ToolError:  # created by a concurrent request in between
        return next(t for t in list_tools(engine, project) if t.label == TOOL_LABEL)


def track_publication(conn: Connection, project: Project, tool: Tool, domain: Domain, publication_id: int,
                      identity: Identity, parts: MessageParts) -> list[TrackedUrl]:
    """The publication's short links: those made for it earlier (a retried publish sends the same text), or new
    ones for each distinct URL."""
    existing = tracked_urls(conn, [publication_id]).get(publication_id)
    if existing is not None:
        return existing
    urls = parts.tracked_urls()
    if not urls:
        return []
    meta = LinkMetadata(channel=identity.provider, user_id=identity.user_token,
                        service_postid_reach=identity.followers_count)
    created = create_links_in(conn, project, tool, domain, [NewLink(url, meta) for url in urls])
    conn.execute(insert(publication_links), [
        {"publication_id": publication_id, "position": n, "link_id": link.id, "original_url": url}
        for n, (url, link) in enumerate(zip(urls, created))])
    return tracked_urls(conn, [publication_id]).get(publication_id, [])


def record_post(conn: Connection, project: Project, publication_id: int, provider: str, published: Published) -> None:
    """Say on each of the publication's links where it was posted, when, and to how many followers."""
    awesm_ids = conn.execute(select(links.c.awesm_id).join(publication_links, publication_links.c.link_id == links.c.id)
                             .where(publication_links.c.publication_id == publication_id)).scalars().all()
    meta = LinkMetadata(service_postid=f"{provider}:{published.post_id}",
                        service_postid_shared_at=published.published_at, service_postid_reach=published.reach)
    for awesm_id in awesm_ids:
        try:
            with conn.begin_nested():
                update_link_in(conn, project, awesm_id, meta)
        except LinkError as exc:  # the post is out; a post id the link columns cannot hold only costs the label
            log.warning("link %s keeps no service_postid for %s: %s", awesm_id, provider, exc)
