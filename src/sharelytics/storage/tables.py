"""Every table, in SQLAlchemy Core. Times are naive UTC. Migrations in storage/migrations mirror this module."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BigInteger ids that are still SQLite rowids (SQLite only autoincrements INTEGER PRIMARY KEY).
BigId = BigInteger().with_variant(Integer(), "sqlite")

projects = Table(
    "projects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("awesm_key_hash", String(64), nullable=False, unique=True),
    Column("oneall_subdomain", String(100), nullable=False, unique=True),
    Column("oneall_public_key", String(64), nullable=False, unique=True),
    Column("oneall_private_key_hash", String(64), nullable=False),
    Column("redirect_status", SmallInteger, nullable=False, default=302),
    Column("privacy_mode", String(16), nullable=False, default="truncated"),
    Column("default_domain_id", Integer, nullable=True),
    Column("create_rate_limit", Integer, nullable=True),
    Column("conversions_enabled", Boolean, nullable=False, default=False),
    Column("conversion_domains", Text, nullable=False, default="[]"),
    Column("created_at", DateTime, nullable=False),
)

domains = Table(
    "domains",
    metadata,
    Column("id", Integer, primary_key=True),
    # NULL project: a shared domain every project may create links on (the service's default domain).
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=True),
    Column("hostname", String(255), nullable=False),  # as given, case kept: "CuteOn.Me", "dom.ai/n"
    Column("host_key", String(255), nullable=False, unique=True),  # lower-cased, for lookup by Host
    Column("scheme", String(5), nullable=False, default="http"),
    Column("root_redirect", Text, nullable=True),
    Column("not_found_redirect", Text, nullable=True),
    Column("created_at", DateTime, nullable=False),
)

applications = Table(
    "applications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("label", String(200), nullable=False),
    UniqueConstraint("project_id", "label", name="uq_applications_project_label"),
)

tools = Table(
    "tools",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("application_id", Integer, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(6), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("label", String(401), nullable=False),
    UniqueConstraint("project_id", "label", name="uq_tools_project_label"),
)

redirection_patterns = Table(
    "redirection_patterns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("hostname", String(255), nullable=False),  # hostname of original_url, lower case; "*" for any
    Column("pattern", Text, nullable=False),
    Column("enabled", Boolean, nullable=False, default=True),
    UniqueConstraint("project_id", "hostname", name="uq_redirection_patterns_project_hostname"),
)

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("campaign", String(255), nullable=False),
    Column("name", Text, nullable=True),
    Column("description", Text, nullable=True),
    UniqueConstraint("project_id", "campaign", name="uq_campaigns_project_campaign"),
)

sharers = Table(  # awe.sm user_id metadata, stored once per project and user_id
    "sharers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(255), nullable=False),
    Column("username", Text, nullable=True),
    Column("profile_url", Text, nullable=True),
    Column("icon_url", Text, nullable=True),
    UniqueConstraint("project_id", "user_id", name="uq_sharers_project_user_id"),
)

# What cached redirects must learn of, from whichever process made it (core/links/changes.py): a link deleted, a
# project's settings changed, a domain added or changed. Rows live a day; pollers read the last minutes.
redirect_changes = Table(
    "redirect_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),  # link | project | domain
    Column("subject", String(300), nullable=False),  # an awesm_id, a project id, a domain's host key
    Column("changed_at", DateTime, nullable=False),
    Index("ix_redirect_changes_changed_at", "changed_at"),
)

links = Table(
    "links",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("domain_id", Integer, ForeignKey("domains.id"), nullable=False),
    Column("path", String(64), nullable=False),
    Column("awesm_id", String(330), nullable=False, unique=True),
    Column("original_url", Text, nullable=False),
    Column("redirect_url", Text, nullable=False),
    # redirect_url with click-time placeholders left in (NULL when nothing is filled per click).
    Column("redirect_template", Text, nullable=True),
    Column("channel", String(100), nullable=False),
    Column("service", String(100), nullable=False),
    Column("tool_id", Integer, ForeignKey("tools.id"), nullable=True),
    Column("tool", String(401), nullable=False),
    Column("application", String(200), nullable=False),
    Column("parent", String(330), nullable=True),
    Column("sharer_id", String(255), nullable=True),
    Column("service_userid", String(255), nullable=True),
    Column("service_postid", String(255), nullable=True),
    Column("service_postid_shared_at", DateTime, nullable=True),
    Column("service_postid_reach", BigInteger, nullable=True),
    Column("campaign", String(255), nullable=True),
    Column("user_id", String(255), nullable=True),
    Column("tag", String(255), nullable=True),
    Column("notes", String(256), nullable=True),
    Column("static_key", String(64), nullable=True),  # hash of the metadata url/static matches on
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=True),
    UniqueConstraint("domain_id", "path", name="uq_links_domain_path"),
    Index("ix_links_project_created", "project_id", "created_at"),
    Index("ix_links_project_static", "project_id", "static_key"),
    # Stats: shares of a range per channel / tag / campaign read from the index alone (core/stats/shares.py).
    Index("ix_links_project_created_dims", "project_id", "created_at", "channel", "tag", "campaign",
          "service_postid_shared_at"),
    # Stats totals: links shared in a range (service_postid_shared_at wins over created_at, core/stats/shares.py).
    Index("ix_links_project_shared", "project_id", "service_postid_shared_at"),
    # A link's share tree (dashboard link page, the parent filter). Not led by project_id: the planner would
    # then take it for every project-wide scan of links; awesm_ids are unique, so parent alone is selective.
    Index("ix_links_parent", "parent"),
)

# Append-only: one row per click, written by the click writer from the journal (never on the request path).
clicks = Table(
    "clicks",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("click_id", String(32), nullable=False, unique=True),  # makes journal replays idempotent
    # No foreign key: it would want an index led by link_id, a page per clicked link for every batch. A deleted
    # link's clicks are deleted by core/clicks/history.py; the writer drops clicks of links that are gone.
    Column("link_id", BigId, nullable=False),
    Column("project_id", Integer, nullable=False),
    Column("clicked_at", DateTime, nullable=False),
    Column("hour", DateTime, nullable=False),  # clicked_at's hour: leads the per-link index
    Column("kind", String(8), nullable=False),  # human | bot | unfurler
    Column("agent_name", String(100), nullable=True),  # which bot or unfurler
    Column("ip", String(64), nullable=True),  # after the project's privacy mode
    Column("country", String(2), nullable=True),
    Column("referrer", Text, nullable=True),
    Column("referrer_host", String(255), nullable=True),
    Column("browser", String(100), nullable=True),
    Column("os", String(100), nullable=True),
    Column("device", String(100), nullable=True),
    Column("accept_language", String(100), nullable=True),
    Column("user_agent", Text, nullable=True),
    # Led by the hour, so a batch appends to the index's last pages instead of one page per link: a link's clicks
    # are read hour by hour, the hours listed from its rollups (core/clicks/history.py). No (project, time) index:
    # nothing reads clicks by project, and every index costs the writer per click.
    Index("ix_clicks_hour_link", "hour", "link_id"),
)

# The per-link rollups are keyed time first (project, hour, link): the writer's batch adds to the last hours' rows,
# a few hundred pages, instead of a page per clicked link per table (ADR 2026-11-23-click-storage-keyed-time-first).
# A range of a project is one index range; a few links' rows are read by enumerating the range's hours or
# days (core/clicks/history.py). No foreign key to links (it would want an index led by link_id): a deleted link's
# rows are deleted by history.py.

# Hourly rollups, filled in the same transaction as the clicks they count.
click_hours = Table(
    "click_hours",
    metadata,
    Column("project_id", Integer, primary_key=True),
    Column("hour", DateTime, primary_key=True),
    Column("link_id", BigId, primary_key=True, autoincrement=False),
    Column("humans", Integer, nullable=False, default=0),
    Column("bots", Integer, nullable=False, default=0),
    Column("unfurlers", Integer, nullable=False, default=0),
    Column("uniques", Integer, nullable=False, default=0),  # human clicks that were a visitor's first on the link
    sqlite_with_rowid=False,
)

# Hourly counts per combination of click dimensions ("" where unknown), for filters and group_by on them. About one
# row per click, so it is keyed by its cell alone (on SQLite a WITHOUT ROWID table: one B-tree to update, not three).
click_facets = Table(
    "click_facets",
    metadata,
    Column("project_id", Integer, primary_key=True),
    Column("hour", DateTime, primary_key=True),
    Column("link_id", BigId, primary_key=True, autoincrement=False),
    Column("kind", String(8), primary_key=True),
    Column("country", String(2), primary_key=True),
    Column("referrer_host", String(255), primary_key=True),
    Column("browser", String(100), primary_key=True),
    Column("os", String(100), primary_key=True),
    Column("device", String(100), primary_key=True),
    Column("clicks", Integer, nullable=False, default=0),
    Column("uniques", Integer, nullable=False, default=0),
    sqlite_with_rowid=False,
)

# --- Rollups for stats. Filled by the click writer in the same transaction as the clicks they count. ---

_COUNTS = ("humans", "bots", "unfurlers", "uniques")


def _count_columns() -> list[Column]:  # type: ignore[type-arg]
    return [Column(name, Integer, nullable=False, default=0) for name in _COUNTS]


# Per link per UTC day: whole days of a range are read here, the edge hours from click_hours.
click_days = Table(
    "click_days",
    metadata,
    Column("project_id", Integer, primary_key=True),
    Column("day", DateTime, primary_key=True),
    Column("link_id", BigId, primary_key=True, autoincrement=False),
    *_count_columns(),
    sqlite_with_rowid=False,
)

# Per link, all time: totals, batch and single-link stats without summing hours.
link_totals = Table(
    "link_totals",
    metadata,
    Column("link_id", BigId, ForeignKey("links.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", Integer, nullable=False),
    *_count_columns(),
    Column("first_clicked_at", DateTime, nullable=True),
    Column("last_clicked_at", DateTime, nullable=True),
    Column("last_human_at", DateTime, nullable=True),  # OneAll's date_last_referral
)

# A visitor's first click on a link: unique clicks are the clicks that inserted a row here (additive over time).
link_visitors = Table(
    "link_visitors",
    metadata,
    Column("link_id", BigId, ForeignKey("links.id", ondelete="CASCADE"), primary_key=True),
    Column("visitor", String(32), primary_key=True),  # keyed hash of IP and user agent, never the IP
    sqlite_with_rowid=False,
)

CUBE_COLUMNS = ("channel", "service", "tool", "application", "campaign", "domain", "tag")
# The click dimensions the project-level stat rollups keep (click_facets keeps them per link as well).
STAT_CLICK_COLUMNS = ("country", "referrer_host", "browser", "os", "device")
STAT_DIMENSIONS = CUBE_COLUMNS + STAT_CLICK_COLUMNS


def _stats(name: str, time_column: str) -> Table:
    """Project-level counts per time and per one or two dimension values: a = b = "" is the project's total,
    b = "" a single dimension (a = "channel", av = "twitter"), else a pair (a before b in STAT_DIMENSIONS order).
    "" is also the value "none". Keyed dimension-first, so one dimension's rows of a period are one index range
    (on SQLite a WITHOUT ROWID table: the key is the table, one B-tree for the writer and the readers)."""
    return Table(
        name,
        metadata,
        Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
        Column("a", String(20), primary_key=True),
        Column("b", String(20), primary_key=True),
        Column(time_column, DateTime, primary_key=True),
        Column("av", String(401), primary_key=True),
        Column("bv", String(401), primary_key=True),
        *_count_columns(),
        sqlite_with_rowid=False,
    )


stat_hours = _stats("stat_hours", "hour")  # the total and single dimensions only
stat_days = _stats("stat_days", "day")  # the total, single dimensions and pairs


def _shares(name: str, time_column: str) -> Table:
    """Links shared per project, time base, time and one or two link dimension values (a, b, av, bv as in
    stat_hours). Each link counts twice, once per time base: `basis` "created" at its created_at (range
    questions), "shared" at coalesce(service_postid_shared_at, created_at) (totals questions). `latest` is the
    greatest coalesce(service_postid_shared_at, created_at) of the cell's links (sort_type=shared_at)."""
    return Table(
        name,
        metadata,
        Column("id", BigId, primary_key=True),
        Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        Column("basis", String(7), nullable=False),
        Column("a", String(20), nullable=False),
        Column("b", String(20), nullable=False),
        Column(time_column, DateTime, nullable=False),
        Column("av", String(401), nullable=False),
        Column("bv", String(401), nullable=False),
        Column("links", Integer, nullable=False, default=0),
        Column("latest", DateTime, nullable=True),
        UniqueConstraint("project_id", "basis", "a", "b", time_column, "av", "bv", name=f"uq_{name}_cell"),
    )


