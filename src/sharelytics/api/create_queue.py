"""Group commit for single-link creates: requests that arrive while a transaction is being written wait for the
next one, which writes them all (core/links/group_commit.py); each request is answered after that commit.

One drain task per event loop takes whatever is waiting, writes it in one worker thread hop, hands every caller
its own link or error, and goes on until nothing waits. Under load that is one transaction, one thread hop and
one pattern read per group instead of per request; alone, a request is written at once, as before.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field

import anyio.to_thread
from sqlalchemy import Engine

from sharelytics.core.links.create import NewLink
from sharelytics.core.links.domains import Domain
from sharelytics.core.links.group_commit import CreateRequest, create_each
from sharelytics.core.links.model import Link
from sharelytics.core.links.tools import Tool
from sharelytics.core.projects.model import Project

MAX_GROUP = 256  # requests per transaction: bounds how long one group holds the database's write lock


@dataclass
class _Lane:
    """The requests waiting on one event loop, and the task writing them."""

    waiting: list[tuple[CreateRequest, asyncio.Future[Link]]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None


class CreateQueue:
    """`await queue.create(project, tool, domain, item)`: the link `create_link` would make, group-committed."""

    def __init__(self, engine: Engine, max_group: int = MAX_GROUP) -> None:
        self.engine = engine
        self.max_group = max_group
        # Per loop: futures belong to one loop (the test client may run several, one after another).
        self._lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Lane] = weakref.WeakKeyDictionary()

    async def create(self, project: Project, tool: Tool, domain: Domain, item: NewLink) -> Link:
        loop = asyncio.get_running_loop()
        lane = self._lanes.get(loop)
        if lane is None:
            lane = self._lanes[loop] = _Lane()
        future: asyncio.Future[Link] = loop.create_future()
        lane.waiting.append((CreateRequest(project, tool, domain, item), future))
        if lane.task is None:
            lane.task = loop.create_task(self._drain(lane))
        return await future

    async def _drain(self, lane: _Lane) -> None:
        try:
            while lane.waiting:
                group, lane.waiting = lane.waiting[: self.max_group], lane.waiting[self.max_group :]
                try:
                    outcomes = await anyio.to_thread.run_sync(create_each, self.engine, [r for r, _ in group])
                except BaseException as exc:  # cancelled with the loop, or a bug: no caller may wait forever
                    _fail(group + lane.waiting, exc if isinstance(exc, Exception) else RuntimeError("shutting down"))
                    lane.waiting = []
                    raise
                for (_, future), outcome in zip(group, outcomes):
                    if future.done():  # its caller went away; the link exists, as it would have without us
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            lane.task = None


def _fail(waiting: list[tuple[CreateRequest, asyncio.Future[Link]]], exc: Exception) -> None:
    for _, future in waiting:
        if not future.done():
            future.set_exception(exc)
