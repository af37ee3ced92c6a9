"""After the servers stopped: clicks stored in the database, and clicks still waiting in the journals."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from sqlalchemy import func, select

from sharelytics.config import load_settings
from sharelytics.storage.engine import make_engine
from sharelytics.storage.tables import clicks


def captured_clicks(database_url: str, data_dirs: Sequence[Path]) -> tuple[int, int]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(clicks)).scalar_one()
    finally:
        engine.dispose()
    journaled = 0
    for data_dir in data_dirs:
        journal = load_settings(environ={}, data_dir=str(data_dir)).journal_dir
        journaled += sum(path.read_bytes().count(b"\n") for path in journal.glob("*.jnl"))
    return int(stored), journaled
