import threading
import time

import pytest
from sqlalchemy import Engine, func, select

from sharelytics.core.clicks.journal import ClickJournal
from sharelytics.core.clicks.pipeline import start_pipeline
from sharelytics.core.clicks.segments import segment_paths
from sharelytics.storage.tables import click_hours, clicks

from .conftest import PipelineServices

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


def stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(clicks)).scalar() or 0)


def counted(engine: Engine) -> int:
    with engine.connect() as conn:
        total = click_hours.c.humans + click_hours.c.bots + click_hours.c.unfurlers
        return int(conn.execute(select(func.sum(total))).scalar() or 0)


def journal_clicks(journal: ClickJournal, link: int, project_id: int, n: int) -> None:
    for i in range(n):
        journal.append(link, project_id, time.time(), UA, f"192.0.2.{i % 250}", None, "en")


def wait_until(predicate, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_flush_moves_everything_into_the_database(pipeline_services: PipelineServices, project, link: int) -> None:
    pipeline = start_pipeline(pipeline_services)
    try:
        journal_clicks(pipeline_services.journal, link, project.project.id, 300)
        pipeline.flush()
        assert stored(pipeline_services.engine) == counted(pipeline_services.engine) == 300
        assert pipeline.flush() == 0
    finally:
        pipeline.stop()


def test_flush_returns_what_it_stored(pipeline_services: PipelineServices, project, link: int) -> None:
    pipeline = start_pipeline(pipeline_services)
    pipeline.stop()  # no background thread: every click is flush()'s own
    journal_clicks(pipeline_services.journal, link, project.project.id, 40)
    assert pipeline.flush() == 40


def test_the_background_thread_writes_on_its_own(pipeline_services: PipelineServices, project, link: int) -> None:
    if not pipeline_services.settings.embedded:
        pytest.skip("in Redis mode `sharelytics worker` stores the clicks")
    pipeline = start_pipeline(pipeline_services)
    try:
        journal_clicks(pipeline_services.journal, link, project.project.id, 25)
        assert wait_until(lambda: stored(pipeline_services.engine) == 25)
    finally:
        pipeline.stop()


def test_flush_while_clicks_keep_coming(pipeline_services: PipelineServices, project, link: int) -> None:
    pipeline = start_pipeline(pipeline_services)
    done = threading.Event()

    def click_away() -> None:
        for _ in range(20):
            journal_clicks(pipeline_services.journal, link, project.project.id, 50)
            time.sleep(0.005)
        done.set()

    clicker = threading.Thread(target=click_away)
    clicker.start()
    try:
        while not done.is_set():
            pipeline.flush()
        clicker.join()
        pipeline.flush()
        assert stored(pipeline_services.engine) == counted(pipeline_services.engine) == 1000
    finally:
        pipeline.stop()


def test_stop_drains_the_journal(pipeline_services: PipelineServices, project, link: int) -> None:
    pipeline = start_pipeline(pipeline_services)
    journal_clicks(pipeline_services.journal, link, project.project.id, 120)
    pipeline.stop()
    assert segment_paths(pipeline_services.journal.directory) == []
    if pipeline_services.settings.embedded:
        assert stored(pipeline_services.engine) == 120
    else:  # forwarded: the next consumer stores them
        assert start_pipeline(pipeline_services).flush() == 120


def test_orphans_of_dead_processes_are_recovered_at_start(pipeline_services: PipelineServices, project, link: int) -> None:
    dead = ClickJournal(pipeline_services.journal.directory, 4096)
    journal_clicks(dead, link, project.project.id, 70)
    dead.close()  # what the kernel does to a killed process's locks
    assert len(segment_paths(dead.directory)) > 1
    pipeline = start_pipeline(pipeline_services)
    try:
        pipeline.flush()
        assert stored(pipeline_services.engine) == 70
    finally:
        pipeline.stop()


def test_the_writer_process_stores_journaled_clicks_and_stops(engine, settings, project):  # type: ignore[no-untyped-def]
    """The embedded default: a child process drains what this process journals."""
    import time as clock

    from sqlalchemy import func, select

    from sharelytics.core.clicks.journal import ClickJournal
    from sharelytics.core.clicks.writer_process import WriterProcess
    from sharelytics.storage.tables import clicks

    from .conftest import insert_link

    link_id = insert_link(engine, project.project.id)
    journal = ClickJournal(settings.journal_dir, segment_bytes=settings.journal_segment_bytes)
    process = WriterProcess(settings)
    process.start()
    try:
        for n in range(50):
            journal.append(link_id, project.project.id, clock.time(), "Mozilla/5.0 Chrome/120.0", f"10.0.0.{n}", None, None)
        journal.rotate()
        deadline = clock.monotonic() + 60
        stored = 0
        while clock.monotonic() < deadline and stored < 50:
            clock.sleep(0.1)
            with engine.connect() as conn:
                stored = conn.execute(select(func.count()).select_from(clicks)).scalar()
        assert stored == 50
        assert process.alive()
    finally:
        process.stop()
        journal.close()
    assert not process.alive()


def _held_elsewhere(path) -> bool:  # type: ignore[no-untyped-def]
    """Whether another process holds the segment's lock (it claimed it)."""
    import fcntl
    import os

    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def test_sigterm_stops_the_writer_process_between_batches_and_a_restart_stores_the_rest(  # type: ignore[no-untyped-def]
        engine, settings, project, link: int) -> None:
    """Under a backlog, SIGTERM ends the child after the transaction in hand, not after the whole backlog: it exits
    by itself with the rest still journaled, and the next writer stores every click, once."""
    from dataclasses import replace

    from sqlalchemy import text

    from sharelytics.core.clicks.writer_process import WriterProcess
    from sharelytics.storage.engine import is_sqlite

    n = 5_000
    settings = replace(settings, flush_batch=100)  # 50 transactions of backlog
    journal = ClickJournal(settings.journal_dir, segment_bytes=settings.journal_segment_bytes)
    try:
        journal_clicks(journal, link, project.project.id, n)
        segment = journal.rotate()
    finally:
        journal.close()
    first = WriterProcess(settings)
    # The database's write lock, held here: the child claims the backlog, then waits to write its first batch, and
    # gets SIGTERM while it waits, whatever the machine's speed.
    with engine.connect() as blocker:
        blocker.execute(text("SELECT 1" if is_sqlite(engine) else "LOCK TABLE clicks IN EXCLUSIVE MODE"))
        first.start()
        child = first._process
        assert child is not None
        assert wait_until(lambda: _held_elsewhere(segment), timeout=120)  # claimed: its SIGTERM handler is set
        child.terminate()
        blocker.rollback()
    first.stop()
    assert child.exitcode == 0  # it stopped by itself: it was not killed
    assert stored(engine) == 100  # the transaction in hand, not the backlog
    assert segment_paths(settings.journal_dir) == [segment]  # the rest waits in the journal
    restarted = WriterProcess(settings)
    restarted.start()
    try:
        assert wait_until(lambda: stored(engine) == n, timeout=120)
    finally:
        restarted.stop()
    assert (stored(engine), counted(engine)) == (n, n)
    assert segment_paths(settings.journal_dir) == []
