"""Finding links for people browsing them: a text search over a project's links and a link's share tree.

The counts shown beside them come from the stats rollups (core.stats); these only say *which* links.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Engine, func, or_, select

from sharelytics.core.links.model import Link
from sharelytics.core.links.store import load_link, load_links_by_id
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables import link_totals, links

MAX_MATCHES = 1000  # a search narrows the stats query to these links; more would only be a slower "everything"
MAX_DEPTH = 20  # parent chains are short in practice; the bound stops a cycle made by hand in the database
MAX_CHILDREN = 200


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_awesm_ids(engine: Engine, project_id: int, text: str, limit: int = MAX_MATCHES) -> list[str]:
    """awesm_ids of the project's links whose id, URL, campaign, tag or user id contains `text` (any case),
    newest first."""
    pattern = f"%{_escaped(text.strip().lower())}%"
    columns = (links.c.awesm_id, links.c.original_url, links.c.campaign, links.c.tag, links.c.user_id)
    query = (select(links.c.awesm_id).where(links.c.project_id == project_id,
                                            or_(*(c.ilike(pattern, escape="\\") for c in columns)))
             .order_by(links.c.created_at.desc(), links.c.id.desc()).limit(limit))
    with read_only(engine).connect() as conn:
        return list(conn.execute(query).scalars())


# Link metadata the links list filters on by equality: each is a column of `links`.
FILTER_COLUMNS = {"campaign": links.c.campaign, "channel": links.c.channel, "tool": links.c.tool,
                  "tag": links.c.tag, "user_id": links.c.user_id}


def common_values(engine: Engine, project_id: int, name: str, limit: int = 100) -> list[str]:
    """The values of a metadata column most used by the project's links (up to `limit`), for filter choices."""
    column = FILTER_COLUMNS[name]
    query = (select(column).where(links.c.project_id == project_id, column.is_not(None)).group_by(column)
             .order_by(func.count().desc(), column).limit(limit))
    with read_only(engine).connect() as conn:
        return [str(value) for value in conn.execute(query).scalars()]


def all_time_page(engine: Engine, project_id: int, equal: Mapping[str, str], among: Sequence[str] | None,
                  sort: str, offset: int, limit: int) -> tuple[list[str], int]:
    """One page of the project's links over all time, in the Stats API's order for `sort` (shared_at: latest
    share first; clicks: most human clicks first, from the per-link totals rollup; shares: every link is one share,
    so ties), ties by awesm_id; with these metadata values and, when a search narrowed them, among these awesm_ids;
    and how many links match. Grouping every link's counts in core.stats only to show 25 took seconds."""
    where = [links.c.project_id == project_id, *(FILTER_COLUMNS[name] == value for name, value in equal.items())]
    if among is not None:
        where.append(links.c.awesm_id.in_(list(among)))
    page = select(links.c.awesm_id).where(*where)
    if sort == "clicks":
        page = (page.select_from(links.outerjoin(link_totals, link_totals.c.link_id == links.c.id))
                .order_by(func.coalesce(link_totals.c.humans, 0).desc(), links.c.awesm_id))
    elif sort == "shared_at":
        shared_at = func.coalesce(links.c.service_postid_shared_at, links.c.created_at)  # as core/stats/shares.py
        page = page.order_by(shared_at.desc(), links.c.awesm_id)
    else:
        page = page.order_by(links.c.awesm_id)
    with read_only(engine).connect() as conn:
        total = conn.execute(select(func.count()).select_from(links).where(*where)).scalar_one()
        return list(conn.execute(page.offset(offset).limit(limit)).scalars()), int(total)


def get_link(engine: Engine, project_id: int, awesm_id: str) -> Link | None:
    with read_only(engine).connect() as conn:
        return load_link(conn, project_id, awesm_id)


def lineage(engine: Engine, link: Link) -> list[Link]:
    """The link's ancestors, the root first (each link's `parent` is the awesm_id it was shared from)."""
    chain: list[Link] = []
    seen = {link.awesm_id}
    parent = link.parent
    with read_only(engine).connect() as conn:
        while parent and parent not in seen and len(chain) < MAX_DEPTH:
            found = load_link(conn, link.project_id, parent)
            if found is None:
                break
            chain.append(found)
            seen.add(parent)
            parent = found.parent
    return list(reversed(chain))


def children(engine: Engine, link: Link, limit: int = MAX_CHILDREN) -> list[Link]:
    """Links shared from this one (reshares), oldest first."""
    query = (select(links.c.id).where(links.c.project_id == link.project_id, links.c.parent == link.awesm_id)
             .order_by(links.c.created_at, links.c.id).limit(limit))
    with read_only(engine).connect() as conn:
        ids: Sequence[int] = list(conn.execute(query).scalars())
        return load_links_by_id(conn, ids)
