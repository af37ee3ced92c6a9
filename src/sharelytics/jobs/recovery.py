"""Re-queueing lost work: inline when a consumer starts, then every minute."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from huey import crontab

from sharelytics.core.snapshots.recover import lost_work

if TYPE_CHECKING:
    from sharelytics.jobs.runtime import Jobs


def register(jobs: "Jobs") -> None:
    def at_start(_event: Any) -> None:
        jobs.dispatch(lost_work(jobs.services.engine, at_start=True))

    def every_minute() -> None:
        jobs.dispatch(lost_work(jobs.services.engine, at_start=False))

    jobs.inline("recovery.resume", at_start)
    jobs.periodic("recovery.resume", every_minute, crontab(minute="*"))
