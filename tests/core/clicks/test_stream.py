import os
import shutil
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine, func, select

from sharelytics.core.clicks.journal import ClickJournal
from sharelytics.core.clicks.segments import segment_paths
from sharelytics.core.clicks.stream import GROUP, STREAM_KEY, ClickConsumer, ClickForwarder, run_consumer
from sharelytics.core.clicks.writer import ClickWriter
from sharelytics.storage.tables import click_hours, clicks

REDIS_URL = os.environ.get("SHARELYTICS_TEST_REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set SHARELYTICS_TEST_REDIS_URL")


@pytest.fixture
def client() -> Iterator["redis.Redis"]:  # type: ignore[name-defined]  # noqa: F821
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.close()


def stored(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        raw = conn.execute(select(func.count()).select_from(clicks)).scalar()
        hours = click_hours.c.humans + click_hours.c.bots + click_hours.c.unfurlers
        return int(raw or 0), int(conn.execute(select(func.sum(hours))).scalar() or 0)


def journal_with(directory: Path, link: int, project_id: int, n: int) -> ClickJournal:
    journal = ClickJournal(directory, 1 << 20)
    for i in range(n):
        journal.append(link, project_id, time.time(), "Twitterbot/1.0" if i % 3 else None, "192.0.2.1", None, None)
    journal.rotate()
    return journal


def test_forward_then_consume_stores_and_acknowledges(client, engine, project, link, tmp_path) -> None:  # type: ignore[no-untyped-def]
    journal_with(tmp_path, link, project.project.id, 30)
    assert ClickForwarder(client, tmp_path, 10).forward() == 30
    assert segment_paths(tmp_path) == [] and client.xlen(STREAM_KEY) == 30
    consumer = ClickConsumer(client, ClickWriter(engine, "s"), 7)
    assert consumer.drain() == 30
    assert stored(engine) == (30, 30)
    assert client.xlen(STREAM_KEY) == 0
    assert client.xpending(STREAM_KEY, GROUP)["pending"] == 0


def test_a_segment_forwarded_twice_is_stored_once(client, engine, project, link, tmp_path) -> None:  # type: ignore[no-untyped-def]
    journal = journal_with(tmp_path, link, project.project.id, 12)
    (segment,) = segment_paths(tmp_path)
    shutil.copy(segment, tmp_path / "keep")
    forwarder = ClickForwarder(client, tmp_path, 100)
    forwarder.forward()
    shutil.copy(tmp_path / "keep", segment)  # the forwarder died after XADD, before deleting the segment
    forwarder.forward()
    assert client.xlen(STREAM_KEY) == 24
    assert ClickConsumer(client, ClickWriter(engine, "s"), 5).drain() == 12
    assert stored(engine) == (12, 12)
    journal.close()


def test_messages_of_a_dead_consumer_are_claimed(client, engine, project, link, tmp_path) -> None:  # type: ignore[no-untyped-def]
    journal_with(tmp_path, link, project.project.id, 20)
    ClickForwarder(client, tmp_path, 100).forward()
    writer = ClickWriter(engine, "s")
    dead = ClickConsumer(client, writer, 100, name="dead")
    dead.ensure_group()
    assert len(dead._read_new(None)) == 20  # delivered, then the consumer died before storing or acknowledging
    assert ClickConsumer(client, writer, 100, claim_idle=60).drain() == 0  # not idle long enough yet
    assert ClickConsumer(client, writer, 8, claim_idle=0).drain() == 20
    assert stored(engine) == (20, 20)
    assert client.xpending(STREAM_KEY, GROUP)["pending"] == 0


def test_a_failed_batch_stays_pending_and_is_retried(client, engine, project, link, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    journal_with(tmp_path, link, project.project.id, 5)
    ClickForwarder(client, tmp_path, 100).forward()
    writer = ClickWriter(engine, "s")
    consumer = ClickConsumer(client, writer, 100)

    def fail(_records):  # type: ignore[no-untyped-def]
        raise RuntimeError("database down")

    monkeypatch.setattr(writer, "write", fail)
    with pytest.raises(RuntimeError):
        consumer.consume_once()
    assert client.xpending(STREAM_KEY, GROUP)["pending"] == 5
    monkeypatch.undo()
    assert consumer.drain() == 5


def test_run_consumer_stops_when_asked(client, engine, project, link, tmp_path) -> None:  # type: ignore[no-untyped-def]
    consumer = ClickConsumer(client, ClickWriter(engine, "s"), 100)
    stop = threading.Event()
    runner = threading.Thread(target=run_consumer, args=(consumer, stop, 0.05))
    runner.start()
    journal_with(tmp_path, link, project.project.id, 9)
    ClickForwarder(client, tmp_path, 100).forward()
    deadline = time.monotonic() + 20
    while stored(engine)[0] < 9 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    runner.join(timeout=20)
    assert not runner.is_alive()
    assert stored(engine) == (9, 9)
