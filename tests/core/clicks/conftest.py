"""Fixtures for the click pipeline: links inserted directly (the click core needs only their ids) and journals."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine

from sharelytics.config import Settings
from sharelytics.core.clicks.journal import ClickJournal
from sharelytics.core.clock import utcnow
from sharelytics.core.links.domains import ensure_shared_domain
from sharelytics.storage.tables import links


def insert_link(engine: Engine, project_id: int) -> int:
    domain = ensure_shared_domain(engine, "sl.test")
    path = secrets.token_hex(3)
    with engine.begin() as conn:
        return int(
            conn.execute(
                links.insert().values(
                    project_id=project_id, domain_id=domain.id, path=path, awesm_id=f"sl.test_{path}",
                    original_url="https://example.com/", redirect_url="https://example.com/",
                    channel="twitter", service="twitter", tool="test-main", application="test",
                    created_at=utcnow(),
                )
            ).inserted_primary_key[0]
        )


@pytest.fixture
def link(engine: Engine, project) -> int:  # type: ignore[no-untyped-def]
    return insert_link(engine, project.project.id)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[ClickJournal]:
    journal = ClickJournal(tmp_path / "journal", segment_bytes=1 << 20)
    yield journal
    journal.close()


@dataclass
class PipelineServices:
    """The part of `sharelytics.app.Services` the click pipeline reads."""

    settings: Settings
    engine: Engine
    journal: ClickJournal


@pytest.fixture
def pipeline_services(settings: Settings, engine: Engine) -> Iterator[PipelineServices]:
    journal = ClickJournal(settings.journal_dir, segment_bytes=settings.journal_segment_bytes)
    yield PipelineServices(settings, engine, journal)
    journal.close()
