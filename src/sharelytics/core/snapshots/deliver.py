"""Delivering a pingback, at least once: each attempt is recorded (time, HTTP status or error, duration); any 2xx
ends it; otherwise the next attempt comes after an exponential delay with jitter, until the retry window (24 h by
default) is spent. Each attempt checks the URL's addresses again and connects to the address it checked, naming
the host in `Host` and TLS SNI, so a DNS answer that changed since the snapshot was initiated cannot redirect it."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

import httpx
from sqlalchemy import Engine, insert, or_, select, update

from sharelytics.core.clock import utcnow
from sharelytics.core.snapshots.addresses import AllowList, Target, check_target
from sharelytics.core.snapshots.errors import PingbackRefused
from sharelytics.core.snapshots.events import Event, PingbackAbandoned, PingbackDeferred, PingbackDelivered
from sharelytics.core.snapshots.signing import (DELIVERY_HEADER, EVENT, EVENT_HEADER, SIGNATURE_HEADER,
                                                TIMESTAMP_HEADER, signature)
from sharelytics.storage.tables import projects
from sharelytics.storage.tables_snapshots import pingback_attempts, pingback_deliveries

USER_AGENT = "sharelytics-pingback/1"
MAX_DELAY = 3600.0


@dataclass(frozen=True)
class DeliveryPolicy:
    allow: AllowList
    timeout: float = 10.0
    initial: float = 30.0
    window: float = 86_400.0

    def delay(self, attempts: int) -> float:
        """Exponential, capped at an hour, with 'equal jitter': half fixed, half random, so receivers that come
        back up are not hit by every sender at once."""
        base = min(MAX_DELAY, self.initial * 2 ** max(attempts - 1, 0))
        return base / 2 + random.uniform(0, base / 2)


@dataclass(frozen=True)
class Attempt:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def deliver_pingback(engine: Engine, delivery_id: int, policy: DeliveryPolicy) -> list[Event]:
    row = _claim(engine, delivery_id, policy)
    if row is None:
        return []
    attempt = _attempt(row, policy)
    return _record(engine, row, attempt, policy)


def _claim(engine: Engine, delivery_id: int, policy: DeliveryPolicy) -> Mapping[str, Any] | None:
    """The delivery with its project's signing key, if it is due and nobody else is sending it right now."""
    now = utcnow()
    d = pingback_deliveries
    with engine.begin() as conn:
        taken = conn.execute(update(d).where(
            d.c.id == delivery_id, d.c.state == "pending",
            or_(d.c.next_attempt_at.is_(None), d.c.next_attempt_at <= now + timedelta(seconds=1)),
            or_(d.c.lease_until.is_(None), d.c.lease_until < now),
        ).values(lease_until=now + timedelta(seconds=policy.timeout * 2 + 5))).rowcount
        if not taken:
            return None
        return conn.execute(select(d, projects.c.oneall_private_key_hash.label("key_hash"))
                            .join(projects, projects.c.id == d.c.project_id).where(d.c.id == delivery_id)
                            ).mappings().one()


def _pinned_url(target: Target) -> str:
    host = f"[{target.address}]" if target.address.version == 6 else str(target.address)
    rest = target.url.split("://", 1)[1]
    path = rest[rest.find("/"):] if "/" in rest else "/"
    return f"{target.scheme}://{host}:{target.port}{path}"


def _host_header(target: Target) -> str:
    default = 443 if target.scheme == "https" else 80
    return target.host if target.port == default else f"{target.host}:{target.port}"


def _attempt(row: Mapping[str, Any], policy: DeliveryPolicy) -> Attempt:
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = check_target(row["url"], policy.allow)
    except PingbackRefused as exc:
        return Attempt(None, f"refused: {exc}", took())
    body = row["body"].encode("utf-8")
    timestamp = int(time.time())
    headers = {"Host": _host_header(target), "Content-Type": "application/json", "User-Agent": USER_AGENT,
               TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(row["key_hash"].encode(), timestamp, body),
               DELIVERY_HEADER: row["delivery_token"], EVENT_HEADER: EVENT}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    try:
        with httpx.Client(timeout=policy.timeout, follow_redirects=False) as client:
            response = client.post(_pinned_url(target), content=body, headers=headers, extensions=extensions)
    except httpx.HTTPError as exc:
        return Attempt(None, f"{exc.__class__.__name__}: {exc}"[:500], took())
    return Attempt(response.status_code, None if response.is_success else response.text[:200], took())


def _record(engine: Engine, row: Mapping[str, Any], attempt: Attempt, policy: DeliveryPolicy) -> list[Event]:
    now = utcnow()
    d = pingback_deliveries
    attempts = row["attempts"] + 1
    values: dict[str, Any] = {"attempts": attempts, "lease_until": None}
    events: list[Event]
    if attempt.delivered:
        values.update(state="delivered", finished_at=now, next_attempt_at=None)
        events = [PingbackDelivered(row["id"])]
    else:
        due: datetime = now + timedelta(seconds=policy.delay(attempts))
        if due > row["created_at"] + timedelta(seconds=policy.window):
            values.update(state="failed", finished_at=now, next_attempt_at=None)
            events = [PingbackAbandoned(row["id"])]
        else:
            values.update(next_attempt_at=due)
            events = [PingbackDeferred(row["id"], due)]
    with engine.begin() as conn:
        conn.execute(insert(pingback_attempts).values(delivery_id=row["id"], attempted_at=now,
                                                      status_code=attempt.status_code, error=attempt.error,
                                                      duration_ms=attempt.duration_ms))
        conn.execute(update(d).where(d.c.id == row["id"]).values(**values))
    return events
