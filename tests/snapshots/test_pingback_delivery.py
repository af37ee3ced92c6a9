"""Pingbacks are delivered at least once: a receiver that is down, or answers 500, is retried with backoff until it
answers 2xx; every attempt is recorded (time, status or error, duration). A host that stops being allowed between
initiate and delivery (DNS rebinding) is refused at delivery time and the refusal is recorded."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from sharelytics.app import Services
from tests.conftest import ProjectFixture
from tests.snapshots.helpers import initiate, wait_processed
from tests.snapshots.receiver import PingbackReceiver
from sharelytics.sandbox.server import free_port
from sharelytics.storage.tables_snapshots import pingback_attempts, pingback_deliveries


def attempts(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(pingback_attempts).order_by(pingback_attempts.c.id)).mappings())


def delivery(engine: Engine) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(pingback_deliveries)).mappings().one()


def wait_for(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_a_receiver_down_then_back_gets_the_pingback(client: TestClient, site: ProjectFixture, engine: Engine,
                                                     published: dict[str, Any]) -> None:
    receiver = PingbackReceiver(port=free_port())  # nothing listens on its port yet
    assert initiate(client, site, published["sharing_message_token"], receiver.url).status_code == 201
    wait_for(lambda: len(attempts(engine)) >= 2)
    assert all(a["status_code"] is None and "Connect" in a["error"] for a in attempts(engine))
    with receiver:
        [received] = receiver.wait(1, timeout=30)
    wait_for(lambda: delivery(engine)["state"] == "delivered")
    found = attempts(engine)
    assert found[-1]["status_code"] == 200 and found[-1]["error"] is None
    assert all(a["duration_ms"] >= 0 and a["attempted_at"] is not None for a in found)
    assert delivery(engine)["attempts"] == len(found)
    spacing = [b["attempted_at"] - a["attempted_at"] for a, b in zip(found, found[1:])]
    # Backoff: never closer together than before. Times are stored to the second: allow one second of rounding.
    tick = timedelta(seconds=1)
    assert all(later >= earlier - tick for earlier, later in zip(spacing, spacing[1:])), spacing
    assert received.headers["x-sharelytics-delivery"] == delivery(engine)["delivery_token"]


def test_a_receiver_answering_500_is_retried_with_the_same_body(client: TestClient, site: ProjectFixture,
                                                                engine: Engine, published: dict[str, Any]) -> None:
    with PingbackReceiver(status=500) as receiver:
        assert initiate(client, site, published["sharing_message_token"], receiver.url).status_code == 201
        receiver.wait(2, timeout=30)
        receiver.status = 200
        wait_for(lambda: delivery(engine)["state"] == "delivered")
    bodies = {r.body for r in receiver.received}
    assert len(bodies) == 1 and len({r.headers["x-sharelytics-delivery"] for r in receiver.received}) == 1
    assert [a["status_code"] for a in attempts(engine)][-1] == 200 and attempts(engine)[0]["status_code"] == 500


def test_a_host_no_longer_allowed_at_delivery_time_is_refused(client: TestClient, site: ProjectFixture,
                                                              engine: Engine, services: Services,
                                                              published: dict[str, Any]) -> None:
    with PingbackReceiver() as receiver:
        services.settings = services.settings.with_overrides(job_consumer="off")
        assert services.jobs is not None
        services.jobs.stop()  # build nothing until the allow-list has changed
        token = initiate(client, site, published["sharing_message_token"], receiver.url).json()[
            "response"]["result"]["data"]["sharing_analytics_snapshot"]["sharing_analytics_snapshot_token"]
        services.settings = services.settings.with_overrides(pingback_allow="")
        services.jobs.start()
        wait_processed(client, site, token)
        wait_for(lambda: len(attempts(engine)) >= 1)
        assert receiver.received == []
    assert "refused" in attempts(engine)[0]["error"] and delivery(engine)["state"] == "pending"
