"""Migrations on a database of their own: the head matches tables.py, and 0011 (time-first click storage) keeps
every click and rollup row both ways, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, make_url, text

from sharelytics.core.projects.manage import create_project
from sharelytics.storage.engine import make_engine
from sharelytics.storage.migrate import alembic_config, upgrade
from sharelytics.storage.tables import metadata
from tests.conftest import TEST_DATABASE_URL
from tests.core.clicks.conftest import insert_link

SCHEMA = "migrations_test"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    """An empty database: a new SQLite file, or on PostgreSQL a new schema of the test database (first on the
    search path; creating a database would need a privilege the test role may not have)."""
    if not TEST_DATABASE_URL:
        engine = make_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
        yield engine
        engine.dispose()
        return
    owner = make_engine(TEST_DATABASE_URL)
    with owner.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    url = make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with owner.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    owner.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def test_the_head_schema_is_tables_py(fresh: Engine) -> None:
    upgrade(fresh)
    with fresh.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


OLD_ROWS = {
    "click_hours": ("link_id, hour, project_id, humans, bots, unfurlers, uniques", "{link}, '{h}', {p}, 2, 1, 0, 1"),
    "click_days": ("link_id, day, project_id, humans, bots, unfurlers, uniques", "{link}, '{d}', {p}, 2, 1, 0, 1"),
    "click_facets": ("link_id, hour, project_id, kind, country, referrer_host, browser, os, device, clicks, uniques",
                     "{link}, '{h}', {p}, 'human', 'DE', '', 'Chrome', 'Linux', 'Other', 2, 1"),
    "link_totals": ("link_id, project_id, humans, bots, unfurlers, uniques, first_clicked_at, last_clicked_at",
                    "{link}, {p}, 2, 1, 0, 1, '{h}', '{h}'"),
}


def test_0011_keeps_clicks_and_rollups_both_ways(fresh: Engine) -> None:
    upgrade(fresh, "0010")
    project, _ = create_project(fresh, "Migrated")
    link = insert_link(fresh, project.id)
    hour, day = datetime(2026, 5, 4, 13), datetime(2026, 5, 4)
    values = {"link": link, "p": project.id, "h": hour, "d": day}
    with fresh.begin() as conn:
        for n, (kind, minute) in enumerate((("human", 5), ("bot", 9), ("human", 47))):
            conn.execute(text("INSERT INTO clicks (click_id, link_id, project_id, clicked_at, kind) "
                              "VALUES (:c, :l, :p, :t, :k)"),
                         {"c": f"c{n}", "l": link, "p": project.id, "t": hour.replace(minute=minute), "k": kind})
        for table, (columns, row) in OLD_ROWS.items():
            conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({row.format(**values)})"))

    upgrade(fresh)
    with fresh.connect() as conn:
        clicks = conn.execute(text("SELECT click_id, hour FROM clicks ORDER BY click_id")).all()
        assert [(c, _moment(h)) for c, h in clicks] == [("c0", hour), ("c1", hour), ("c2", hour)]
        assert _moment(conn.execute(text("SELECT last_human_at FROM link_totals")).scalar_one()) == hour.replace(minute=47)
        for table, columns in (("click_hours", "project_id, hour, link_id, humans"),
                               ("click_days", "project_id, day, link_id, humans"),
                               ("click_facets", "project_id, hour, link_id, clicks")):
            found = [tuple(_moment(v) for v in r) for r in conn.execute(text(f"SELECT {columns} FROM {table}"))]
            assert found == [(project.id, day if table == "click_days" else hour, link, 2)], table

    downgrade(fresh, "0010")
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM clicks WHERE link_id = :l"), {"l": link}).scalar_one() == 3
        for table in OLD_ROWS:
            assert conn.execute(text(f"SELECT count(*) FROM {table} WHERE link_id = :l"), {"l": link}).scalar_one() == 1


def _moment(value: object) -> object:
    """SQLite hands DateTime columns read through text() back as text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value
