"""Users: imported with an identity on a network (the credentials are checked with the network first), listed,
read with their identities, deleted with them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from sharelytics.core.clock import utcnow
from sharelytics.core.providers.model import AccountInfo, Credentials
from sharelytics.core.sharing.errors import UserNotFound
from sharelytics.core.sharing.identities import identities_of_users, load_identity
from sharelytics.core.sharing.model import Identity, User
from sharelytics.core.sharing.pages import Page, PageRequest, fetch_page
from sharelytics.core.sharing.tokens import is_token, new_token
from sharelytics.core.sharing.vault import CredentialVault
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables import oneall_identities as identities
from sharelytics.storage.tables import oneall_users as users


@dataclass(frozen=True)
class Imported:
    user: User
    identity: Identity
    created: bool  # a new identity (False: a known account whose credentials and profile were refreshed)


def user_from_row(row: Mapping[str, Any], found: tuple[Identity, ...] = ()) -> User:
    return User(id=row["id"], user_token=row["user_token"], created_at=row["created_at"],
                updated_at=row["updated_at"], identities=found)


def _user_row(conn: Connection, project_id: int, token: str) -> Mapping[str, Any]:
    row = None
    if is_token(token):
        query = select(users).where(users.c.project_id == project_id, users.c.user_token == token.lower())
        row = conn.execute(query).mappings().first()
    if row is None:
        raise UserNotFound(f"there is no user with the token {token[:64]!r}", "user_token")
    return row


def load_user(conn: Connection, project_id: int, token: str) -> User:
    row = _user_row(conn, project_id, token)
    return user_from_row(row, tuple(identities_of_users(conn, [row["id"]]).get(row["id"], [])))


def get_user(engine: Engine, project_id: int, token: str) -> User:
    with read_only(engine).connect() as conn:
        return load_user(conn, project_id, token)


def list_users(engine: Engine, project_id: int, request: PageRequest) -> Page[User]:
    with read_only(engine).connect() as conn:
        rows, total = fetch_page(conn, select(users).where(users.c.project_id == project_id), users.c.created_at,
                                 users.c.id, request)
        found = identities_of_users(conn, [r["id"] for r in rows])
    return Page(request, [user_from_row(r, tuple(found.get(r["id"], []))) for r in rows], total)


def delete_user(engine: Engine, project_id: int, token: str) -> User:
    """The user and every identity (and sealed credentials) go; publications stay, naming them by token."""
    with engine.begin() as conn:
        user = load_user(conn, project_id, token)
        conn.execute(delete(users).where(users.c.id == user.id))
    return user


def provider_uid(credentials: Credentials, account: AccountInfo) -> str:
    return f"{credentials.base_url}#{account.account_id}"


def _profile(account: AccountInfo, sealed: str) -> dict[str, Any]:
    return {"username": account.username[:255], "display_name": account.display_name[:255],
            "profile_url": account.profile_url, "followers_count": account.followers_count,
            "credentials": sealed, "updated_at": utcnow()}


def _target_user(conn: Connection, project_id: int, user_token: str | None) -> int:
    if user_token is not None:
        return int(_user_row(conn, project_id, user_token)["id"])
    now = utcnow()
    return int(conn.execute(users.insert().values(project_id=project_id, user_token=new_token(), created_at=now,
                                                  updated_at=now)).inserted_primary_key[0])


def store_identity(engine: Engine, vault: CredentialVault, project_id: int, credentials: Credentials,
                   account: AccountInfo, user_token: str | None = None) -> Imported:
    """Record a checked account: a known account (same network, server and account id) keeps its token and gets
    the new credentials and profile (and moves to `user_token` when one is given); a new one gets a new identity,
    under `user_token` or under a new user."""
    uid = provider_uid(credentials, account)
    values = _profile(account, vault.seal(credentials))
    with engine.begin() as conn:
        existing = conn.execute(select(identities.c.id, identities.c.identity_token, identities.c.user_id).where(
            identities.c.project_id == project_id, identities.c.provider == credentials.provider,
            identities.c.provider_uid == uid)).first()
        if existing is not None:
            user_id = _target_user(conn, project_id, user_token) if user_token else existing.user_id
            conn.execute(update(identities).where(identities.c.id == existing.id).values(user_id=user_id, **values))
            token, created = existing.identity_token, False
        else:
            user_id, token, created = _target_user(conn, project_id, user_token), new_token(), True
            conn.execute(identities.insert().values(project_id=project_id, user_id=user_id, identity_token=token,
                                                    provider=credentials.provider, provider_uid=uid[:400],
                                                    created_at=values["updated_at"], **values))
        conn.execute(update(users).where(users.c.id == user_id).values(updated_at=values["updated_at"]))
        identity = load_identity(conn, project_id, token)
        return Imported(load_user(conn, project_id, identity.user_token), identity, created)
