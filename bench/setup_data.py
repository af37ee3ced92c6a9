"""Bench data: a migrated SQLite database with one project, one hot link and N more, made through core functions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from sharelytics.config import load_settings
from sharelytics.core.links.create import NewLink, create_link, create_links
from sharelytics.core.links.domains import ensure_shared_domain
from sharelytics.core.links.model import LinkMetadata
from sharelytics.core.links.tools import create_tool
from sharelytics.core.projects.manage import configure_project, create_project
from sharelytics.storage.engine import make_engine
from sharelytics.storage.migrate import upgrade

TARGET = "http://developers.awe.sm/"
BATCH = 5000  # links per transaction


@dataclass(frozen=True)
class BenchData:
    hot_path: str
    paths: list[str]
    create_body: str  # a form body for POST /url.json


def prepare(data_dir: Path, database_url: str, host: str, count: int) -> BenchData:
    settings = load_settings(environ={}, data_dir=str(data_dir), database_url=database_url)
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        project, keys = create_project(engine, "bench")
        project = configure_project(engine, project, create_rate_limit=0)  # the Create run must not be throttled
        tool = create_tool(engine, project, "bench", "main")
        domain = ensure_shared_domain(engine, host)
        item = NewLink(TARGET, LinkMetadata(channel="twitter"))
        hot = create_link(engine, project, tool, domain, item)
        paths: list[str] = []
        for start in range(0, count, BATCH):
            batch = [item] * min(BATCH, count - start)
            paths += [link.path for link in create_links(engine, project, tool, domain, batch)]
    finally:
        engine.dispose()
    body = urlencode({"v": 3, "key": keys.awesm_api_key, "tool": tool.key, "channel": "twitter", "url": TARGET})
    return BenchData(hot.path, paths, body)
