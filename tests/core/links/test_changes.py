"""The redirect change log: what one process changes, every other process's link cache drops on its next poll."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from sharelytics.app import build_services, create_app
from sharelytics.config import Settings
from sharelytics.core.links import changes as changes_module
from sharelytics.core.links.cache import MISS, LinkCache
from sharelytics.core.links.changes import ChangeWatcher, record_link_deleted
from sharelytics.core.links.create import NewLink, create_link
from sharelytics.core.links.domains import add_domain, configure_domain, ensure_shared_domain
from sharelytics.core.links.model import LinkMetadata
from sharelytics.core.projects.manage import configure_project
from sharelytics.core.sharing.shorturls import create_shorturl, delete_shorturl
from sharelytics.storage.tables import redirect_changes
from tests.conftest import ProjectFixture


def _link(engine: Engine, project: ProjectFixture, domain_host: str = "sl.test"):  # type: ignore[no-untyped-def]
    domain = ensure_shared_domain(engine, domain_host)
    return create_link(engine, project.project, project.tool, domain,
                       NewLink("http://a.example/", LinkMetadata(channel="twitter")))


def test_a_deleted_short_url_leaves_another_processes_cache_at_its_next_poll(engine: Engine,
                                                                           project: ProjectFixture) -> None:
    shared = ensure_shared_domain(engine, "sl.test")
    shorturl = create_shorturl(engine, project.project, shared, "http://a.example/")
    elsewhere = LinkCache(engine, size=100, ttl=3600)  # another serving process: its own cache and watcher
    watcher = ChangeWatcher(engine, elsewhere)
    watcher.poll()  # the shared domain's creation
    elsewhere.warm()
    host, _, path = shorturl.short_url.partition("://")[2].partition("/")
    assert elsewhere.peek_link(host, path) is not MISS
    delete_shorturl(engine, project.project.id, shorturl.shorturl_token)
    assert elsewhere.peek_link(host, path) is not MISS  # until the poll
    assert watcher.poll() == 1
    assert elsewhere.peek_link(host, path) is MISS
    assert elsewhere.load_link(host, path) is None
    assert watcher.poll() == 0  # a change is applied once


def test_a_project_switched_to_301_is_redirected_so_after_a_poll_without_a_reread(engine: Engine, project: ProjectFixture) -> None:
    link = _link(engine, project)
    elsewhere = LinkCache(engine, size=100, ttl=3600)
    watcher = ChangeWatcher(engine, elsewhere)
    elsewhere.warm()
    configure_project(engine, project.project, redirect_status=301)
    assert elsewhere.peek_link("sl.test", link.path).status == 302  # type: ignore[union-attr]
    watcher.poll()
    # Changed in place: a status switch must not turn every cached link of the project into a database read.
    assert elsewhere.peek_link("sl.test", link.path).status == 301  # type: ignore[union-attr]


def test_domains_added_or_changed_are_read_again(engine: Engine, project: ProjectFixture) -> None:
    elsewhere = LinkCache(engine, size=100, ttl=3600)
    watcher = ChangeWatcher(engine, elsewhere)
    assert elsewhere.load_domain("cuteon.me") is None  # "no link domain", remembered
    domain = add_domain(engine, "CuteOn.Me", project.project)
    watcher.poll()
    assert elsewhere.peek_domain("cuteon.me") is MISS
    assert elsewhere.load_domain("cuteon.me").root_redirect is None  # type: ignore[union-attr]
    configure_domain(engine, domain, root_redirect="http://home.example/")
    watcher.poll()
    assert elsewhere.load_domain("cuteon.me").root_redirect == "http://home.example/"  # type: ignore[union-attr]


def test_old_changes_are_deleted_by_the_next_one(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    real_now = changes_module.utcnow
    with engine.begin() as conn:
        monkeypatch.setattr(changes_module, "utcnow", lambda: real_now() - timedelta(days=2))
        record_link_deleted(conn, "sl.test_old")
        monkeypatch.setattr(changes_module, "utcnow", real_now)
        record_link_deleted(conn, "sl.test_new")
    with engine.connect() as conn:
        kept = conn.execute(select(redirect_changes.c.subject)).scalars().all()
        assert kept == ["sl.test_new"]
        assert conn.execute(select(func.count()).select_from(redirect_changes)).scalar_one() == 1


def test_a_served_app_learns_another_processes_change_within_seconds(settings: Settings, engine: Engine,
                                                                     project: ProjectFixture) -> None:
    """A serving app with its own cache, as a second `serve` process has: a project switched to 301 elsewhere (the
    CLI, another process) is redirected with 301 within seconds, long before the hour-long cache TTL."""
    link = _link(engine, project)
    with TestClient(create_app(services=build_services(settings, engine)), base_url="http://sl.test") as serving:
        assert serving.head(f"/{link.path}", follow_redirects=False).status_code == 302
        configure_project(engine, project.project, redirect_status=301)
        deadline = time.monotonic() + 10
        while serving.head(f"/{link.path}", follow_redirects=False).status_code != 301:
            assert time.monotonic() < deadline, "the serving app never learned of the change"
            time.sleep(0.1)
