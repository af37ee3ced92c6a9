"""Snapshot builds: one task per snapshot, run again at `until` while publications wait for a rate budget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sharelytics.core.snapshots.build import build_snapshot

if TYPE_CHECKING:
    from sharelytics.jobs.runtime import Jobs


def register(jobs: "Jobs") -> None:
    def build(snapshot_id: int) -> None:
        jobs.dispatch(build_snapshot(jobs.builder(), snapshot_id))

    # huey's own retries cover what the build cannot (the database away): the build is idempotent.
    jobs.queued("snapshots.build", build, retries=5, retry_delay=10)
