import gc
import logging
import shutil
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from sharelytics.core.clicks.history import delete_link_rows, lock_link
from sharelytics.core.clicks.journal import ClickJournal, ClickRecord
from sharelytics.core.clicks.privacy import protect_ip
from sharelytics.core.clicks.segments import segment_paths
from sharelytics.core.clicks.writer import ClickWriter
from sharelytics.core.projects.manage import configure_project
from sharelytics.storage.engine import is_sqlite
from sharelytics.storage.tables import click_days, click_facets, click_hours, clicks, link_totals, link_visitors

from .conftest import insert_link

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
AGENTS = [CHROME, "Twitterbot/1.0", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", None]
REFERRERS = ["https://t.co/x", None, "https://News.ycombinator.com:443/item"]
IPS = ["8.8.8.8", "81.2.69.142", "2a02:2e0::1", None]
HOUR = 1_700_000_000 - 1_700_000_000 % 3600


def record(n: int, link_id: int, project_id: int, ts: float | None = None) -> ClickRecord:
    return ClickRecord(
        f"test{n:06d}", link_id, project_id, ts if ts is not None else HOUR + (n * 97) % 7200,
        AGENTS[n % len(AGENTS)], IPS[n % len(IPS)], REFERRERS[n % len(REFERRERS)], "de-DE,de;q=0.9",
    )


def count(engine: Engine, query) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def assert_rollups_match_clicks(engine: Engine) -> None:
    with engine.connect() as conn:
        raw = conn.execute(
            select(clicks.c.link_id, clicks.c.kind, func.count()).group_by(clicks.c.link_id, clicks.c.kind)
        ).all()
        hours = conn.execute(
            select(click_hours.c.link_id, func.sum(click_hours.c.humans), func.sum(click_hours.c.bots),
                   func.sum(click_hours.c.unfurlers)).group_by(click_hours.c.link_id)
        ).all()
        facets = conn.execute(
            select(click_facets.c.link_id, click_facets.c.kind, func.sum(click_facets.c.clicks))
            .group_by(click_facets.c.link_id, click_facets.c.kind)
        ).all()
    expected = {(link, kind): n for link, kind, n in raw}
    from_hours = {}
    for link, humans, bots, unfurlers in hours:
        from_hours.update({(link, "human"): humans, (link, "bot"): bots, (link, "unfurler"): unfurlers})
    assert {k: v for k, v in from_hours.items() if v} == expected
    assert {(link, kind): n for link, kind, n in facets} == expected


@pytest.fixture
def writer(engine: Engine) -> ClickWriter:
    return ClickWriter(engine, "test-secret")


def test_rollups_equal_the_raw_clicks(engine: Engine, writer: ClickWriter, project, link: int) -> None:
    other = insert_link(engine, project.project.id)
    batch = [record(n, (link, other)[n % 2], project.project.id) for n in range(240)]
    assert writer.write(batch[:100]) == 100
    assert writer.write(batch[100:]) == 140
    assert count(engine, select(func.count()).select_from(clicks)) == 240
    assert_rollups_match_clicks(engine)
    assert count(engine, select(func.count()).select_from(click_hours)) == 4  # 2 links x 2 hours


def test_rows_are_classified_and_the_ip_protected(engine: Engine, writer: ClickWriter, project, link: int) -> None:
    configure_project(engine, project.project, privacy_mode="hashed")
    writer.write([ClickRecord("c1", link, 999, HOUR + 5.5, CHROME, "8.8.8.8", "https://WWW.t.co:8080/x", "en-US,en")])
    with engine.connect() as conn:
        row = conn.execute(select(clicks)).mappings().one()
        facet = conn.execute(select(click_facets)).mappings().one()
    assert row["project_id"] == project.project.id  # the link's project, not what the journal said
    assert (row["kind"], row["browser"], row["os"], row["country"]) == ("human", "Chrome", "Windows", "US")
    assert row["ip"] == protect_ip("8.8.8.8", "hashed", "test-secret") and "8.8.8.8" not in row["ip"]
    assert (row["referrer_host"], row["accept_language"]) == ("www.t.co", "en-US")
    assert (row["clicked_at"].second, row["clicked_at"].microsecond) == (5, 0)
    assert (facet["country"], facet["referrer_host"], facet["device"], facet["clicks"]) == ("US", "www.t.co", "", 1)


@pytest.mark.parametrize(("mode", "stored"), [("full", "81.2.69.142"), ("truncated", "81.2.69.0"), ("none", None)])
def test_privacy_modes_apply_after_geolocation(engine, writer, project, link, mode, stored) -> None:  # type: ignore[no-untyped-def]
    configure_project(engine, project.project, privacy_mode=mode)
    writer.write([ClickRecord("c1", link, 1, HOUR, CHROME, "81.2.69.142", None, None)])
    with engine.connect() as conn:
        ip, country = conn.execute(select(clicks.c.ip, clicks.c.country)).one()
    assert (ip, country) == (stored, "GB")


def test_replaying_a_segment_counts_once(engine: Engine, writer: ClickWriter, project, link: int, tmp_path: Path) -> None:
    journal = ClickJournal(tmp_path / "journal", 1 << 20)
    for n in range(50):
        journal.append(link, project.project.id, HOUR + n, AGENTS[n % 4], IPS[n % 4], None, None)
    segment = journal.rotate()
    kept = tmp_path / "copy"
    shutil.copy(segment, kept)
    assert writer.drain_journal(journal.directory, 20) == 50
    assert segment_paths(journal.directory) == []
    shutil.copy(kept, segment)  # as if the process died after the commit, before deleting the segment
    assert writer.drain_journal(journal.directory, 20) == 0
    assert segment_paths(journal.directory) == []
    assert count(engine, select(func.count()).select_from(clicks)) == 50
    assert count(engine, select(func.sum(click_hours.c.humans + click_hours.c.bots + click_hours.c.unfurlers))) == 50
    assert count(engine, select(func.sum(click_facets.c.clicks))) == 50


def test_a_click_twice_in_one_batch_counts_once(engine: Engine, writer: ClickWriter, project, link: int) -> None:
    one = record(1, link, project.project.id)
    assert writer.write([one, one, record(2, link, project.project.id)]) == 2
    assert count(engine, select(func.sum(click_facets.c.clicks))) == 2
    assert_rollups_match_clicks(engine)


def test_clicks_for_unknown_links_are_dropped(engine, writer, project, link, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.WARNING, "sharelytics.clicks"):
        stored = writer.write([record(1, link, project.project.id), record(2, 987_654, project.project.id)])
    assert stored == 1
    assert "no longer exist" in caplog.text
    assert count(engine, select(func.count()).select_from(clicks)) == 1
    assert_rollups_match_clicks(engine)


def test_waits_for_another_writer_holding_the_lock(engine: Engine, writer: ClickWriter, project, link: int) -> None:
    if not is_sqlite(engine):
        pytest.skip("SQLite's single write lock")
    raw = engine.raw_connection()
    released = threading.Event()

    def hold_then_release() -> None:
        time.sleep(0.3)
        raw.rollback()
        released.set()

    cursor = raw.cursor()
    cursor.execute("BEGIN IMMEDIATE")
    cursor.execute("DELETE FROM click_hours")
    holder = threading.Thread(target=hold_then_release)
    holder.start()
    try:
        assert writer.write([record(1, link, project.project.id)]) == 1
        assert released.is_set()
    finally:
        holder.join()
        raw.close()


def test_a_link_deleted_later_drops_its_rollups_with_it(engine: Engine, writer: ClickWriter, project, link: int) -> None:
    writer.write([record(n, link, project.project.id) for n in range(5)])
    with engine.begin() as conn:  # as every path that deletes a link does (no foreign key cascades to these)
        lock_link(conn, link)
        delete_link_rows(conn, project.project.id, link)
        conn.execute(text("DELETE FROM links WHERE id = :id"), {"id": link})
    for table in (clicks, click_hours, click_days, click_facets, link_totals, link_visitors):
        assert count(engine, select(func.count()).select_from(table)) == 0, table.name
    assert writer.write([record(9, link, project.project.id)]) == 0
    assert count(engine, select(func.count()).select_from(clicks)) == 0


def test_a_stopped_drain_ends_between_transactions_and_leaves_the_rest_journaled(
        engine: Engine, writer: ClickWriter, project, link: int, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    journal = ClickJournal(tmp_path / "journal", 1 << 20)
    for segment in range(2):
        for n in range(50):
            journal.append(link, project.project.id, HOUR + n, AGENTS[n % 4], IPS[n % 4], None, None)
        journal.rotate()
    stop = threading.Event()
    write = writer.write

    def write_then_stop(records):  # type: ignore[no-untyped-def]
        stop.set()  # as SIGTERM would, during the first transaction
        return write(records)

    writer.write = write_then_stop  # type: ignore[method-assign]
    assert writer.drain_journal(journal.directory, 20, stop) == 20
    assert len(segment_paths(journal.directory)) == 2  # the part-stored segment is given back whole
    writer.write = write  # type: ignore[method-assign]
    assert writer.drain_journal(journal.directory, 20) == 80  # the replay skips the 20 already stored
    assert segment_paths(journal.directory) == []
    assert count(engine, select(func.sum(click_hours.c.humans + click_hours.c.bots + click_hours.c.unfurlers))) == 100
    journal.close()



def test_the_pool_gets_its_connections_back_with_foreign_keys_checked(
        engine: Engine, writer: ClickWriter, project, link: int) -> None:  # type: ignore[no-untyped-def]
    if not is_sqlite(engine):
        pytest.skip("SQLite's per-connection foreign_keys switch")
    writer.write([record(1, link, project.project.id)])
    broken = ClickRecord("c-broken", link, project.project.id, "not a time", None, None, None, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        writer.write([broken])  # fails inside the transaction
    pooled = [engine.connect().execution_options(sqlite_deferred=True)  # several at once: no write lock
              for _ in range(engine.pool.checkedin())]  # type: ignore[attr-defined]
    try:
        assert pooled and all(conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1 for conn in pooled)
    finally:
        for conn in pooled:
            conn.close()
    assert gc.isenabled()
