"""Publishing a message (new, or again with its stored parts) to identities' networks.

1. One transaction claims the request (its key: the client's Idempotency-Key or the request's fingerprint), stores
   the message and one pending publication per identity, and makes the tracked links each publication needs.
2. The publications go out concurrently (bounded), each through its provider adapter with the publication's token
   as idempotency key: a retry of the same request re-sends only what has not succeeded, under the same keys, so
   the networks never show a post twice.
3. One transaction records each outcome, the post ids on the tracked links, and the message's publishing date.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError

from sharelytics.core.clock import utcnow
from sharelytics.core.links.domains import Domain, domain_for_create
from sharelytics.core.links.tools import Tool
from sharelytics.core.projects.model import Project
from sharelytics.core.providers.model import Published
from sharelytics.core.sharing.context import SharingContext
from sharelytics.core.sharing.errors import NothingToPublishTo
from sharelytics.core.sharing.identities import (
    identity_from_row,
    identity_query,
    load_identity,
    sealed_credentials,
)
from sharelytics.core.sharing.messages import (
    insert_message,
    insert_publication,
    load_message,
    mark_published,
    message_row,
)
from sharelytics.core.sharing.model import (
    Identity,
    Message,
    PublicationStatus,
    TrackedUrl,
)
from sharelytics.core.sharing.outcomes import (
    SUCCESS,
    failure_status,
    missing_identity_status,
)
from sharelytics.core.sharing.parts import MessageParts
from sharelytics.core.sharing.tracking import (
    record_post,
    sharing_tool,
    track_publication,
)
from sharelytics.core.sharing.users import load_user
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables import (
    oneall_identities,
    publications,
    sharing_messages,
    sharing_requests,
)

log = logging.getLogger("sharelytics.sharing")


@dataclass(frozen=True)
class Target:
    """Either a user and provider keys (every identity of the user on those networks), or one identity."""

    user_token: str | None = None
    providers: tuple[str, ...] = ()
    identity_token: str | None = None


@dataclass(frozen=True)
class PublishRequest:
    target: Target
    request_key: str  # 64 hex characters: the same key within the window is the same request
    replay_window: timedelta
    parts: MessageParts | None = None  # None when re-publishing: the stored parts are reused


@dataclass(frozen=True)
class Outcome:
    message: Message  # with this request's publications only
    replayed: bool

    @property
    def all_published(self) -> bool:
        return all(p.status.flag == "success" for p in self.message.publications)


@dataclass(frozen=True)
class _Job:
    publication_id: int
    token: str
    identity: Identity | None
    sealed: str | None
    urls: tuple[TrackedUrl, ...]


@dataclass(frozen=True)
class _Claim:
    message_id: int
    message_token: str
    request_id: int
    replayed: bool
    jobs: tuple[_Job, ...]


@dataclass(frozen=True)
class _Result:
    job: _Job
    status: PublicationStatus
    published: Published | None = None


def publish_message(ctx: SharingContext, project: Project, request: PublishRequest) -> Outcome:
    assert request.parts is not None
    return _publish(ctx, project, None, request.parts.check(), request)


def republish_message(ctx: SharingContext, project: Project, message_token: str, request: PublishRequest) -> Outcome:
    with read_only(ctx.engine).connect() as conn:
        parts = MessageParts.from_json(message_row(conn, project.id, message_token)["parts"])
    return _publish(ctx, project, message_token, parts, request)


def _publish(ctx: SharingContext, project: Project, message_token: str | None, parts: MessageParts,
             request: PublishRequest) -> Outcome:
    # Tool and domain are read (or the tool made) before the write transaction: on SQLite a second connection
    # would wait for that transaction's lock.
    tracking = (sharing_tool(ctx.engine, project),
                domain_for_create(ctx.engine, project, None, ctx.shared_domain)) if parts.enable_tracking else None
    try:
        claim = _claim(ctx, project, message_token, parts, request, tracking)
    except IntegrityError:  # the same request claimed concurrently: the second look finds it and joins it
        claim = _claim(ctx, project, message_token, parts, request, tracking)
    results = _send_all(ctx, claim.jobs, parts)
    with ctx.engine.begin() as conn:
        for result in results:
            _record(conn, project, result)
        if not claim.replayed:
            mark_published(conn, claim.message_id)
        message = load_message(conn, project.id, claim.message_token, request_id=claim.request_id)
    return Outcome(message, claim.replayed)


def _claim(ctx: SharingContext, project: Project, message_token: str | None, parts: MessageParts,
           request: PublishRequest, tracking: tuple[Tool, Domain] | None) -> _Claim:
    with ctx.engine.begin() as conn:
        found = conn.execute(select(sharing_requests).where(
            sharing_requests.c.project_id == project.id, sharing_requests.c.request_key == request.request_key,
        )).mappings().first()
        if found is not None and found["created_at"] >= utcnow() - request.replay_window:
            message_id, request_id, replayed = found["message_id"], found["id"], True
        else:
            if found is not None:  # an old request with the same content: this one is new
                conn.execute(delete(sharing_requests).where(sharing_requests.c.id == found["id"]))
            message_id, request_id = _new_request(conn, project, message_token, parts, request)
            replayed = False
        token = conn.execute(select(sharing_messages.c.message_token)
                             .where(sharing_messages.c.id == message_id)).scalar_one()
        jobs = _jobs(conn, project, request_id, parts, tracking)
    return _Claim(message_id, token, request_id, replayed, jobs)


def _new_request(conn: Connection, project: Project, message_token: str | None, parts: MessageParts,
                 request: PublishRequest) -> tuple[int, int]:
    targets = _identities(conn, project.id, request.target)
    if message_token is None:
        message_id = insert_message(conn, project.id, parts)
    else:
        message_id = int(message_row(conn, project.id, message_token)["id"])
    request_id = int(conn.execute(sharing_requests.insert().values(
        project_id=project.id, request_key=request.request_key, message_id=message_id, created_at=utcnow(),
    )).inserted_primary_key[0])
    for identity in targets:
        insert_publication(conn, project.id, message_id, request_id, identity)
    return message_id, request_id


def _identities(conn: Connection, project_id: int, target: Target) -> list[Identity]:
    if target.identity_token is not None:
        return [load_identity(conn, project_id, target.identity_token)]
    assert target.user_token is not None
    user = load_user(conn, project_id, target.user_token)
    chosen = [i for i in user.identities if i.provider in target.providers]
    if not chosen:
        linked = ", ".join(sorted({i.provider for i in user.identities})) or "none"
        raise NothingToPublishTo(f"the user has no identity on {', '.join(target.providers)} (linked: {linked})",
                                 "providers")
    return chosen


def _jobs(conn: Connection, project: Project, request_id: int, parts: MessageParts,
          tracking: tuple[Tool, Domain] | None) -> tuple[_Job, ...]:
    """Every publication of the request that has not succeeded yet, with what sending it needs."""
    rows = conn.execute(select(publications.c.id, publications.c.publication_token, publications.c.identity_id)
                        .where(publications.c.request_id == request_id, publications.c.status_flag != "success")
                        .order_by(publications.c.id)).all()
    ids = [r.identity_id for r in rows if r.identity_id is not None]
    known = {row["id"]: identity_from_row(row) for row in
             conn.execute(identity_query().where(oneall_identities.c.id.in_(ids))).mappings()}
    sealed = sealed_credentials(conn, ids)
    jobs = []
    for row in rows:
        identity = known.get(row.identity_id)
        urls: list[TrackedUrl] = []
        if identity is not None and tracking is not None:
            urls = track_publication(conn, project, tracking[0], tracking[1], row.id, identity, parts)
        jobs.append(_Job(row.id, row.publication_token, identity, sealed.get(row.identity_id), tuple(urls)))
    return tuple(jobs)


def _send_all(ctx: SharingContext, jobs: tuple[_Job, ...], parts: MessageParts) -> list[_Result]:
    if not jobs:
        return []
    with ThreadPoolExecutor(max_workers=min(ctx.max_parallel, len(jobs)), thread_name_prefix="publish") as pool:
        return list(pool.map(lambda job: _send(ctx, job, parts), jobs))


def _send(ctx: SharingContext, job: _Job, parts: MessageParts) -> _Result:
    if job.identity is None or job.sealed is None:
        return _Result(job, missing_identity_status())
    try:
        provider = ctx.registry.get(job.identity.provider)
        credentials = ctx.vault.open(job.sealed)
        post = parts.to_post({u.original_url: u.short_url for u in job.urls})
        return _Result(job, SUCCESS, provider.publish(credentials, post, job.token))
    except Exception as exc:
        status = failure_status(exc, job.identity.provider)
        if status.code == 500:  # not a network's answer: a bug, worth its traceback
            log.exception("publishing %s failed", job.token, exc_info=exc)
        return _Result(job, status)


def _record(conn: Connection, project: Project, result: _Result) -> None:
    values: dict[str, object] = {"status_flag": result.status.flag, "status_code": result.status.code,
                                 "status_message": result.status.message[:2000]}
    if result.published is not None:
        values.update(post_id=result.published.post_id[:400], post_url=result.published.post_url,
                      reach=result.published.reach, published_at=result.published.published_at)
    else:
        values["published_at"] = utcnow()  # when it was tried, for date_publication
    conn.execute(update(publications).where(publications.c.id == result.job.publication_id).values(**values))
    if result.published is not None and result.job.urls and result.job.identity is not None:
        record_post(conn, project, result.job.publication_id, result.job.identity.provider, result.published)