# Kept by every path that creates, updates or deletes a link (core/stats/share_rollup.py).
share_hours = _shares("share_hours", "hour")  # the total and single link dimensions
share_days = _shares("share_days", "day")  # the total, single link dimensions and the link pairs of stat_days

# --- Conversions (awe.sm conversions/new): one row each, plus hourly counts and values per link and type. ---

conversions = Table(
    "conversions",
    metadata,
    Column("id", String(36), primary_key=True),  # UUID, returned as the conversion's id
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("link_id", BigId, ForeignKey("links.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(10), nullable=False),  # pageview | goal_1 .. goal_10
    Column("value", BigInteger, nullable=False, default=0),  # integer, cents recommended
    Column("converted_at", DateTime, nullable=False),
    Column("account_conversionid", String(50), nullable=True),
    Column("account_userid", String(50), nullable=True),
    Column("ip", String(64), nullable=True),  # after the project's privacy mode
    Column("language", String(100), nullable=True),
    Column("referrer", Text, nullable=True),
    Column("user_agent", Text, nullable=True),
    Column("href", Text, nullable=True),
    Column("session_id", String(100), nullable=True),
    Column("clicker_id", String(100), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_conversions_link_time", "link_id", "converted_at"),
    Index("ix_conversions_project_time", "project_id", "converted_at"),
)

conversion_hours = Table(
    "conversion_hours",
    metadata,
    Column("link_id", BigId, ForeignKey("links.id", ondelete="CASCADE"), primary_key=True),
    Column("hour", DateTime, primary_key=True),
    Column("type", String(10), primary_key=True),
    Column("project_id", Integer, nullable=False),
    Column("conversions", Integer, nullable=False, default=0),
    Column("value", BigInteger, nullable=False, default=0),
    Index("ix_conversion_hours_project_hour", "project_id", "hour"),
)

# --- OneAll sharing: users, their identities on the networks, messages and their publications. ---

oneall_users = Table(
    "oneall_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("user_token", String(36), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_oneall_users_project_created", "project_id", "created_at"),
)

oneall_identities = Table(
    "oneall_identities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("oneall_users.id", ondelete="CASCADE"), nullable=False),
    Column("identity_token", String(36), nullable=False, unique=True),
    Column("provider", String(64), nullable=False),
    # The account on its network: `<base URL>#<account id>`, so the same id on two instances stays apart.
    Column("provider_uid", String(400), nullable=False),
    Column("username", String(255), nullable=False),
    Column("display_name", String(255), nullable=False),
    Column("profile_url", Text, nullable=False),
    Column("followers_count", BigInteger, nullable=True),
    Column("credentials", Text, nullable=False),  # Fernet token under the server secret, never returned
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("project_id", "provider", "provider_uid", name="uq_oneall_identities_account"),
    Index("ix_oneall_identities_user", "user_id"),
    Index("ix_oneall_identities_project_created", "project_id", "created_at"),
)

sharing_messages = Table(
    "sharing_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("message_token", String(36), nullable=False, unique=True),
    Column("parts", Text, nullable=False),  # JSON, as stored for re-publishing
    Column("enable_tracking", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_published_at", DateTime, nullable=True),
    Index("ix_sharing_messages_project_created", "project_id", "created_at"),
)

# One row per publish or re-publish request, keyed by the client's Idempotency-Key or the request's fingerprint:
# a repeated request finds its earlier publications instead of posting again.
sharing_requests = Table(
    "sharing_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("request_key", String(64), nullable=False),
    Column("message_id", Integer, ForeignKey("sharing_messages.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("project_id", "request_key", name="uq_sharing_requests_project_key"),
)

publications = Table(
    "publications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", Integer, ForeignKey("sharing_messages.id", ondelete="CASCADE"), nullable=False),
    Column("request_id", Integer, ForeignKey("sharing_requests.id", ondelete="SET NULL"), nullable=True),
    Column("publication_token", String(36), nullable=False, unique=True),  # the idempotency key sent to the network
    Column("identity_id", Integer, ForeignKey("oneall_identities.id", ondelete="SET NULL"), nullable=True),
    # Kept as text so a publication still says who and where after its identity is deleted.
    Column("user_token", String(36), nullable=False),
    Column("identity_token", String(36), nullable=False),
    Column("provider", String(64), nullable=False),
    Column("status_flag", String(16), nullable=False),  # pending | success | error
    Column("status_code", SmallInteger, nullable=False),
    Column("status_message", Text, nullable=False),
    Column("post_id", String(400), nullable=True),
    Column("post_url", Text, nullable=True),
    Column("reach", BigInteger, nullable=True),
    Column("published_at", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_publications_message", "message_id"),
)

# The tracked short links of a publication, in the order their URLs appear in the message.
publication_links = Table(
    "publication_links",
    metadata,
    Column("publication_id", Integer, ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("link_id", BigId, ForeignKey("links.id", ondelete="CASCADE"), nullable=False),
    Column("original_url", Text, nullable=False),
    Index("ix_publication_links_link", "link_id"),
)

# The snapshot tables live in their own module on this MetaData; importing it here keeps one schema.
from sharelytics.storage import tables_snapshots as _tables_snapshots  # noqa: E402,F401
from sharelytics.storage import tables_dashboard as _tables_dashboard  # noqa: E402,F401
