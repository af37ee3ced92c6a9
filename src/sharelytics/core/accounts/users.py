"""Creating dashboard users and checking their passwords.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second recommendation); a hash made with
older parameters is upgraded on the next successful login. An unknown name costs one hash as well, so timing
does not tell which names exist.

A dashboard session remembers its account's id and `stamp`, a digest of the stored hash: resetting the password
(a new salt, so a new hash) or deleting the account makes every existing session of it stop working.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from sharelytics.core.clock import utcnow
from sharelytics.core.projects.model import Project
from sharelytics.storage.tables_dashboard import dashboard_users

USERNAME = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; a bound keeps a hostile login form from costing memory
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("no such user: the same work as a real check")


class AccountError(ValueError):
    """A name or password that cannot be accepted, or a name already taken."""


@dataclass(frozen=True)
class DashboardUser:
    id: int
    project_id: int
    username: str
    created_at: datetime
    last_login_at: datetime | None
    stamp: str = ""  # what a session must still match (see stamp_of)


def stamp_of(password_hash: str) -> str:
    """A digest of the stored hash (never the hash itself, which goes nowhere near a cookie)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def _user(row: object, password_hash: str | None = None) -> DashboardUser:
    r = row._mapping  # type: ignore[attr-defined]
    return DashboardUser(r["id"], r["project_id"], r["username"], r["created_at"], r["last_login_at"],
                         stamp_of(password_hash or r["password_hash"]))


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")


def create_user(engine: Engine, project: Project, username: str, password: str) -> DashboardUser:
    if not USERNAME.fullmatch(username):
        raise AccountError("a user name is 1 to 64 letters, digits or . _ @ -")
    _check_password(password)
    values = {"project_id": project.id, "username": username.lower(), "password_hash": _HASHER.hash(password),
              "created_at": utcnow()}
    try:
        with engine.begin() as conn:
            new_id = conn.execute(dashboard_users.insert().values(**values)).inserted_primary_key[0]  # type: ignore[index]
    except IntegrityError as exc:
        raise AccountError(f"the user name {username!r} is taken") from exc
    return DashboardUser(new_id, project.id, values["username"], values["created_at"], None,
                         stamp_of(values["password_hash"]))


def _find(engine: Engine, project: Project, username: str) -> DashboardUser:
    with engine.connect() as conn:
        row = conn.execute(select(dashboard_users).where(dashboard_users.c.username == username.lower(),
                                                         dashboard_users.c.project_id == project.id)).first()
    if row is None:
        raise AccountError(f"no dashboard user {username!r} in project {project.name!r}")
    return _user(row)


def set_password(engine: Engine, project: Project, username: str, password: str) -> DashboardUser:
    """A new password for the user; their existing sessions stop working (the stored hash, so the stamp, changes)."""
    _check_password(password)
    user = _find(engine, project, username)
    password_hash = _HASHER.hash(password)
    with engine.begin() as conn:
        conn.execute(update(dashboard_users).where(dashboard_users.c.id == user.id)
                     .values(password_hash=password_hash))
    return DashboardUser(user.id, user.project_id, user.username, user.created_at, user.last_login_at,
                         stamp_of(password_hash))


def delete_user(engine: Engine, project: Project, username: str) -> DashboardUser:
    """Remove the account; its existing sessions stop working at their next request."""
    user = _find(engine, project, username)
    with engine.begin() as conn:
        conn.execute(delete(dashboard_users).where(dashboard_users.c.id == user.id))
    return user


def current_stamp(engine: Engine, user_id: int) -> str | None:
    """The stamp a session of this account must carry, or None once the account is gone."""
    with engine.connect() as conn:
        stored = conn.execute(select(dashboard_users.c.password_hash).where(dashboard_users.c.id == user_id)).scalar()
    return stamp_of(stored) if stored is not None else None


def list_users(engine: Engine, project: Project) -> list[DashboardUser]:
    with engine.connect() as conn:
        rows = conn.execute(select(dashboard_users).where(dashboard_users.c.project_id == project.id)
                            .order_by(dashboard_users.c.username)).all()
    return [_user(r) for r in rows]


def authenticate(engine: Engine, username: str, password: str) -> DashboardUser | None:
    """The user when the password is theirs, else None (same cost either way)."""
    if not username or len(username) > 64 or len(password) > MAX_PASSWORD:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(dashboard_users).where(dashboard_users.c.username == username.lower())).first()
    stored = row._mapping["password_hash"] if row is not None else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    changes: dict[str, object] = {"last_login_at": utcnow()}
    if _HASHER.check_needs_rehash(stored):
        changes["password_hash"] = _HASHER.hash(password)
    with engine.begin() as conn:
        conn.execute(update(dashboard_users).where(dashboard_users.c.id == row._mapping["id"]).values(**changes))
    return _user(row, changes.get("password_hash"))  # type: ignore[arg-type]
