"""Fixtures built by code. One env var switches the backend: SHARELYTICS_TEST_DATABASE_URL (PostgreSQL) and
SHARELYTICS_TEST_REDIS_URL (Redis click stream and shared caches); unset, everything runs embedded on SQLite."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest
from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from sharelytics.config import Settings, load_settings
from sharelytics.core.links.tools import Tool, create_tool
from sharelytics.core.projects.manage import create_project
from sharelytics.core.projects.model import Project, ProjectKeys
from sharelytics.storage.engine import is_sqlite, make_engine
from sharelytics.storage.migrate import upgrade
from sharelytics.storage.tables import metadata

if TYPE_CHECKING:
    from sharelytics.app import Services

TEST_DATABASE_URL = os.environ.get("SHARELYTICS_TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("SHARELYTICS_TEST_REDIS_URL", "")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    if not is_sqlite(engine):  # a reused PostgreSQL database: start from nothing
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        if is_sqlite(engine):
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
        else:
            names = ", ".join(t.name for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    _empty_tables(migrated_engine)
    yield migrated_engine


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    if TEST_REDIS_URL:
        import redis

        redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    return load_settings(
        environ={},
        data_dir=str(tmp_path / "data"),
        database_url=database_url,
        redis_url=TEST_REDIS_URL,
        public_url="http://sl.test",
        secret="test-secret",
        flush_interval=0.05,
        click_writer="thread",  # in-process tests flush synchronously; real servers (slow tests) use the process
    )


@pytest.fixture
def services(settings: Settings, engine: Engine) -> "Services":
    from sharelytics.app import build_services  # imported late: unit tests of the core need no app

    return build_services(settings, engine)


@pytest.fixture
def client(services: "Services") -> Iterator[TestClient]:
    from sharelytics.app import create_app

    with TestClient(create_app(services=services), base_url="http://sl.test") as test_client:
        yield test_client


@dataclass(frozen=True)
class ProjectFixture:
    project: Project
    keys: ProjectKeys
    tool: Tool

    @property
    def key(self) -> str:
        return self.keys.awesm_api_key


def make_project(engine: Engine, name: str = "Demo") -> ProjectFixture:
    project, keys = create_project(engine, name)
    return ProjectFixture(project, keys, create_tool(engine, project, "Test", "Main"))


@pytest.fixture
def project(engine: Engine) -> ProjectFixture:
    """A project with one tool labelled `test-main`, as in the reference fixtures."""
    return make_project(engine)
