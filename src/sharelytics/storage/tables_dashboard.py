"""Dashboard accounts: people who sign in to the dashboard with a name and a password instead of a project key.
Kept beside `tables.py` on the same MetaData (which imports this module)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from sharelytics.storage.tables import metadata
from sharelytics.storage.tables_snapshots import snapshots

dashboard_users = Table(
    "dashboard_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True),
    # Unique across projects: the login form asks for a name and a password, not for a project.
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id, in the PHC string format (parameters included)
    Column("created_at", DateTime, nullable=False),
    Column("last_login_at", DateTime, nullable=True),
)

# A message's snapshot history (dashboard) reads its snapshots by message token.
Index("ix_snapshots_project_message", snapshots.c.project_id, snapshots.c.message_token)
