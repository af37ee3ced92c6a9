"""Sharing messages and their publications in storage: insert, read with publications and tracked URLs, list,
delete (the posts stay on the networks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from sharelytics.core.clock import utcnow
from sharelytics.core.sharing.errors import MessageNotFound
from sharelytics.core.sharing.model import (
    Message,
    Publication,
    PublicationStatus,
    TrackedUrl,
)
from sharelytics.core.sharing.pages import Page, PageRequest, fetch_page
from sharelytics.core.sharing.parts import MessageParts
from sharelytics.core.sharing.tokens import is_token, new_token
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables import (
    domains,
    links,
    publication_links,
    publications,
    sharing_messages,
)

PENDING = PublicationStatus("pending", 102, "The publication is in progress")


def insert_message(conn: Connection, project_id: int, parts: MessageParts) -> int:
    now = utcnow()
    return int(conn.execute(sharing_messages.insert().values(
        project_id=project_id, message_token=new_token(), parts=parts.to_json(),
        enable_tracking=parts.enable_tracking, created_at=now, last_published_at=None,
    )).inserted_primary_key[0])


def message_row(conn: Connection, project_id: int, token: str) -> Mapping[str, Any]:
    row = None
    if is_token(token):
        row = conn.execute(select(sharing_messages).where(
            sharing_messages.c.project_id == project_id, sharing_messages.c.message_token == token.lower(),
        )).mappings().first()
    if row is None:
        raise MessageNotFound(f"there is no sharing message with the token {token[:64]!r}", "sharing_message_token")
    return row


def mark_published(conn: Connection, message_id: int) -> None:
    conn.execute(update(sharing_messages).where(sharing_messages.c.id == message_id)
                 .values(last_published_at=utcnow()))


def insert_publication(conn: Connection, project_id: int, message_id: int, request_id: int, identity: Any) -> int:
    return int(conn.execute(publications.insert().values(
        project_id=project_id, message_id=message_id, request_id=request_id, publication_token=new_token(),
        identity_id=identity.id, user_token=identity.user_token, identity_token=identity.identity_token,
        provider=identity.provider, status_flag=PENDING.flag, status_code=PENDING.code,
        status_message=PENDING.message, created_at=utcnow(),
    )).inserted_primary_key[0])


def tracked_urls(conn: Connection, publication_ids: Sequence[int]) -> dict[int, list[TrackedUrl]]:
    rows = conn.execute(
        select(publication_links.c.publication_id, publication_links.c.original_url, links.c.path, links.c.awesm_id,
               domains.c.scheme, domains.c.hostname)
        .join(links, links.c.id == publication_links.c.link_id).join(domains, domains.c.id == links.c.domain_id)
        .where(publication_links.c.publication_id.in_(list(publication_ids)))
        .order_by(publication_links.c.publication_id, publication_links.c.position)
    ).all()
    found: dict[int, list[TrackedUrl]] = {}
    for row in rows:
        short = f"{row.scheme}://{row.hostname}/{row.path}"
        found.setdefault(row.publication_id, []).append(TrackedUrl(row.original_url, short, row.path, row.awesm_id))
    return found


def publication_from_row(row: Mapping[str, Any], urls: Sequence[TrackedUrl] = ()) -> Publication:
    return Publication(
        id=row["id"], publication_token=row["publication_token"], provider=row["provider"],
        user_token=row["user_token"], identity_token=row["identity_token"],
        status=PublicationStatus(row["status_flag"], row["status_code"], row["status_message"]),
        post_id=row["post_id"], post_url=row["post_url"], reach=row["reach"], published_at=row["published_at"],
        created_at=row["created_at"], shorturls=tuple(urls),
    )


def load_publications(conn: Connection, where: Any) -> list[Publication]:
    rows = conn.execute(select(publications).where(where).order_by(publications.c.id)).mappings().all()
    urls = tracked_urls(conn, [r["id"] for r in rows])
    return [publication_from_row(r, urls.get(r["id"], ())) for r in rows]


def message_from_row(row: Mapping[str, Any], found: Sequence[Publication] = ()) -> Message:
    return Message(id=row["id"], message_token=row["message_token"], parts=MessageParts.from_json(row["parts"]),
                   created_at=row["created_at"], last_published_at=row["last_published_at"],
                   publications=tuple(found))


def load_message(conn: Connection, project_id: int, token: str, *, request_id: int | None = None) -> Message:
    """The message with all its publications, or only those of one publish request."""
    row = message_row(conn, project_id, token)
    where = publications.c.message_id == row["id"]
    if request_id is not None:
        where = where & (publications.c.request_id == request_id)
    return message_from_row(row, load_publications(conn, where))


def get_message(engine: Engine, project_id: int, token: str) -> Message:
    with read_only(engine).connect() as conn:
        return load_message(conn, project_id, token)


def list_messages(engine: Engine, project_id: int, request: PageRequest) -> Page[Message]:
    with read_only(engine).connect() as conn:
        rows, total = fetch_page(conn, select(sharing_messages).where(sharing_messages.c.project_id == project_id),
                                 sharing_messages.c.created_at, sharing_messages.c.id, request)
    return Page(request, [message_from_row(r) for r in rows], total)


def delete_message(engine: Engine, project_id: int, token: str) -> Message:
    """The message and its publications go; the posts stay on the networks and the tracked short URLs (and their
    clicks) stay in the link store, where the awe.sm stats keep counting them."""
    with engine.begin() as conn:
        message = load_message(conn, project_id, token)
        conn.execute(delete(sharing_messages).where(sharing_messages.c.id == message.id))
    return message
