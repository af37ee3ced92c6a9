"""Identities: one account of a user on a network, with its credentials sealed at rest. Read, list, delete."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Select, delete, or_, select

from sharelytics.core.sharing.errors import IdentityNotFound
from sharelytics.core.sharing.model import Identity
from sharelytics.core.sharing.pages import Page, PageRequest, fetch_page
from sharelytics.core.sharing.tokens import is_token
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables import oneall_identities as identities
from sharelytics.storage.tables import oneall_users as users


def identity_query() -> Select[Any]:
    """Identities with their user's token; never the credentials column (only `sealed_credentials` reads it)."""
    return select(*(c for c in identities.c if c.name != "credentials"), users.c.user_token).join(
        users, users.c.id == identities.c.user_id)


def identity_from_row(row: Mapping[str, Any]) -> Identity:
    return Identity(id=row["id"], identity_token=row["identity_token"], user_token=row["user_token"],
                    provider=row["provider"], provider_uid=row["provider_uid"], username=row["username"],
                    display_name=row["display_name"], profile_url=row["profile_url"],
                    followers_count=row["followers_count"], created_at=row["created_at"],
                    updated_at=row["updated_at"])


def load_identity(conn: Connection, project_id: int, token: str) -> Identity:
    row = None
    if is_token(token):
        query = identity_query().where(identities.c.project_id == project_id, identities.c.identity_token == token.lower())
        row = conn.execute(query).mappings().first()
    if row is None:
        raise IdentityNotFound(f"there is no identity with the token {token[:64]!r}", "identity_token")
    return identity_from_row(row)


def identities_of_users(conn: Connection, user_ids: Sequence[int]) -> dict[int, list[Identity]]:
    rows = conn.execute(identity_query().where(identities.c.user_id.in_(list(user_ids)))
                        .order_by(identities.c.created_at, identities.c.id)).mappings().all()
    found: dict[int, list[Identity]] = {}
    for row in rows:
        found.setdefault(row["user_id"], []).append(identity_from_row(row))
    return found


def sealed_credentials(conn: Connection, identity_ids: Sequence[int]) -> dict[int, str]:
    rows = conn.execute(select(identities.c.id, identities.c.credentials).where(identities.c.id.in_(identity_ids)))
    return {row.id: row.credentials for row in rows}


def get_identity(engine: Engine, project_id: int, token: str) -> Identity:
    with read_only(engine).connect() as conn:
        return load_identity(conn, project_id, token)


def list_identities(engine: Engine, project_id: int, request: PageRequest, *, provider: str | None = None,
                    account: str | None = None) -> Page[Identity]:
    """A page of the project's identities; operators narrow it to a network and to accounts whose user name or
    display name contains `account` (case-insensitive), to find whom a request to be forgotten is about."""
    query = identity_query().where(identities.c.project_id == project_id)
    if provider:
        query = query.where(identities.c.provider == provider.strip().lower())
    if account:
        query = query.where(or_(identities.c.username.icontains(account, autoescape=True),
                                identities.c.display_name.icontains(account, autoescape=True)))
    with read_only(engine).connect() as conn:
        rows, total = fetch_page(conn, query, identities.c.created_at, identities.c.id, request)
    return Page(request, [identity_from_row(r) for r in rows], total)


def delete_identity(engine: Engine, project_id: int, token: str) -> Identity:
    """Forget the identity and its credentials; its publications stay, still naming it by token."""
    with engine.begin() as conn:
        identity = load_identity(conn, project_id, token)
        conn.execute(delete(identities).where(identities.c.id == identity.id))
    return identity
