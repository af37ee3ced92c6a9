"""The one-pending rule (a unique column, not a check: concurrent initiates agree on one snapshot), the answer to a
second initiate (the seed's `processing` body, code 102, under HTTP 207), a pending snapshot's details, deletion."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError
from starlette.testclient import TestClient

from sharelytics.app import Services
from sharelytics.config import Settings
from sharelytics.core.clock import utcnow
from sharelytics.core.snapshots.addresses import AllowList
from sharelytics.core.snapshots.initiate import initiate_snapshot
from sharelytics.storage.tables_snapshots import snapshots
from tests.api.oneall.conftest import RFC2822, call, failed, ok
from tests.conftest import ProjectFixture
from tests.snapshots.conftest import FAST
from tests.snapshots.helpers import initiate


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(**{**FAST, "job_consumer": "off"})  # nothing builds: snapshots stay pending


def token_of(answer: Any) -> str:
    return str(answer.json()["response"]["result"]["data"]["sharing_analytics_snapshot"]
               ["sharing_analytics_snapshot_token"])


def test_a_second_initiate_names_the_pending_snapshot(client: TestClient, site: ProjectFixture,
                                                      published: dict[str, Any]) -> None:
    first = initiate(client, site, published["sharing_message_token"], None)
    assert first.status_code == 201
    again = initiate(client, site, published["sharing_message_token"], "http://127.0.0.1:9/ignored")
    assert again.status_code == 207, "a final HTTP 102 is unreadable to curl, requests and httpx"
    body = again.json()["response"]
    assert body["request"]["status"] == {"flag": "processing", "code": 102,
                                         "info": "Your request is currently being processed"}
    assert list(body["result"]["data"]["sharing_analytics_snapshot"]) == [
        "sharing_analytics_snapshot_token", "date_initiated", "sharing_message"]
    assert token_of(again) == token_of(first)


def test_a_pending_snapshot_reads_as_pending_without_results(client: TestClient, site: ProjectFixture,
                                                             published: dict[str, Any]) -> None:
    token = token_of(initiate(client, site, published["sharing_message_token"], None))
    found = ok(call(client, site, "GET", f"/sharing/analytics/snapshots/{token}.json"))["sharing_analytics_snapshot"]
    assert list(found) == ["sharing_analytics_snapshot_token", "date_initiated", "status", "sharing_message",
                           "progress"]
    assert found["status"] == "scheduled" and found["progress"] == {"publications": 2, "processed": 0}
    assert RFC2822.match(found["date_initiated"])
    [entry] = ok(call(client, site, "GET", "/sharing/analytics/snapshots.json"))["sharing_analytics_snapshots"][
        "entries"]
    assert entry["status"] == "scheduled" and "date_finished" not in entry


def test_concurrent_initiates_over_http_make_one_snapshot(client: TestClient, site: ProjectFixture,
                                                          published: dict[str, Any]) -> None:
    answers: list[Any] = []
    start = threading.Barrier(8)

    def put() -> None:
        start.wait()
        answers.append(initiate(client, site, published["sharing_message_token"], None))

    threads = [threading.Thread(target=put) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201] + [207] * 7
    assert len({token_of(a) for a in answers}) == 1


def test_concurrent_core_initiates_agree_and_the_database_refuses_a_second_pending(
        engine: Engine, services: Services, site: ProjectFixture, published: dict[str, Any]) -> None:
    results: list[Any] = []
    start = threading.Barrier(6)

    def run() -> None:
        start.wait()
        results.append(initiate_snapshot(engine, site.project.id, published["sharing_message_token"], None,
                                         AllowList()))

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r[0].already_pending for r in results) == [False] + [True] * 5
    assert len({r[0].snapshot.snapshot_token for r in results}) == 1
    winner = next(r[0].snapshot for r in results if not r[0].already_pending)
    message_id = snapshots_message_id(engine, winner.id)
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the rule is the schema's, not only the code's
        conn.execute(insert(snapshots).values(
            project_id=site.project.id, snapshot_token="0b7c3a47-7d39-4b5e-9b35-2c6a4e2f1d11",
            message_token=winner.message.message_token, message_created_at=utcnow(), status="scheduled",
            pending_message_id=message_id, publications_total=0, initiated_at=utcnow()))


def snapshots_message_id(engine: Engine, snapshot_id: int) -> int:
    with engine.connect() as conn:
        return int(conn.execute(snapshots.select().where(snapshots.c.id == snapshot_id)).mappings().one()[
            "pending_message_id"])


def test_delete_needs_confirmation(client: TestClient, site: ProjectFixture, other_site: ProjectFixture,
                                   published: dict[str, Any]) -> None:
    token = token_of(initiate(client, site, published["sharing_message_token"], None))
    path = f"/sharing/analytics/snapshots/{token}.json"
    failed(call(client, site, "DELETE", path), 400)
    failed(call(client, other_site, "DELETE", path + "?confirm_deletion=true"), 404)
    failed(call(client, other_site, "GET", path), 404)
    ok(call(client, site, "GET", path))
    deleted = call(client, site, "DELETE", path + "?confirm_deletion=true")
    assert ok(deleted) == {} and deleted.json()["response"]["request"]["status"]["info"] == (
        "The sharing analytics snapshot has been deleted successfully")
    failed(call(client, site, "GET", path), 404)
    assert initiate(client, site, published["sharing_message_token"], None).status_code == 201  # no longer pending


def test_pingback_uris_that_reach_inside_are_refused(client: TestClient, site: ProjectFixture,
                                                     published: dict[str, Any]) -> None:
    for uri in ("http://10.0.0.1/hook", "http://169.254.169.254/latest", "http://[::1]:8080/x", "ftp://example.com/",
                "http://user:pw@127.0.0.1/x", "not a url", "http://no-such-host.invalid/x"):
        info = failed(initiate(client, site, published["sharing_message_token"], uri), 400)["status"]["info"]
        assert "pingback" in info
    assert initiate(client, site, published["sharing_message_token"], "http://127.0.0.1:9/ok").status_code == 201
