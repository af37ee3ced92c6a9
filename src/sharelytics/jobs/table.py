"""What happens on each event: which task runs, and whether inline (in the caller's thread, now) or queued (on a
consumer, at once or at the event's `until`). The one place to read to know what is asynchronous."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sharelytics.core.snapshots import events


class Mode(Enum):
    INLINE = "inline"
    QUEUED = "queued"


@dataclass(frozen=True)
class Route:
    event: type
    task: str
    mode: Mode
    why: str


ROUTES: tuple[Route, ...] = (
    Route(events.SnapshotInitiated, "snapshots.build", Mode.QUEUED,
          "a build reads every network of every publication: never on the request"),
    Route(events.SnapshotDeferred, "snapshots.build", Mode.QUEUED,
          "at `until`: when a rate budget is spent, or another consumer's lease may have run out"),
    Route(events.SnapshotBuilt, "pingbacks.deliver", Mode.QUEUED,
          "an outbound call to the site, retried for up to 24 h"),
    Route(events.PingbackDeferred, "pingbacks.deliver", Mode.QUEUED, "the next attempt, at its backoff time"),
    Route(events.PingbackDelivered, "pingbacks.logged", Mode.INLINE, "a log line; the attempt is already recorded"),
    Route(events.PingbackAbandoned, "pingbacks.logged", Mode.INLINE, "a warning; the attempts stay recorded"),
)
# Not triggered by an event: `recovery.resume` runs inline when a consumer starts and queued every minute
# (periodic), re-queueing unfinished snapshots and due pingbacks whose task was lost with a killed process.


def routes_for(event: object) -> list[Route]:
    return [route for route in ROUTES if isinstance(event, route.event)]
