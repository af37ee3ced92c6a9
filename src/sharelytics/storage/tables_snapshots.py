"""Snapshot tables: snapshots, the publications each one covers (with per-publication progress and results), and
pingback deliveries with every attempt. Kept beside `tables.py` on the same MetaData (which imports this module), so
`metadata.sorted_tables` and the migrations see one schema."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Table, Text

from sharelytics.storage.tables import metadata

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    # SET NULL: a snapshot is a record of what was; it outlives its message (the message fields are copied below).
    Column("message_id", Integer, ForeignKey("sharing_messages.id", ondelete="SET NULL"), nullable=True),
    Column("snapshot_token", String(36), nullable=False, unique=True),
    Column("message_token", String(36), nullable=False),
    Column("message_created_at", DateTime, nullable=False),
    Column("message_last_published_at", DateTime, nullable=True),
    Column("status", String(16), nullable=False),  # scheduled | processing | processed
    # The message id while the snapshot is not processed, NULL after: the unique constraint is the one-pending rule
    # (NULLs never collide, on SQLite as on PostgreSQL), so two concurrent initiates cannot both win.
    Column("pending_message_id", Integer, nullable=True, unique=True),
    Column("pingback_uri", Text, nullable=True),
    Column("publications_total", Integer, nullable=False),
    Column("initiated_at", DateTime, nullable=False),
    Column("started_at", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
    # Which consumer is building it and until when (renewed as it works); an expired lease may be taken over.
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", DateTime, nullable=True),
    # When a deferred build is scheduled to run again (rate budgets): recovery leaves such snapshots to their task.
    Column("wake_at", DateTime, nullable=True),
    Index("ix_snapshots_project_initiated", "project_id", "initiated_at"),
    Index("ix_snapshots_status", "status"),
)

snapshot_publications = Table(
    "snapshot_publications",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("publication_id", Integer, ForeignKey("publications.id", ondelete="SET NULL"), nullable=True),
    Column("identity_id", Integer, ForeignKey("oneall_identities.id", ondelete="SET NULL"), nullable=True),
    # Copied when the snapshot is initiated: what was published where, even if the message goes later.
    Column("provider", String(64), nullable=False),
    Column("user_token", String(36), nullable=False),
    Column("identity_token", String(36), nullable=False),
    Column("post_id", String(400), nullable=False),
    Column("published_at", DateTime, nullable=True),
    Column("shorturls", Text, nullable=False),  # JSON [{link_id, shorturl_token, short_url, original_url}]
    Column("state", String(8), nullable=False),  # pending | done
    Column("not_before", DateTime, nullable=True),  # a rate-limited read waits until then
    Column("attempts", SmallInteger, nullable=False, default=0),
    Column("processed_at", DateTime, nullable=True),
    Column("status_flag", String(16), nullable=True),  # success | error, once done
    Column("status_code", SmallInteger, nullable=True),
    Column("status_info", Text, nullable=True),
    Column("result", Text, nullable=True),  # JSON: referrals per URL and the reactions read, once done
    Index("ix_snapshot_publications_state", "snapshot_id", "state"),
    Index("ix_snapshot_publications_user", "user_token"),
    Index("ix_snapshot_publications_identity", "identity_token"),
)

pingback_deliveries = Table(
    "pingback_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_token", String(36), nullable=False, unique=True),  # sent as a header: receivers deduplicate
    # One delivery per snapshot: finishing a snapshot twice cannot announce it twice.
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("body", Text, nullable=False),  # the exact JSON posted on every attempt
    Column("state", String(12), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", DateTime, nullable=False),
    Column("next_attempt_at", DateTime, nullable=True),
    Column("lease_until", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
    Index("ix_pingback_deliveries_state", "state", "next_attempt_at"),
)

pingback_attempts = Table(
    "pingback_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", Integer, ForeignKey("pingback_deliveries.id", ondelete="CASCADE"), nullable=False),
    Column("attempted_at", DateTime, nullable=False),
    Column("status_code", SmallInteger, nullable=True),  # NULL: no HTTP answer (see error)
    Column("error", Text, nullable=True),
    Column("duration_ms", BigInteger, nullable=False),
    Index("ix_pingback_attempts_delivery", "delivery_id"),
)

__all__ = ["snapshots", "snapshot_publications", "pingback_deliveries", "pingback_attempts"]
