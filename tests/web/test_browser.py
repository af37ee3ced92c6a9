"""Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) through the demo's data: the dashboard
(sign-in, links, a link's charts, a snapshot) and the conversion script on a landing page served by this test.

Set SHARELYTICS_SCREENSHOTS=1 to refresh docs/screenshots/ (otherwise they go to a temporary directory)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from sharelytics.core.links.create import NewLink, create_link
from sharelytics.core.links.model import LinkMetadata
from sharelytics.core.links.tools import list_tools
from sharelytics.core.projects.manage import configure_project
from sharelytics.core.stats.model import Filter, StatsQuery
from sharelytics.core.stats.report import build_report
from sharelytics.sandbox.server import free_port
from tests.web.demo_fixture import Demo, demo  # noqa: F401 (the module-scoped fixture)

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (test extra)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 760})
    yield context.new_page()
    context.close()


def _shots(tmp_path: Path) -> Path:
    target = SCREENSHOTS if os.environ.get("SHARELYTICS_SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    return target


def test_the_dashboard_in_a_browser(demo: Demo, page: Any, tmp_path: Path) -> None:  # noqa: F811
    shots = _shots(tmp_path)
    page.goto(f"{demo.url}/dashboard/")
    assert page.url.startswith(f"{demo.url}/dashboard/login")
    assert page.locator("[data-method=awesm]").is_hidden()  # the script shows only the chosen method's fields
    page.fill("input[name=username]", demo.login.username)
    page.fill("input[name=password]", demo.login.password)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"{demo.url}/dashboard/links")
    rows = page.locator("#links tbody tr")
    assert rows.count() == min(25, demo.seeded.links)
    page.screenshot(path=str(shots / "links.png"))

    page.select_option("select[name=sort]", "clicks")
    page.click("button:has-text('Filter')")
    page.wait_for_url("**sort=clicks**")
    page.locator("#links tbody tr a").first.click()
    page.wait_for_selector("#timeline svg.chart")
    assert page.locator("#timeline svg.chart rect").count() >= 7  # columns on most of the simulated week's days
    assert page.locator("#classes svg rect").count() == 3  # humans, bots and link previews all present
    page.locator("#timeline svg.chart rect").first.hover()
    assert page.locator(".tip").inner_text()  # the script's tooltip
    page.screenshot(path=str(shots / "link.png"), full_page=True)
    for width in (1100, 400):  # chart text keeps its size in a wide page and on a phone alike
        page.set_viewport_size({"width": width, "height": 760})
        for selector in ("#timeline svg text.tick", "#classes table.bars th", "#classes table.bars td.n"):
            box = page.locator(selector).first.bounding_box()
            assert box is not None and 11 <= box["height"] <= 24, (width, selector, box)
    page.set_viewport_size({"width": 1100, "height": 760})

    page.click("nav a:has-text('Messages')")
    page.locator("#messages tbody tr a").first.click()
    page.wait_for_selector("#history svg.chart")
    page.locator("#history tbody tr a").last.click()
    page.wait_for_selector("#networks svg.chart")
    assert page.locator("#networks tbody tr").count() == 2  # mastodon and bluesky compared
    assert page.locator("#history svg.chart circle").count() == 2 * 3  # two series at three snapshots
    page.screenshot(path=str(shots / "snapshot.png"), full_page=True)


class Landing(BaseHTTPRequestHandler):
    """A customer's page on another origin that embeds the conversion script."""

    script = ""

    def do_GET(self) -> None:
        body = (f'<!doctype html><title>Landing</title><script src="{self.script}"></script>'
                "<p>Thanks for visiting</p>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


def test_the_conversion_script_records_a_goal(demo: Demo, page: Any) -> None:  # noqa: F811
    port = free_port()
    Landing.script = f"{demo.url}/widgets.js?key={demo.login.awesm_api_key}"
    landing = ThreadingHTTPServer(("127.0.0.1", port), Landing)
    threading.Thread(target=landing.serve_forever, daemon=True).start()
    try:
        engine = demo.services.engine
        project = configure_project(engine, demo.project, conversions_enabled=True, conversion_domains=["localhost"])
        link = create_link(engine, project, list_tools(engine, project)[0], demo.services.shared_domain,
                           NewLink(f"http://localhost:{port}/landing", LinkMetadata(channel="copypaste")))
        page.goto(link.awesm_url)
        page.wait_for_function("window.AWESM && typeof window.AWESM.convert === 'function'")
        assert f"awesm={link.awesm_id}" in unquote(page.url)  # the redirect added it: localhost converts
        cookie = {c["name"]: c["value"] for c in page.context.cookies()}.get("_awesmsession")
        assert cookie is not None and unquote(cookie) == link.awesm_id
        result = page.evaluate("() => new Promise(done => AWESM.convert('goal_1', 1230, done))")
        assert "error" not in result, result
    finally:
        landing.shutdown()
        landing.server_close()
    report = build_report(engine, StatsQuery(project_ids=(project.id,), filters=(Filter("awesm_id", (link.awesm_id,)),),
                                             with_conversions=True))
    assert report.totals.conversions.get("goal_1") == [1, 1230]
