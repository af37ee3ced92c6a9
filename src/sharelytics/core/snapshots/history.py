"""A message's snapshots over time, each summed per network: how reactions and referrals grew between builds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, select

from sharelytics.core.snapshots.model import Snapshot, SnapshotPublication
from sharelytics.core.snapshots.store import load_snapshot
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables_snapshots import snapshots

MAX_HISTORY = 100


@dataclass
class NetworkTotals:
    """One network's sums over the publications of one snapshot."""

    provider: str
    publications: int = 0
    failed: int = 0
    likes: int = 0
    comments: int = 0
    reposts: int = 0
    quotes: int = 0
    referrals: int = 0
    bot_referrals: int = 0
    unfurler_referrals: int = 0

    @property
    def reactions(self) -> int:
        return self.likes + self.comments + self.reposts + self.quotes


@dataclass
class SnapshotSummary:
    snapshot: Snapshot
    networks: dict[str, NetworkTotals] = field(default_factory=dict)

    @property
    def at(self) -> datetime:
        return self.snapshot.finished_at or self.snapshot.initiated_at


def _count(listed: int, reported: int | None) -> int:
    # The network's own counter can exceed what it lists (private accounts, paging); take the larger.
    return max(listed, reported or 0)


def _add(totals: NetworkTotals, publication: SnapshotPublication) -> None:
    totals.publications += 1
    result = publication.result
    if result is None or result.reactions is None:
        totals.failed += result is not None
        return
    r = result.reactions
    totals.likes += _count(len(r.likes), r.like_count)
    totals.comments += _count(len(r.comments), r.comment_count)
    totals.reposts += _count(len(r.reposts), r.repost_count)
    totals.quotes += _count(len(r.quotes), r.quote_count)
    for url in result.urls:
        totals.referrals += url.num_referrals
        totals.bot_referrals += url.num_bot_referrals
        totals.unfurler_referrals += url.num_unfurler_referrals


def summarize(snapshot: Snapshot) -> SnapshotSummary:
    summary = SnapshotSummary(snapshot)
    for publication in snapshot.publications:
        _add(summary.networks.setdefault(publication.provider, NetworkTotals(publication.provider)), publication)
    return summary


def message_history(engine: Engine, project_id: int, message_token: str, limit: int = MAX_HISTORY) -> list[SnapshotSummary]:
    """The message's processed snapshots, oldest first, each summed per network."""
    query = (select(snapshots).where(snapshots.c.project_id == project_id,
                                     snapshots.c.message_token == message_token.lower(),
                                     snapshots.c.status == "processed")
             .order_by(snapshots.c.initiated_at.desc(), snapshots.c.id.desc()).limit(limit))
    with read_only(engine).connect() as conn:
        rows = conn.execute(query).mappings().all()
        found = [load_snapshot(conn, row, with_publications=True) for row in rows]
    return [summarize(s) for s in reversed(found)]
