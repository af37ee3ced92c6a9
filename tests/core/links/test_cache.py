"""The redirect's link cache: bounded, expiring, negative entries kept apart, forgotten on demand, reads only."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine

from sharelytics.core.links import cache as cache_module
from sharelytics.core.links.cache import MISS, LinkCache, LinkEntry, location_header
from sharelytics.core.links.create import NewLink, create_link
from sharelytics.core.links.domains import add_domain, ensure_shared_domain
from sharelytics.core.links.model import LinkMetadata
from sharelytics.core.projects.manage import configure_project
from sharelytics.storage.tables import links
from tests.conftest import ProjectFixture


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(cache_module, "monotonic", fake)
    return fake


def _entry(link_id: int, project_id: int = 1) -> LinkEntry:
    return LinkEntry.build(link_id, project_id, 302, f"http://a.example/{link_id}", None)


def test_the_least_recently_used_link_goes_first(engine: Engine, clock: Clock) -> None:
    cache = LinkCache(engine, size=2, ttl=60)
    cache.put_link("h", "a", _entry(1))
    cache.put_link("h", "b", _entry(2))
    assert cache.peek_link("h", "a") == _entry(1)  # a is now the most recent
    cache.put_link("h", "c", _entry(3))
    assert cache.peek_link("h", "b") is MISS
    assert (cache.peek_link("h", "a"), cache.peek_link("h", "c")) == (_entry(1), _entry(3))
    assert len(cache) == 2


def test_a_full_cache_of_used_links_still_takes_new_ones(engine: Engine, clock: Clock) -> None:
    """Second chance is bounded: when every entry was used since the last eviction, an insert still evicts one (the
    oldest after a few second chances) and the newest link is kept."""
    cache = LinkCache(engine, size=20, ttl=60)
    for i in range(20):
        cache.put_link("h", f"p{i}", _entry(i + 1))
    for round_ in range(3):
        for i in range(20):
            cache.peek_link("h", f"p{i}")
        cache.put_link("h", f"new{round_}", _entry(100 + round_))
        assert len(cache) == 20
        assert cache.peek_link("h", f"new{round_}") == _entry(100 + round_)


def test_entries_expire_and_misses_expire_sooner(engine: Engine, clock: Clock) -> None:
    cache = LinkCache(engine, size=100, ttl=60)
    cache.put_link("h", "a", _entry(1))
    cache.put_link("h", "gone", None)
    cache.put_domain("nowhere", None)
    assert (cache.peek_link("h", "gone"), cache.peek_domain("nowhere")) == (None, None)
    clock.now += cache_module.NEGATIVE_TTL + 1
    assert (cache.peek_link("h", "gone"), cache.peek_domain("nowhere")) == (MISS, MISS)
    assert cache.peek_link("h", "a") == _entry(1)
    clock.now += 2 * 60 + 1  # past the TTL and the grace in which a stale entry is answered while re-read
    assert cache.peek_link("h", "a") is MISS


def test_a_stale_link_is_answered_while_it_is_reread_in_the_background(engine: Engine, project: ProjectFixture,
                                                                        clock: Clock) -> None:
    domain = ensure_shared_domain(engine, "sl.test")
    link = create_link(engine, project.project, project.tool, domain,
                       NewLink("http://a.example/", LinkMetadata(channel="twitter")))
    cache = LinkCache(engine, size=100, ttl=60)
    assert cache.warm() == 1
    assert cache.peek_link("sl.test", link.path).status == 302  # type: ignore[union-attr]
    configure_project(engine, project.project, redirect_status=301)  # changed by "another process"
    clock.now += 61
    assert cache.peek_link("sl.test", link.path).status == 302  # type: ignore[union-attr]  # stale, refreshing
    deadline = time.perf_counter() + 5
    while cache.peek_link("sl.test", link.path).status != 301:  # type: ignore[union-attr]
        assert time.perf_counter() < deadline, "the stale link was not re-read"
        time.sleep(0.01)


def test_a_stale_link_gone_from_the_database_becomes_unknown(engine: Engine, project: ProjectFixture,
                                                              clock: Clock) -> None:
    domain = ensure_shared_domain(engine, "sl.test")
    kept, gone = (create_link(engine, project.project, project.tool, domain,
                              NewLink(f"http://a.example/{i}", LinkMetadata(channel="twitter"))) for i in range(2))
    cache = LinkCache(engine, size=100, ttl=60)
    assert cache.warm() == 2
    with engine.begin() as conn:  # removed by "another process"
        conn.execute(links.delete().where(links.c.id == gone.id))
    clock.now += 61
    assert cache.peek_link("sl.test", gone.path).link_id == gone.id  # type: ignore[union-attr]  # stale
    assert cache.peek_link("sl.test", kept.path).link_id == kept.id  # type: ignore[union-attr]  # stale
    deadline = time.perf_counter() + 5
    while cache.peek_link("sl.test", gone.path) is not None:  # re-read in the background, by link id
        assert time.perf_counter() < deadline, "the stale link was not re-read"
        time.sleep(0.01)
    clock.now += 30  # within the refreshed TTL, past the grace of the warmed entry
    assert cache.peek_link("sl.test", kept.path).link_id == kept.id  # type: ignore[union-attr]


def test_a_scan_of_unknown_paths_does_not_evict_links(engine: Engine, clock: Clock) -> None:
    cache = LinkCache(engine, size=16, ttl=60)
    cache.put_link("h", "hot", _entry(1))
    for i in range(1000):
        cache.put_link("h", f"miss{i}", None)
    assert cache.peek_link("h", "hot") == _entry(1)


def test_forget_hooks(engine: Engine, clock: Clock) -> None:
    cache = LinkCache(engine, size=100, ttl=60)
    cache.put_link("dom.ai/n", "12345", _entry(1, project_id=7))
    cache.put_link("sl.test", "abc", _entry(2, project_id=7))
    cache.put_link("sl.test", "def", _entry(3, project_id=8))
    cache.forget("Dom.ai_n_12345")
    assert cache.peek_link("dom.ai/n", "12345") is MISS
    assert cache.forget_project(7) == 1
    assert cache.peek_link("sl.test", "abc") is MISS
    cache.put_link("sl.test", "gone", None)
    cache.put_domain("sl.test", None)
    cache.forget_domain("SL.test")  # its redirects changed: the domain and its unknown paths are read again
    assert (cache.peek_domain("sl.test"), cache.peek_link("sl.test", "gone")) == (MISS, MISS)
    assert cache.peek_link("sl.test", "def") == _entry(3, project_id=8)  # links hold nothing of their domain
    assert cache.set_project_status(8, 301) == 1
    assert cache.peek_link("sl.test", "def").status == 301  # type: ignore[union-attr]


def test_loads_read_the_link_with_its_projects_status(engine: Engine, project: ProjectFixture) -> None:
    domain = add_domain(engine, "https://CuteOn.Me/n", project.project)
    permanent = configure_project(engine, project.project, redirect_status=301)
    link = create_link(engine, permanent, project.tool, domain, NewLink("http://a.example/\u00e9",
                                                                        LinkMetadata(channel="twitter")))
    cache = LinkCache(engine, size=100, ttl=60)
    loaded = cache.load_link("cuteon.me/n", link.path)
    assert loaded == LinkEntry(link.id, permanent.id, 301, b"http://a.example/%C3%A9", None)
    assert cache.peek_link("cuteon.me/n", link.path) == loaded
    assert cache.load_link("cuteon.me/n", "nope") is None
    assert cache.peek_link("cuteon.me/n", "nope") is None
    found = cache.load_domain("cuteon.me/n")
    assert found is not None and (found.domain_id, found.project_id) == (domain.id, permanent.id)
    assert cache.load_domain(ensure_shared_domain(engine, "sl.test").host_key) is not None
    assert cache.load_domain("unknown.example") is None


def test_location_headers_are_ascii() -> None:
    assert location_header("http://a.example/x?q=1#f") == b"http://a.example/x?q=1#f"
    assert location_header("http://a.example/caf\u00e9 x") == b"http://a.example/caf%C3%A9%20x"
