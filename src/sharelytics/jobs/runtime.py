"""`Jobs`: the huey instance of this process with its tasks registered under explicit names and bound to the
Services, the dispatcher that follows `table.ROUTES`, and the consumer's start and stop."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any, Callable, Iterable

from huey import Huey
from huey.api import TaskWrapper

from sharelytics.core.clock import utcnow
from sharelytics.core.sharing.vault import CredentialVault
from sharelytics.core.snapshots.addresses import AllowList
from sharelytics.core.snapshots.build import Builder
from sharelytics.core.snapshots.deliver import DeliveryPolicy
from sharelytics.core.snapshots.finish import Render
from sharelytics.jobs.queue import ThreadConsumer, make_consumer, make_huey
from sharelytics.jobs.table import Mode, routes_for

if TYPE_CHECKING:
    from sharelytics.app import Services

log = logging.getLogger("sharelytics.jobs")
SHUTDOWN_TIMEOUT = 10.0  # a build still running after this resumes elsewhere once its lease runs out


class Jobs:
    def __init__(self, services: "Services", huey: Huey, render_pingback: Render) -> None:
        self.services = services
        self.huey = huey
        self.render_pingback = render_pingback
        self.owner = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.vault = CredentialVault(services.settings.secret)
        self._queued: dict[str, TaskWrapper] = {}
        self._inline: dict[str, Callable[[Any], None]] = {}
        self._consumer: ThreadConsumer | None = None

    # Registration (the task modules call these once, from `build_jobs`).
    def queued(self, name: str, fn: Callable[[int], None], **options: Any) -> None:
        self._queued[name] = self.huey.task(name=name, **options)(fn)

    def periodic(self, name: str, fn: Callable[[], None], when: Callable[..., bool]) -> None:
        self.huey.periodic_task(when, name=name)(fn)

    def inline(self, name: str, fn: Callable[[Any], None]) -> None:
        self._inline[name] = fn

    # What the tasks need, read when they run.
    def builder(self) -> Builder:
        settings = self.services.settings
        return Builder(self.services.engine, lambda: self.services.providers, self.vault, self.owner,
                       timedelta(seconds=settings.job_lease), settings.snapshot_parallel, self.render_pingback)

    def delivery_policy(self) -> DeliveryPolicy:
        s = self.services.settings
        return DeliveryPolicy(AllowList.parse(s.pingback_allow), s.pingback_timeout, s.pingback_retry_initial,
                              s.pingback_retry_window)

    # Dispatch.
    def dispatch(self, events: Iterable[object]) -> None:
        for event in events:
            for route in routes_for(event):
                if route.mode is Mode.INLINE:
                    self._inline[route.task](event)
                else:
                    self._enqueue(route.task, event)

    def _enqueue(self, name: str, event: object) -> None:
        arg = getattr(event, "snapshot_id", None) if name.startswith("snapshots.") else getattr(event, "delivery_id")
        until = getattr(event, "until", None)
        task = self._queued[name]
        if until is not None and until > utcnow():
            task.schedule(args=(arg,), eta=until.replace(tzinfo=UTC))  # aware: huey reads naive times as local
        else:
            task(arg)

    # The consumer.
    @property
    def consuming(self) -> bool:
        return self._consumer is not None

    def start(self) -> None:
        if self._consumer is not None:
            return
        self._inline["recovery.resume"](None)
        consumer = make_consumer(self.huey, self.services.settings.job_workers)
        consumer.shutdown_timeout = SHUTDOWN_TIMEOUT
        consumer.start()
        self._consumer = consumer
        log.info("job consumer %s started with %d threads", self.owner, self.services.settings.job_workers)

    def stop(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            consumer.stop(graceful=True)


def build_jobs(services: "Services", render_pingback: Render) -> Jobs:
    from sharelytics.jobs import pingbacks, recovery, snapshots
    from sharelytics.jobs.observe import observe

    jobs = Jobs(services, make_huey(services.settings), render_pingback)
    observe(jobs.huey)
    for family in (snapshots, pingbacks, recovery):
        family.register(jobs)
    return jobs
