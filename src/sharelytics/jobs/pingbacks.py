"""Pingback deliveries: one attempt per task run; the next attempt is a task scheduled at its backoff time."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sharelytics.core.snapshots.deliver import deliver_pingback
from sharelytics.core.snapshots.events import PingbackAbandoned
from sharelytics.metrics import PINGBACKS

if TYPE_CHECKING:
    from sharelytics.jobs.runtime import Jobs

log = logging.getLogger("sharelytics.pingbacks")


def register(jobs: "Jobs") -> None:
    def deliver(delivery_id: int) -> None:
        jobs.dispatch(deliver_pingback(jobs.services.engine, delivery_id, jobs.delivery_policy()))

    def logged(event: Any) -> None:
        abandoned = isinstance(event, PingbackAbandoned)
        outcome = "abandoned" if abandoned else "delivered"
        PINGBACKS.labels(outcome).inc()
        fields = {"event": "pingback", "delivery_id": event.delivery_id, "outcome": outcome}
        if abandoned:
            log.warning("pingback %s given up after its retry window; the attempts are recorded", event.delivery_id,
                        extra=fields)
        else:
            log.info("pingback %s delivered", event.delivery_id, extra=fields)

    jobs.queued("pingbacks.deliver", deliver, retries=5, retry_delay=30)
    jobs.inline("pingbacks.logged", logged)
