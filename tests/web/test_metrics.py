"""/metrics: redirects by status, clicks captured and stored, journal backlog, jobs; summed over processes.
Structured logs: JSON lines with the request's fields; redirects are not logged."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sharelytics.app import Services
from sharelytics.core.links.model import Link
from sharelytics.logs import JsonFormatter
from tests.web.conftest import FIREFOX


def value(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_metrics_count_redirects_and_clicks(client: TestClient, services: Services, links: list[Link]) -> None:
    before = client.get("/metrics")
    assert before.status_code == 200 and before.headers["content-type"].startswith("text/plain")
    old = before.text
    for _ in range(3):
        client.get(f"/{links[0].path}", headers={"User-Agent": FIREFOX}, follow_redirects=False)
    client.head(f"/{links[0].path}", follow_redirects=False)
    client.get("/Zz9Zz9", follow_redirects=False)
    journaled = client.get("/metrics").text
    assert value(journaled, "sharelytics_redirects_total", '{status="302"}') - value(
        old, "sharelytics_redirects_total", '{status="302"}') == 4  # HEAD answered too
    assert value(journaled, "sharelytics_redirects_total", '{status="404"}') >= 1
    assert value(journaled, "sharelytics_clicks_captured_total") - value(old, "sharelytics_clicks_captured_total") == 3
    assert "sharelytics_journal_segments" in journaled and "sharelytics_journal_bytes" in journaled
    assert services.pipeline is not None
    services.pipeline.flush()
    stored = client.get("/metrics").text
    # Measured from before the clicks: the background writer (50 ms in tests) may store some before we flush.
    assert value(stored, "sharelytics_clicks_stored_total") - value(old, "sharelytics_clicks_stored_total") == 3
    assert value(stored, "sharelytics_journal_bytes") == 0
    # The job queue is read at scrape time; the consumer's own start-up recovery task may be waiting in it.
    assert "sharelytics_jobs_pending" in stored and value(stored, "sharelytics_jobs_pending") >= 0


CHILD = """
import sys
from sharelytics.metrics import CLICKS_STORED, count_redirect
count_redirect(302)
CLICKS_STORED.inc(int(sys.argv[1]))
"""


def test_counts_from_several_processes_are_summed(tmp_path: Path) -> None:
    """What `serve --workers N` and its click-writer child do: each process counts into its own file."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for stored in (5, 7):
        subprocess.run([sys.executable, "-c", CHILD, str(stored)], env=env, check=True, timeout=60)
    reader = f"""
from types import SimpleNamespace
from sharelytics.config import load_settings
from sharelytics.metrics import render
print(render(SimpleNamespace(settings=load_settings(data_dir={str(tmp_path / 'data')!r}), jobs=None))[0].decode())
"""
    text = subprocess.run([sys.executable, "-c", reader], env=env, check=True, timeout=60, capture_output=True,
                          text=True).stdout
    assert value(text, "sharelytics_clicks_stored_total") == 12
    assert value(text, "sharelytics_redirects_total", '{status="302"}') == 2


FOLDING_CHILD = """
import os
from sharelytics.metrics import count_captured, count_redirect, fold_counts
for _ in range(3):
    count_redirect(302)
count_captured()
fold_counts()
fold_counts()  # folds only what is new: nothing
count_redirect(302)  # never folded: os._exit skips the exit hook, as kill -9 would
os._exit(0)
"""


def test_hot_path_counts_reach_the_metric_file_when_folded(tmp_path: Path) -> None:
    """Redirects and captured clicks are plain ints until folded (scrape, pipeline step, exit): exactly once."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", FOLDING_CHILD], env=env, check=True, timeout=60)
    reader = f"""
from types import SimpleNamespace
from sharelytics.config import load_settings
from sharelytics.metrics import render
print(render(SimpleNamespace(settings=load_settings(data_dir={str(tmp_path / 'data')!r}), jobs=None))[0].decode())
"""
    text = subprocess.run([sys.executable, "-c", reader], env=env, check=True, timeout=60, capture_output=True,
                          text=True).stdout
    assert value(text, "sharelytics_redirects_total", '{status="302"}') == 3
    assert value(text, "sharelytics_clicks_captured_total") == 1


def test_api_requests_are_logged_as_json_lines_and_redirects_are_not(
        client: TestClient, links: list[Link], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="sharelytics.http"):
        client.get(f"/{links[0].path}", follow_redirects=False)
        client.get("/dashboard/login")
        client.get("/metrics")
    records = [r for r in caplog.records if r.name == "sharelytics.http"]
    assert [r.path for r in records] == ["/dashboard/login"]  # type: ignore[attr-defined]
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["event"] == "request" and line["status"] == 200 and line["method"] == "GET"
    assert line["level"] == "info" and line["logger"] == "sharelytics.http" and line["duration_ms"] >= 0
