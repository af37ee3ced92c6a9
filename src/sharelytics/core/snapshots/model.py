"""Snapshot value objects (frozen, naive UTC). A snapshot is immutable once processed: what it says about each
publication was read once, stored, and is only ever read back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sharelytics.core.providers.model import Reactions

SnapshotStatus = Literal["scheduled", "processing", "processed"]
SCHEDULED: SnapshotStatus = "scheduled"  # initiated, no consumer has started it
PROCESSING: SnapshotStatus = "processing"  # a consumer is reading the networks (or will resume it)
PROCESSED: SnapshotStatus = "processed"  # finished; never changes again
UNFINISHED: tuple[SnapshotStatus, ...] = (SCHEDULED, PROCESSING)


@dataclass(frozen=True)
class MessageRef:
    """The message as it was when the snapshot was initiated."""

    message_token: str
    created_at: datetime
    last_published_at: datetime | None


@dataclass(frozen=True)
class SnapshotUrl:
    """One tracked URL of a publication, as posted."""

    link_id: int
    shorturl_token: str
    short_url: str
    original_url: str


@dataclass(frozen=True)
class UrlReferrals:
    """Clicks on one tracked URL when the publication was processed: humans are the referrals; bots and link
    previews are counted apart (an extension of the OneAll shape)."""

    target: str
    short_url: str
    num_referrals: int
    num_bot_referrals: int
    num_unfurler_referrals: int


@dataclass(frozen=True)
class PublicationOutcome:
    """How reading one publication ended: `success`/200, or `error` with a code saying why."""

    flag: str
    code: int
    info: str


@dataclass(frozen=True)
class PublicationResult:
    processed_at: datetime
    outcome: PublicationOutcome
    urls: tuple[UrlReferrals, ...]
    reactions: Reactions | None  # None when the network could not be read


@dataclass(frozen=True)
class SnapshotPublication:
    position: int
    provider: str
    user_token: str
    identity_token: str
    post_id: str
    published_at: datetime | None
    shorturls: tuple[SnapshotUrl, ...]
    result: PublicationResult | None = None  # None until processed


@dataclass(frozen=True)
class Snapshot:
    id: int
    project_id: int
    snapshot_token: str
    status: SnapshotStatus
    message: MessageRef
    pingback_uri: str | None
    initiated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    publications_total: int
    publications_done: int
    publications: tuple[SnapshotPublication, ...] = ()  # loaded for details of a processed snapshot

    @property
    def processed(self) -> bool:
        return self.status == PROCESSED


@dataclass(frozen=True)
class Initiated:
    """The answer to an initiate: the new snapshot, or (`already_pending`) the one still being built."""

    snapshot: Snapshot
    already_pending: bool


@dataclass(frozen=True)
class SnapshotFilter:
    user_token: str | None = None
    identity_token: str | None = None
