"""Many independent creates in one transaction (group commit): each caller gets its own link or its own error.

One SQLite write transaction costs about as much as the insert it carries, and only one can run at a time, so
creates arriving together are written together (api/create_queue.py gathers them). Nothing changes for a caller:
its link is the one `create_link` would have made, and its error the one `create_link` would have raised, because
a request that fails while writing is rolled back with the others and then run alone, and the others are redone
without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import Engine

from sharelytics.core.links import metadata as rules
from sharelytics.core.links.channels import service_for
from sharelytics.core.links.create import NewLink, create_link, create_links_in
from sharelytics.core.links.domains import Domain
from sharelytics.core.links.model import InvalidMetadata, Link
from sharelytics.core.links.patterns import enabled_patterns
from sharelytics.core.links.tools import Tool
from sharelytics.core.projects.model import Project

# Failures while writing before the rest of a group is run one request per transaction: each costs a rollback
# and a redo of the group, so a burst of bad requests must not make a group quadratic.
MAX_REDOS = 3


@dataclass(frozen=True)
class CreateRequest:
    """One caller's link: for whom, with which tool, on which domain, and what."""

    project: Project
    tool: Tool
    domain: Domain
    item: NewLink


Outcome = Link | Exception


def precheck(item: NewLink) -> None:
    """The checks that need no database, so a bad request fails before its group's transaction, alone."""
    rules.check_url(item.url)
    if not item.meta.channel:
        raise InvalidMetadata("channel is required", "channel")
    rules.normalise(item.meta, service_for(item.meta.channel))


def _alone(engine: Engine, request: CreateRequest) -> Outcome:
    try:
        return create_link(engine, request.project, request.tool, request.domain, request.item)
    except Exception as exc:  # noqa: BLE001 - the caller's own answer, raised where it awaits
        return exc


def _write(engine: Engine, requests: dict[int, CreateRequest], outcomes: dict[int, Outcome]) -> int | None:
    """Write the group in one transaction; on a failure, the index of the request that raised (nothing kept),
    or None when the transaction itself failed (every request shares that failure)."""
    current: int | None = None
    written: dict[int, Outcome] = {}
    try:
        with engine.begin() as conn:
            patterns: dict[int, dict[str, str]] = {}
            for current, request in requests.items():
                project = request.project
                if project.id not in patterns:
                    patterns[project.id] = enabled_patterns(conn, project.id)
                written[current] = create_links_in(conn, project, request.tool, request.domain, [request.item],
                                                   patterns[project.id])[0]
            current = None
    except Exception as exc:  # noqa: BLE001 - sorted out below: one request's failure, or the transaction's
        if current is not None:
            return current
        outcomes.update({index: exc for index in requests})
        return None
    outcomes.update(written)
    return None


def create_each(engine: Engine, requests: Sequence[CreateRequest]) -> list[Outcome]:
    """Each request's link, or the exception it alone would have raised, in the order given."""
    outcomes: dict[int, Outcome] = {}
    todo: dict[int, CreateRequest] = {}
    for index, request in enumerate(requests):
        try:
            precheck(request.item)
            todo[index] = request
        except Exception as exc:  # noqa: BLE001 - this request's own error
            outcomes[index] = exc
    redos = 0
    while todo:
        if redos >= MAX_REDOS:
            outcomes.update({index: _alone(engine, request) for index, request in todo.items()})
            break
        failed = _write(engine, todo, outcomes)
        if failed is None:
            break
        outcomes[failed] = _alone(engine, todo.pop(failed))
        redos += 1
    return [outcomes[index] for index in range(len(requests))]
