"""Many independent creates in one transaction (group commit): each caller gets its own link or its own error.

One SQLite write transaction costs about as much as the insert it carries, and only one can run at a time, so
creates arriving together are written together (api/create_queue.py gathers them), one multi-row INSERT per
project, tool and domain. Nothing changes for a caller: its link is the one `create_link` would have made, and its
error the one `create_link` would have raised:
- a request that fails its checks (`check_new_link`: nothing written yet) gets that error and the others go on;
- if writing fails anyway (a database error, no free path), the transaction is rolled back and every request of
  the group is run alone, in its own transaction, so each gets exactly its own outcome;
- if the transaction itself cannot begin or commit, every request in it gets that error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import Connection, Engine

from sharelytics.core.links.create import NewLink, check_new_link, create_link, create_links_in
from sharelytics.core.links.domains import Domain
from sharelytics.core.links.model import Link, LinkError
from sharelytics.core.links.patterns import enabled_patterns
from sharelytics.core.links.tools import Tool
from sharelytics.core.projects.model import Project


@dataclass(frozen=True)
class CreateRequest:
    """One caller's link: for whom, with which tool, on which domain, and what."""

    project: Project
    tool: Tool
    domain: Domain
    item: NewLink


Outcome = Link | Exception


def _alone(engine: Engine, request: CreateRequest) -> Outcome:
    try:
        return create_link(engine, request.project, request.tool, request.domain, request.item)
    except Exception as exc:  # noqa: BLE001 - the caller's own answer, raised where it awaits
        return exc


def _write_group(conn: Connection, requests: Sequence[CreateRequest]) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(requests)
    targets: dict[tuple[int, int, int], list[int]] = {}  # (project, tool, domain) -> indexes of checked requests
    for index, request in enumerate(requests):
        try:
            check_new_link(conn, request.project, request.item)  # reads only: a failure leaves nothing to undo
        except LinkError as exc:
            outcomes[index] = exc
            continue
        targets.setdefault((request.project.id, request.tool.id, request.domain.id), []).append(index)
    patterns: dict[int, dict[str, str]] = {}
    for indexes in targets.values():
        first = requests[indexes[0]]
        if first.project.id not in patterns:
            patterns[first.project.id] = enabled_patterns(conn, first.project.id)
        made = create_links_in(conn, first.project, first.tool, first.domain,
                               [requests[index].item for index in indexes], patterns[first.project.id])
        for index, link in zip(indexes, made):
            outcomes[index] = link
    return [outcome for outcome in outcomes if outcome is not None]


def create_each(engine: Engine, requests: Sequence[CreateRequest]) -> list[Outcome]:
    """Each request's link, or the exception it alone would have raised, in the order given."""
    if len(requests) == 1:
        return [_alone(engine, requests[0])]
    writing = False
    try:
        with engine.begin() as conn:
            writing = True
            outcomes = _write_group(conn, requests)
            writing = False
    except Exception as exc:  # noqa: BLE001 - sorted out below
        if writing:  # whose failure it was is found by running each alone
            return [_alone(engine, request) for request in requests]
        # BEGIN or COMMIT failed (the database is locked past its timeout, or gone): a failure of the transaction
        # every request was in, which running them again one by one would only repeat, as many times.
        return [exc] * len(requests)
    return outcomes
