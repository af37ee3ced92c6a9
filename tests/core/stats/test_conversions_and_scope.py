"""Conversions, totals scope and several projects' keys, each checked against an oracle over the raw records on
generated data."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from sharelytics.core.conversions.record import NewConversion, record_conversion
from sharelytics.core.links.create import NewLink, create_links
from sharelytics.core.links.domains import ensure_shared_domain
from sharelytics.core.links.model import LinkMetadata
from sharelytics.core.projects.manage import configure_project
from sharelytics.core.stats.model import StatsQuery
from sharelytics.core.stats.report import build_report
from sharelytics.storage import tables as t
from tests.conftest import make_project

from .conftest import EPOCH, World

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CONVERSIONS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 10 * 86400),
                                 st.sampled_from(["pageview", "goal_1", "goal_2", "goal_5", "goal_10"]),
                                 st.integers(0, 100_000)), max_size=25)
CLICKS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 10 * 86400), st.integers(0, 3), st.integers(0, 3)),
                  max_size=30)


def _record(world: World, items: list[tuple[int, int, str, int]]) -> list[tuple[object, object, str, int]]:
    with world.engine.begin() as conn:
        conn.execute(delete(t.conversion_hours))
        conn.execute(delete(t.conversions))
    project = configure_project(world.engine, world.project.project, conversions_enabled=True)
    facts = []
    for index, seconds, kind, value in items:
        link = world.links[index]
        at = EPOCH + timedelta(seconds=seconds)
        record_conversion(world.engine, project, NewConversion(link.awesm_id, kind, value, at), "s")
        facts.append((link, at, kind, 0 if kind == "pageview" else value))
    return facts


@SLOW
@given(items=CONVERSIONS, a=st.integers(0, 10 * 86400), b=st.integers(0, 10 * 86400))
def test_conversions_per_group_match_the_recorded_ones(world: World, items, a, b) -> None:
    facts = _record(world, items)
    lo, hi = sorted((a, b))
    start = (EPOCH + timedelta(seconds=lo)).replace(minute=0, second=0)
    end = (EPOCH + timedelta(seconds=hi)).replace(minute=0, second=0) + timedelta(hours=1)
    query = StatsQuery((world.project.project.id,), start, end, group_by="channel", with_conversions=True,
                       per_page=100)
    report = build_report(world.engine, query)
    expected: dict[object, Counter[str]] = {}
    for link, at, kind, value in facts:
        if start <= at < end:
            counts = expected.setdefault(link.channel, Counter())
            counts[kind + ":count"] += 1
            counts[kind + ":value"] += value
    got = {g.value: g.metrics.conversions for g in report.groups}
    for channel, counts in expected.items():
        for key, number in counts.items():
            kind, what = key.split(":")
            assert got[channel][kind][0 if what == "count" else 1] == number
    everything = sum(v for c in expected.values() for k, v in c.items() if k.endswith(":count"))
    assert sum(n for n, _ in report.totals.conversions.values()) == everything
    all_time = build_report(world.engine, StatsQuery((world.project.project.id,), with_conversions=True))
    assert sum(n for n, _ in all_time.totals.conversions.values()) == len(facts)


@SLOW
@given(clicks=CLICKS, created=st.lists(st.integers(-3 * 86400, 12 * 86400), min_size=5, max_size=5),
       a=st.integers(0, 10 * 86400), b=st.integers(0, 10 * 86400))
def test_totals_are_all_time_clicks_of_links_shared_in_the_period(world: World, clicks, created, a, b) -> None:
    world.reset_clicks()
    for index, seconds in enumerate(created):
        world.set_created(index, EPOCH + timedelta(seconds=seconds))
    world.click(clicks)
    lo, hi = sorted((a, b))
    start = (EPOCH + timedelta(seconds=lo)).replace(minute=0, second=0)
    end = (EPOCH + timedelta(seconds=hi)).replace(minute=0, second=0) + timedelta(hours=1)
    shared = {world.links[i].id for i, s in enumerate(created) if start <= EPOCH + timedelta(seconds=s) < end}
    report = build_report(world.engine, StatsQuery((world.project.project.id,), start, end, scope="totals",
                                                   group_by="awesm_id", per_page=100))
    expected = world.count(None, None, lambda f: f.link.awesm_id, where=lambda f: f.link.id in shared)
    assert report.totals.shares == len(shared)
    assert report.totals.clicks == sum(c["human"] for c in expected.values())
    got = {g.value: g.metrics.clicks for g in report.groups}
    for awesm_id, counts in expected.items():
        assert got.get(awesm_id, 0) == counts["human"]


@SLOW
@given(clicks=CLICKS, others=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 86400)), max_size=20))
def test_several_projects_add_up_and_never_leak(world: World, clicks, others) -> None:
    world.reset_clicks()
    second = _second_project(world)
    world.click(clicks)
    mine = build_report(world.engine, StatsQuery((world.project.project.id,))).totals.clicks
    world.links, kept = second, world.links
    world.click([(i, s, 0, 0) for i, s in others])
    world.links = kept
    theirs = build_report(world.engine, StatsQuery((second[0].project_id,))).totals.clicks
    both = build_report(world.engine, StatsQuery((world.project.project.id, second[0].project_id),
                                                 group_by="awesm_id", per_page=100))
    assert mine == sum(c["human"] for c in world.count(None, None, where=lambda f: f.link in kept).values())
    assert theirs == len(others)
    assert both.totals.clicks == mine + theirs
    assert {g.value for g in both.groups} <= {link.awesm_id for link in kept + second}


def _second_project(world: World):
    existing = getattr(world, "_second", None)
    if existing is not None:
        return existing
    fx = make_project(world.engine, "Second")
    domain = ensure_shared_domain(world.engine, "sl.test")
    made = create_links(world.engine, fx.project, fx.tool, domain,
                        [NewLink(f"https://other.example/{n}", LinkMetadata(channel="twitter")) for n in range(3)])
    world._second = made  # type: ignore[attr-defined]
    return made
