"""OneAll short URLs are the project's links (one store with the awe.sm API): created with the project's OneAll
tool, listed, read with their referrals (the human clicks; bots and link-preview unfurlers counted apart),
deleted. A token is the link's path, or its awesm_id (`domain_path`) when a path alone could be ambiguous."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, delete, select

from sharelytics.core.clicks import history
from sharelytics.core.clicks.classify import HUMAN
from sharelytics.core.links.changes import record_link_deleted
from sharelytics.core.links.create import NewLink, create_link
from sharelytics.core.links.domains import Domain, domain_for_create
from sharelytics.core.links.model import LinkMetadata
from sharelytics.core.projects.model import Project
from sharelytics.core.sharing.errors import ShortUrlNotFound
from sharelytics.core.sharing.model import Referral, ShortUrl
from sharelytics.core.sharing.pages import Page, PageRequest, fetch_page
from sharelytics.core.sharing.tracking import sharing_tool
from sharelytics.core.stats.cube import link_cells, move_link
from sharelytics.core.stats.share_rollup import link_fact, move_shares
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables import click_hours, clicks, domains, link_totals, links

CHANNEL = "copypaste"  # a short URL made by hand is pasted wherever its owner likes
MAX_TOKEN = 330


def _query() -> Any:
    return (select(links.c.id, links.c.path, links.c.awesm_id, links.c.original_url, links.c.created_at, domains.c.scheme,
                   domains.c.hostname, link_totals.c.humans, link_totals.c.bots, link_totals.c.unfurlers,
                   link_totals.c.last_human_at.label("last_referral"))
            .join(domains, domains.c.id == links.c.domain_id)
            .outerjoin(link_totals, link_totals.c.link_id == links.c.id))


def _from_row(row: Mapping[str, Any]) -> ShortUrl:
    return ShortUrl(link_id=row["id"], awesm_id=row["awesm_id"], shorturl_token=row["path"], original_url=row["original_url"],
                    short_url=f"{row['scheme']}://{row['hostname']}/{row['path']}", date_creation=row["created_at"],
                    num_referrals=int(row["humans"] or 0), date_last_referral=row["last_referral"],
                    num_bot_referrals=int(row["bots"] or 0), num_unfurler_referrals=int(row["unfurlers"] or 0))


def _load(conn: Connection, project_id: int, token: str) -> ShortUrl:
    token = token.strip()
    row = None
    # A NUL can be in no path or awesm_id, and PostgreSQL refuses it in a text parameter (a 500, not a 404).
    if token and len(token) <= MAX_TOKEN and "\x00" not in token:
        column = links.c.awesm_id if "_" in token else links.c.path  # paths are base-62, never with `_`
        row = conn.execute(_query().where(links.c.project_id == project_id, column == token)
                           .order_by(links.c.id.desc()).limit(1)).mappings().first()
    if row is None:
        raise ShortUrlNotFound(f"there is no short URL with the token {token[:64]!r}", "shorturl_token")
    return _from_row(row)


def create_shorturl(engine: Engine, project: Project, shared_domain: Domain, original_url: str) -> ShortUrl:
    tool = sharing_tool(engine, project)
    domain = domain_for_create(engine, project, None, shared_domain)
    link = create_link(engine, project, tool, domain, NewLink(original_url, LinkMetadata(channel=CHANNEL)))
    with read_only(engine).connect() as conn:
        return _load(conn, project.id, link.awesm_id)


def get_shorturl(engine: Engine, project_id: int, token: str) -> ShortUrl:
    with read_only(engine).connect() as conn:
        return _load(conn, project_id, token)


def list_shorturls(engine: Engine, project_id: int, request: PageRequest) -> Page[ShortUrl]:
    with read_only(engine).connect() as conn:
        rows, total = fetch_page(conn, _query().where(links.c.project_id == project_id), links.c.created_at,
                                 links.c.id, request)
    return Page(request, [_from_row(r) for r in rows], total)


def referrals(engine: Engine, project_id: int, token: str, request: PageRequest) -> tuple[ShortUrl, Page[Referral]]:
    """The short URL and one page of its human clicks: referring page, IP as the project's privacy mode kept it."""
    with read_only(engine).connect() as conn:
        shorturl = _load(conn, project_id, token)
        rows, total = _referral_rows(conn, project_id, shorturl.link_id, request)
    return shorturl, Page(request, [Referral(r["referrer"], r["ip"], r["clicked_at"]) for r in rows], total)


def _referral_rows(conn: Connection, project_id: int, link_id: int, request: PageRequest) -> tuple[list[Any], int]:
    """One page of the link's human clicks by date, and how many there are. The link's hours with human clicks
    (click_hours) give the total and which hours hold the page; only those hours' clicks are read (by the
    (hour, link_id) index)."""
    hours = history.link_rows(conn, click_hours, project_id, link_id, [click_hours.c.hour, click_hours.c.humans],
                              click_hours.c.humans > 0)
    descending = request.direction == "desc"
    skip, wanted, covered = request.offset, [], 0
    for hour, humans in ((row["hour"], row["humans"]) for row in (hours[::-1] if descending else hours)):
        if covered + humans > request.offset and covered < request.offset + request.per_page:
            wanted.append(hour)
        elif covered < request.offset:
            skip -= humans
        covered += humans
    rows: list[Any] = []
    if wanted:
        order = (clicks.c.clicked_at, clicks.c.id)
        query = (select(clicks.c.id, clicks.c.referrer, clicks.c.ip, clicks.c.clicked_at)
                 .where(clicks.c.hour.in_(wanted), clicks.c.link_id == link_id, clicks.c.kind == HUMAN)
                 .order_by(*(c.desc() if descending else c.asc() for c in order))
                 .limit(request.per_page).offset(skip))
        rows = list(conn.execute(query).mappings().all())
    return rows, covered


def delete_shorturl(engine: Engine, project_id: int, token: str) -> ShortUrl:
    """The link and its clicks go; the project-level counts per channel, tool... lose them too."""
    with engine.begin() as conn:
        shorturl = _load(conn, project_id, token)
        history.lock_link(conn, shorturl.link_id)
        cells = link_cells(conn, {shorturl.link_id}, lock=True)
        if shorturl.link_id in cells:
            move_link(conn, shorturl.link_id, project_id, cells[shorturl.link_id][1], None)
        share = link_fact(conn, shorturl.link_id)
        history.delete_link_rows(conn, project_id, shorturl.link_id)
        conn.execute(delete(links).where(links.c.id == shorturl.link_id))
        record_link_deleted(conn, shorturl.awesm_id)  # every process stops redirecting it within a second
        if share is not None:
            move_shares(conn, share, None)
    return shorturl
