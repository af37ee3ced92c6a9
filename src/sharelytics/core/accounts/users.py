"""Creating dashboard users and checking their passwords.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second recommendation); a hash made with
older parameters is upgraded on the next successful login. An unknown name costs one hash as well, so timing
does not tell which names exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update
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


def _user(row: object) -> DashboardUser:
    r = row._mapping  # type: ignore[attr-defined]
    return DashboardUser(r["id"], r["project_id"], r["username"], r["created_at"], r["last_login_at"])


def create_user(engine: Engine, project: Project, username: str, password: str) -> DashboardUser:
    if not USERNAME.fullmatch(username):
        raise AccountError("a user name is 1 to 64 letters, digits or . _ @ -")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    values = {"project_id": project.id, "username": username.lower(), "password_hash": _HASHER.hash(password),
              "created_at": utcnow()}
    try:
        with engine.begin() as conn:
            new_id = conn.execute(dashboard_users.insert().values(**values)).inserted_primary_key[0]  # type: ignore[index]
    except IntegrityError as exc:
        raise AccountError(f"the user name {username!r} is taken") from exc
    return DashboardUser(new_id, project.id, values["username"], values["created_at"], None)


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
    return _user(row)
