"""Every number a report gives, checked against the oracle's count from the raw clicks, on generated data:
random clicks, random ranges in several time zones, every grouping source (cube, link level, click facets)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharelytics.core.stats import timeline
from sharelytics.core.stats.model import Filter, Metrics, StatsQuery
from sharelytics.core.stats.report import build_report

from .conftest import EPOCH, World

CLICKS = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 10 * 86400), st.integers(0, 3), st.integers(0, 3)), max_size=60
)
OFFSETS = st.sampled_from([timedelta(0), timedelta(hours=-8), timedelta(hours=5, minutes=30), timedelta(hours=2)])
MOMENTS = st.integers(0, 10 * 86400).map(lambda s: EPOCH + timedelta(seconds=s))
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

GROUPINGS = {
    "channel": lambda f: f.link.channel,
    "service": lambda f: f.link.service,
    "tag": lambda f: f.link.tag,
    "campaign": lambda f: f.link.campaign,
    "tool": lambda f: f.link.tool,
    "awesm_id": lambda f: f.link.awesm_id,
    "user_id": lambda f: f.link.user_id,
    "country": lambda f: f.country,
}


def _range(a: datetime, b: datetime, offset: timedelta) -> tuple[datetime, datetime]:
    lo, hi = sorted((a, b))
    start, end = timeline.round_range(timeline.Instant(lo, offset), timeline.Instant(hi + timedelta(seconds=1), offset))
    # The oracle's own rounding: previous and next whole hour.
    assert start == lo.replace(minute=0, second=0) and end >= hi and (end - hi) <= timedelta(hours=1, seconds=1)
    return start, end


def _same(metrics: Metrics, counts: Counter[str]) -> None:
    assert (metrics.clicks, metrics.bots, metrics.unfurlers, metrics.uniques) == (
        counts["human"], counts["bot"], counts["unfurler"], counts["unique"]
    )


@SLOW
@given(clicks=CLICKS, a=MOMENTS, b=MOMENTS, offset=OFFSETS, group_by=st.sampled_from(sorted(GROUPINGS)))
def test_range_totals_and_groups_match_the_raw_clicks(world: World, clicks, a, b, offset, group_by) -> None:
    world.reset_clicks()
    world.click(clicks)
    start, end = _range(a, b, offset)
    query = StatsQuery((world.project.project.id,), start, end, offset, group_by=group_by, per_page=100)
    report = build_report(world.engine, query)
    _same(report.totals, world.count(start, end).get(None, Counter()))
    expected = world.count(start, end, GROUPINGS[group_by])
    got = {g.value: g for g in report.groups}
    active = {k for k, c in expected.items() if c["human"] or c["bot"] or c["unfurler"]}
    assert active <= set(got)
    for value in active:
        _same(got[value].metrics, expected[value])
    assert report.total_results == len(report.groups)


@SLOW
@given(clicks=CLICKS, a=MOMENTS, b=MOMENTS, offset=OFFSETS, interval=st.sampled_from(["hour", "day", "week"]))
def test_intervals_partition_the_range(world: World, clicks, a, b, offset, interval) -> None:
    world.reset_clicks()
    world.click(clicks)
    start, end = _range(a, b, offset)
    if len(timeline.intervals(start, end, "hour")) > 500 and interval == "hour":
        end = start + timedelta(hours=500)
    query = StatsQuery((world.project.project.id,), start, end, offset, interval=interval, with_zeros=True,
                       group_by="channel", per_page=100)
    report = build_report(world.engine, query)
    assert report.intervals is not None
    assert [(b.start, b.end) for b in report.intervals] == timeline.intervals(start, end, interval)
    for bucket in report.intervals:
        _same(bucket.metrics, world.count(bucket.start, bucket.end).get(None, Counter()))
    for group in report.groups:
        assert sum(b.metrics.clicks for b in group.intervals or []) == group.metrics.clicks
        for bucket in group.intervals or []:
            expected = world.count(bucket.start, bucket.end, GROUPINGS["channel"]).get(group.value, Counter())
            _same(bucket.metrics, expected)


@SLOW
@given(clicks=CLICKS, pivot=st.sampled_from(["tag", "awesm_id", "country"]))
def test_pivots_split_each_group(world: World, clicks, pivot) -> None:
    world.reset_clicks()
    world.click(clicks)
    start, end = EPOCH, EPOCH + timedelta(days=11)
    query = StatsQuery((world.project.project.id,), start, end, group_by="channel", pivot=pivot, per_page=100)
    report = build_report(world.engine, query)
    for group in report.groups:
        expected = world.count(start, end, GROUPINGS[pivot], where=lambda f, v=group.value: f.link.channel == v)
        got = {p.value: p.metrics for p in group.pivots or []}
        for value, counts in expected.items():
            if counts["human"] or counts["bot"] or counts["unfurler"]:
                _same(got[value], counts)


def test_filters_on_link_and_click_dimensions(world: World) -> None:
    world.click([(0, 3600 * h, h % 2, h % 4) for h in range(48)] + [(2, 7200, 0, 1), (3, 90000, 1, 2)])
    start, end = EPOCH, EPOCH + timedelta(days=3)
    project = (world.project.project.id,)
    for filters, where in [
        ((Filter("channel", ("twitter",)),), lambda f: f.link.channel == "twitter"),
        ((Filter("tag", ("alpha",)), Filter("campaign", ("spring",))), lambda f: f.link.tag == "alpha"),
        ((Filter("user_id", ("u1",)),), lambda f: f.link.user_id == "u1"),
        ((Filter("country", ("US",)),), lambda f: f.country == "US"),
        ((Filter("country", ("GB",)), Filter("channel", ("twitter",))),
         lambda f: f.country == "GB" and f.link.channel == "twitter"),
    ]:
        report = build_report(world.engine, StatsQuery(project, start, end, filters=filters))
        _same(report.totals, world.count(start, end, where=where).get(None, Counter()))


def test_shares_are_links_created_in_the_range_and_totals_prefer_shared_at(world: World) -> None:
    world.set_created(0, EPOCH + timedelta(hours=1))
    world.set_created(1, EPOCH + timedelta(hours=30))
    world.set_created(2, EPOCH - timedelta(days=5), shared_at=EPOCH + timedelta(hours=2))
    world.set_created(3, EPOCH - timedelta(days=5))
    world.set_created(4, EPOCH + timedelta(days=20))
    world.click([(i, 3600 * 50 + i, 0, i) for i in range(5)] + [(0, 60, 0, 0)])
    project = (world.project.project.id,)
    day = StatsQuery(project, EPOCH, EPOCH + timedelta(days=1))
    assert build_report(world.engine, day).totals.shares == 1  # created_at decides for range
    totals = build_report(world.engine, StatsQuery(project, EPOCH, EPOCH + timedelta(days=1), scope="totals"))
    assert totals.totals.shares == 2  # links 0 and 2 (shared_at wins)
    assert totals.totals.clicks == 3  # their all-time clicks: link 0 twice, link 2 once
    assert totals.totals.clicks_per_share == 1.5
    everything = build_report(world.engine, StatsQuery(project, EPOCH, EPOCH + timedelta(days=30),
                                                       group_by="awesm_id", sort_type="shares", per_page=100))
    assert sum(g.metrics.shares or 0 for g in everything.groups) == 3


def test_active_counts_all_time_clicks_of_links_clicked_in_the_range(world: World) -> None:
    world.click([(0, 60, 0, 0), (0, 86400 * 5, 0, 1), (1, 86400 * 5 + 10, 0, 2)])
    project = (world.project.project.id,)
    report = build_report(world.engine, StatsQuery(project, EPOCH, EPOCH + timedelta(hours=1), scope="active",
                                                   group_by="awesm_id"))
    assert [(g.value, g.metrics.clicks) for g in report.groups] == [(world.links[0].awesm_id, 2)]


def test_sorting_and_paging_cover_every_group_once(world: World) -> None:
    world.click([(i % 5, i * 600, 0, i) for i in range(40)])
    project = (world.project.project.id,)
    seen: list[str] = []
    first = 0
    while True:
        query = StatsQuery(project, EPOCH, EPOCH + timedelta(days=2), group_by="awesm_id", per_page=2, first=first,
                           sort_type="clicks", sort_order="desc")
        report = build_report(world.engine, query)
        seen += [g.value for g in report.groups]
        clicks = [g.metrics.clicks for g in report.groups]
        assert clicks == sorted(clicks, reverse=True)
        if first + len(report.groups) >= report.total_results:
            break
        first += len(report.groups)
    assert sorted(seen) == sorted({link.awesm_id for link in world.links})


@pytest.mark.parametrize("unit", ["hour", "day"])
def test_cube_follows_a_link_whose_channel_changes(world: World, unit: str) -> None:
    from sharelytics.core.links.model import LinkMetadata
    from sharelytics.core.links.update import update_link

    world.click([(0, 60, 0, 0), (0, 7200, 0, 1)])
    update_link(world.engine, world.project.project, world.links[0].awesm_id, LinkMetadata(channel="email"))
    query = StatsQuery((world.project.project.id,), EPOCH, EPOCH + timedelta(days=2 if unit == "day" else 0,
                                                                             hours=0 if unit == "day" else 3),
                       group_by="channel")
    groups = {g.value: g.metrics.clicks for g in build_report(world.engine, query).groups}
    assert groups.get("twitter", 0) == 0 and groups["email"] == 2


@pytest.mark.parametrize("pivot", ["tag", "country"])
def test_stat_pairs_follow_a_link_whose_channel_changes(world: World, pivot: str) -> None:
    """The per-day pairs (channel x tag, channel x country) move with the link, checked against the oracle."""
    from sharelytics.core.links.model import LinkMetadata
    from sharelytics.core.links.update import update_link

    world.click([(0, 60, 0, 0), (0, 7200, 1, 1), (1, 90000, 0, 2), (2, 3600, 0, 3)])
    update_link(world.engine, world.project.project, world.links[0].awesm_id, LinkMetadata(channel="email"))
    moved = world.links[0].id
    start, end = EPOCH, EPOCH + timedelta(days=2)
    query = StatsQuery((world.project.project.id,), start, end, group_by="channel", pivot=pivot, per_page=100)
    report = build_report(world.engine, query)
    channel = lambda f: "email" if f.link.id == moved else f.link.channel
    for group in report.groups:
        expected = world.count(start, end, GROUPINGS[pivot], where=lambda f, v=group.value: channel(f) == v)
        got = {p.value: p.metrics for p in group.pivots or []}
        for value, counts in expected.items():
            _same(got[value], counts)
    assert {g.value for g in report.groups} == {channel(f) for f in world.facts}


@SLOW
@given(clicks=CLICKS, a=MOMENTS, b=MOMENTS, offset=OFFSETS, chosen=st.sets(st.integers(0, 4), min_size=1),
       picked_by=st.sampled_from(["awesm_id", "user_id"]), group_by=st.sampled_from([None, "country", "channel"]),
       interval=st.sampled_from([None, "hour", "day"]))
def test_links_picked_by_a_per_link_dimension_match_the_raw_clicks(world: World, clicks, a, b, offset, chosen,
                                                                    picked_by, group_by, interval) -> None:
    """A per-link filter reads the picked links' rows by key (their hours or days listed, core/clicks/history.py):
    totals, groups and intervals against the oracle, over edge hours and time zones."""
    world.reset_clicks()
    world.click(clicks)
    start, end = _range(a, b, offset)
    if interval == "hour" and len(timeline.intervals(start, end, "hour")) > 500:
        end = start + timedelta(hours=500)
    values = tuple(sorted({getattr(world.links[i], picked_by) for i in chosen}, key=str))
    query = StatsQuery((world.project.project.id,), start, end, offset, interval=interval,
                       filters=(Filter(picked_by, values),), group_by=group_by, per_page=100)
    report = build_report(world.engine, query)
    where = lambda f: getattr(f.link, picked_by) in values  # noqa: E731
    _same(report.totals, world.count(start, end, where=where).get(None, Counter()))
    if group_by is not None:
        expected = world.count(start, end, GROUPINGS[group_by], where=where)
        got = {g.value: g.metrics for g in report.groups}
        for value, counts in expected.items():
            _same(got[value], counts)
    for bucket in report.intervals or []:
        _same(bucket.metrics, world.count(bucket.start, bucket.end, where=where).get(None, Counter()))


@pytest.mark.parametrize("group_by", [None, "country"])
def test_all_time_counts_of_a_picked_link_match_the_raw_clicks(world: World, group_by: str | None) -> None:
    """No dates: a click dimension over a picked link reads its click_facets hours from first to last click."""
    world.click([(1, 3600 * h + 59, h % 4, h % 4) for h in range(0, 240, 7)] + [(2, 100, 0, 0)])
    link = world.links[1]
    query = StatsQuery((world.project.project.id,), scope="totals", group_by=group_by,
                       filters=(Filter("awesm_id", (link.awesm_id,)),), per_page=100)
    report = build_report(world.engine, query)
    where = lambda f: f.link.id == link.id  # noqa: E731
    _same(report.totals, world.count(None, None, where=where).get(None, Counter()))
    if group_by is not None:
        for value, counts in world.count(None, None, GROUPINGS[group_by], where=where).items():
            _same(next(g.metrics for g in report.groups if g.value == value), counts)
