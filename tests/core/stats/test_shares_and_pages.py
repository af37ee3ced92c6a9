"""The share rollups and the SQL-paged per-link groupings, checked against independent computations: the rollups
kept by create, url/update and deletion equal a rebuild from `links`; shares per group and per-link pages (every
sort, both orders, hour-aligned ranges in several time zones) equal the oracle's answer from the raw records."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, update

from sharelytics.core.clock import utcnow
from sharelytics.core.links.create import NewLink, create_links
from sharelytics.core.links.domains import ensure_shared_domain
from sharelytics.core.links.model import LinkMetadata
from sharelytics.core.links.update import update_link
from sharelytics.core.sharing.shorturls import delete_shorturl
from sharelytics.core.stats import timeline
from sharelytics.core.stats.model import Filter, StatsQuery
from sharelytics.core.stats.report import build_report
from sharelytics.core.stats.share_rollup import rebuild_shares
from sharelytics.core.stats.sql import as_datetime
from sharelytics.storage import tables as t

from .conftest import EPOCH, World

SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CLICKS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 10 * 86400), st.integers(0, 3), st.integers(0, 3)),
                  max_size=40)
OFFSETS = st.sampled_from([timedelta(0), timedelta(hours=-8), timedelta(hours=5, minutes=30), timedelta(hours=2)])
# Creation times from before the clicks to after them, some links shared (service_postid_shared_at) elsewhere.
CREATED = st.lists(st.tuples(st.integers(-3 * 86400, 12 * 86400), st.none() | st.integers(-3 * 86400, 12 * 86400)),
                   min_size=5, max_size=5)
SORTS = st.sampled_from([None, "clicks", "shares", "clicks_per_share", "shared_at"])


def _rollups(engine: Engine) -> dict[str, set[tuple[Any, ...]]]:
    out = {}
    with engine.connect() as conn:
        for table, time in ((t.share_hours, "hour"), (t.share_days, "day")):
            rows = conn.execute(select(table.c.project_id, table.c.basis, table.c.a, table.c.b, table.c[time],
                                       table.c.av, table.c.bv, table.c.links, table.c.latest)
                                .where(table.c.links != 0))
            out[table.name] = {(*row[:-1], as_datetime(row[-1]) if row[-1] else None) for row in rows}
    return out


def _rebuilt(engine: Engine) -> dict[str, set[tuple[Any, ...]]]:
    with engine.begin() as conn:
        rebuild_shares(conn)
    return _rollups(engine)


OPERATIONS = st.lists(st.tuples(st.sampled_from(["channel", "tag", "campaign", "shared_at", "delete"]),
                                st.integers(0, 3), st.integers(0, 2), st.integers(0, 4 * 86400)), max_size=8)


@SLOW
@given(operations=OPERATIONS)
def test_share_rollups_kept_by_create_update_and_delete_equal_a_rebuild(world: World, operations) -> None:
    domain = ensure_shared_domain(world.engine, "sl.test")
    project = world.project.project
    made = create_links(world.engine, project, world.project.tool, domain, [
        NewLink(f"https://example.com/r{n}", LinkMetadata(channel=["twitter", "email"][n % 2], tag=["a", None][n % 2],
                                                          campaign="c" if n < 2 else None))
        for n in range(4)])
    alive = {link.awesm_id: link for link in made}
    now = utcnow()
    for what, index, choice, seconds in operations:
        link = made[index]
        if link.awesm_id not in alive:
            continue
        if what == "delete":
            delete_shorturl(world.engine, project.id, link.path)
            del alive[link.awesm_id]
            continue
        meta = {"channel": LinkMetadata(channel=["facebook-post", "email", "twitter"][choice]),
                "tag": LinkMetadata(tag=["a", "b", "c"][choice]),
                "campaign": LinkMetadata(campaign=["c", "d", "e"][choice]),
                "shared_at": LinkMetadata(service_postid_shared_at=(now - timedelta(seconds=seconds)).replace(
                    microsecond=0))}[what]
        update_link(world.engine, project, link.awesm_id, meta)
    assert _rollups(world.engine) == _rebuilt(world.engine)


def _place(world: World, created: list[tuple[int, int | None]]) -> list[tuple[datetime, datetime | None]]:
    placed = []
    for index, (at, shared) in enumerate(created):
        moment = EPOCH + timedelta(seconds=at)
        shared_at = None if shared is None else EPOCH + timedelta(seconds=shared)
        world.set_created(index, moment, shared_at)
        placed.append((moment, shared_at))
    return placed


def _range(a: int, b: int, offset: timedelta, wide: bool | str) -> tuple[datetime, datetime]:
    if wide is True:  # covers every click and creation: the link_totals path
        return EPOCH - timedelta(days=4), EPOCH + timedelta(days=13)
    if wide == "most":  # clicks span 10 days; up to 2 days cut at each end: link_totals minus the rows outside
        lo, hi = a % (2 * 86400), 10 * 86400 - b % (2 * 86400)
    else:
        lo, hi = sorted((a, b))
    return timeline.round_range(timeline.Instant(EPOCH + timedelta(seconds=lo), offset),
                                timeline.Instant(EPOCH + timedelta(seconds=hi + 1), offset))


def _oracle_groups(world: World, placed: list[tuple[datetime, datetime | None]], start: datetime, end: datetime,
                   scope: str, group_by: str) -> dict[Any, dict[str, Any]]:
    """Per group value: clicks (human, bot, unfurler), shares and the latest shared_at, from the raw records."""
    groups: dict[Any, dict[str, Any]] = {}
    for index, link in enumerate(world.links):
        created, shared = placed[index]
        when = created if scope == "range" else (shared or created)
        counted = start <= when < end
        if scope == "totals" and not counted:
            continue
        clicks: Counter[str] = Counter()
        for fact in world.facts:
            if fact.link.id == link.id and (scope == "totals" or start <= fact.at < end):
                clicks[fact.kind] += 1
        group = groups.setdefault(getattr(link, group_by), {"clicks": Counter(), "shares": 0, "shared_at": None})
        group["clicks"].update(clicks)
        if counted:
            group["shares"] += 1
            moment = shared or created
            group["shared_at"] = max(group["shared_at"] or moment, moment)
    return {v: g for v, g in groups.items() if g["shares"] or sum(g["clicks"].values())}


def _oracle_order(groups: dict[Any, dict[str, Any]], sort_type: str | None, descending: bool) -> list[Any]:
    def key(value: Any) -> Any:
        g = groups[value]
        if sort_type == "shares":
            return g["shares"]
        if sort_type == "clicks_per_share":
            return g["clicks"]["human"] / g["shares"] if g["shares"] else 0.0
        if sort_type == "shared_at":
            return g["shared_at"] or datetime.min
        return g["clicks"]["human"]

    by_value = sorted(groups, key=lambda v: (v is None, str(v)))
    return sorted(by_value, key=key, reverse=descending)


def _pages(world: World, query: StatsQuery) -> list[Any]:
    seen, first = [], 0
    while groups := build_report(world.engine, replace(query, first=first)).groups:
        seen += groups
        first += len(groups)
    return seen


def test_a_range_holding_most_of_the_history_reads_totals_minus_the_rest(world: World) -> None:
    """Clicks every 5 hours over 10 days, the range cutting a day and a few hours at each end: the counts come
    from link_totals minus the rows outside the range, and must equal the oracle's."""
    world.reset_clicks()
    placed = _place(world, [(index * 86400, None) for index in range(5)])
    world.click([(n % 5, n * 5 * 3600 + 1234, n % 4, n % 3) for n in range(48)])
    start, end = EPOCH + timedelta(days=1, hours=5), EPOCH + timedelta(days=9, hours=7)
    for group_by in ("awesm_id", "user_id"):
        expected = _oracle_groups(world, placed, start, end, "range", group_by)
        query = StatsQuery((world.project.project.id,), start, end, timedelta(0), group_by=group_by, per_page=2,
                           sort_type="clicks")
        got = _pages(world, query)
        assert [g.value for g in got] == _oracle_order(expected, "clicks", True)
        for group in got:
            want = expected[group.value]["clicks"]
            assert (group.metrics.clicks, group.metrics.bots, group.metrics.unfurlers) == (
                want["human"], want["bot"], want["unfurler"])


@SLOW
@given(clicks=CLICKS, created=CREATED, a=st.integers(-3 * 86400, 12 * 86400), b=st.integers(-3 * 86400, 12 * 86400),
       offset=OFFSETS, wide=st.sampled_from([True, False, "most"]), scope=st.sampled_from(["range", "totals"]),
       group_by=st.sampled_from(["awesm_id", "user_id"]), sort_type=SORTS, descending=st.booleans())
def test_per_link_pages_match_the_oracle(world: World, clicks, created, a, b, offset, wide, scope, group_by,
                                         sort_type, descending) -> None:
    world.reset_clicks()
    placed = _place(world, created)
    world.click(clicks)
    start, end = _range(a, b, offset, wide)
    expected = _oracle_groups(world, placed, start, end, scope, group_by)
    order = _oracle_order(expected, sort_type, descending)
    seen: list[Any] = []
    first = 0
    while True:
        query = StatsQuery((world.project.project.id,), start, end, offset, group_by=group_by, per_page=2,
                           first=first, sort_type=sort_type, sort_order="desc" if descending else "asc", scope=scope)
        report = build_report(world.engine, query)
        assert report.total_results == len(expected)
        for group in report.groups:
            want = expected[group.value]
            m = group.metrics
            assert (m.clicks, m.bots, m.unfurlers) == (want["clicks"]["human"], want["clicks"]["bot"],
                                                       want["clicks"]["unfurler"])
            assert (m.shares, m.shared_at) == (want["shares"], want["shared_at"])
        seen += [g.value for g in report.groups]
        if not report.groups:
            break
        first += len(report.groups)
    assert seen == order
    totals = build_report(world.engine, StatsQuery((world.project.project.id,), start, end, offset, scope=scope))
    assert totals.totals.clicks == sum(g["clicks"]["human"] for g in expected.values())
    assert totals.totals.shares == sum(g["shares"] for g in expected.values())


@SLOW
@given(clicks=CLICKS, created=CREATED, a=st.integers(-3 * 86400, 12 * 86400), b=st.integers(-3 * 86400, 12 * 86400),
       offset=OFFSETS, scope=st.sampled_from(["range", "totals"]),
       grouping=st.sampled_from([("channel", None), ("tag", None), ("channel", "tag"), ("campaign", "channel"),
                                 ("tool", "user_id")]),
       only=st.sampled_from([(), (Filter("channel", ("twitter",)),), (Filter("tag", ("alpha", "beta")),)]))
def test_shares_and_totals_per_group_match_the_oracle(world: World, clicks, created, a, b, offset, scope, grouping,
                                                      only) -> None:
    """Shares (and, for totals, all-time clicks) per group and pivot, from the rollups where they answer."""
    world.reset_clicks()
    placed = _place(world, created)
    world.click(clicks)
    start, end = _range(a, b, offset, False)
    group_by, pivot = grouping
    query = StatsQuery((world.project.project.id,), start, end, offset, group_by=group_by, pivot=pivot, per_page=100,
                       filters=only, scope=scope)
    report = build_report(world.engine, query)
    wanted = [i for i, link in enumerate(world.links)
              if all(getattr(link, f.dimension) in f.values for f in only)]
    per_link = {i: _oracle_groups(world, placed, start, end, scope, "id").get(world.links[i].id) for i in wanted}

    def expect(key: Any) -> dict[Any, tuple[int, int, Any]]:
        out: dict[Any, tuple[int, int, Any]] = {}
        for i, g in per_link.items():
            if g is None:
                continue
            value = key(world.links[i])
            clicks_, shares, latest = out.get(value, (0, 0, None))
            moment = g["shared_at"]
            out[value] = (clicks_ + g["clicks"]["human"], shares + g["shares"],
                          max(latest, moment) if latest and moment else latest or moment)
        return {v: x for v, x in out.items() if x[0] or x[1] or any(
            sum(per_link[i]["clicks"].values()) for i in per_link if per_link[i] and key(world.links[i]) == v)}

    groups = expect(lambda link: getattr(link, group_by))
    assert report.totals.shares == sum(s for _, s, _ in groups.values())
    if scope == "totals":
        assert report.totals.clicks == sum(c for c, _, _ in groups.values())
    got = {g.value: g for g in report.groups}
    assert set(got) == set(groups)
    for value, (clicks_, shares, latest) in groups.items():
        assert (got[value].metrics.shares, got[value].metrics.shared_at) == (shares, latest)
        if scope == "totals":
            assert got[value].metrics.clicks == clicks_
        if pivot:
            sub = expect(lambda link: (getattr(link, group_by), getattr(link, pivot)))
            pivots = {p.value: p.metrics for p in got[value].pivots or []}
            for (outer, inner), (_, p_shares, p_latest) in sub.items():
                if outer == value:
                    assert (pivots[inner].shares, pivots[inner].shared_at) == (p_shares, p_latest)


def test_shares_at_hour_boundaries_in_a_time_zone(world: World) -> None:
    """Links created either side of the client's local midnight fall in the right day interval."""
    world.set_created(0, EPOCH + timedelta(hours=7, minutes=59))  # 23:59 on Feb 28th at -08:00
    world.set_created(1, EPOCH + timedelta(hours=8))  # 00:00 on Mar 1st at -08:00
    world.set_created(2, EPOCH + timedelta(days=1, hours=7, minutes=59, seconds=59))
    world.set_created(3, EPOCH + timedelta(days=1, hours=8))
    world.set_created(4, EPOCH + timedelta(days=3))
    offset = timedelta(hours=-8)
    start, end = EPOCH + timedelta(hours=8), EPOCH + timedelta(days=2, hours=8)
    query = StatsQuery((world.project.project.id,), start, end, offset, interval="day", group_by="channel",
                       with_zeros=True, per_page=100)
    report = build_report(world.engine, query)
    assert report.totals.shares == 3  # links 1, 2 (the client's first day) and 3 (its second)
    assert [b.metrics.shares for b in report.intervals or []] == [2, 1]
    assert {g.value: g.metrics.shares for g in report.groups} == {"twitter": 1, "facebook-post": 1, "email": 1}


def test_a_link_moved_by_url_update_moves_its_share(world: World) -> None:
    world.click([(0, 60, 0, 0)])
    project = world.project.project
    with world.engine.begin() as conn:  # url/update only takes recent links: bring the world's links to now
        conn.execute(update(t.links).values(created_at=utcnow()))
        rebuild_shares(conn)
    update_link(world.engine, project, world.links[0].awesm_id, LinkMetadata(channel="email", tag="gamma"))
    now = utcnow()
    query = StatsQuery((project.id,), timeline.floor_day(now) - timedelta(days=1), timeline.floor_day(now)
                       + timedelta(days=1), group_by="channel", pivot="tag", per_page=100)
    report = build_report(world.engine, query)
    shares = {(g.value, p.value): p.metrics.shares for g in report.groups for p in g.pivots or []}
    assert shares[("email", "gamma")] == 1
    assert ("twitter", "alpha") not in shares  # link 0 was the only twitter/alpha link
    assert _rollups(world.engine) == _rebuilt(world.engine)


def test_per_link_pages_with_a_domain_or_user_filter(world: World) -> None:
    world.click([(i % 5, 600 * i, 0, i) for i in range(20)])
    project = (world.project.project.id,)
    start, end = EPOCH, EPOCH + timedelta(days=1)

    def page(*filters: Filter) -> list[tuple[Any, int]]:
        report = build_report(world.engine, StatsQuery(project, start, end, group_by="awesm_id", per_page=100,
                                                       filters=filters))
        assert report.total_results == len(report.groups)
        return [(g.value, g.metrics.clicks) for g in report.groups]

    everything = page()
    assert len(everything) == 5 and sum(c for _, c in everything) == 20
    assert page(Filter("domain", ("sl.test",))) == everything
    assert page(Filter("domain", ("elsewhere.test",))) == []
    mine = {link.awesm_id for link in world.links if link.user_id == "u1"}
    assert page(Filter("user_id", ("u1",))) == [(v, c) for v, c in everything if v in mine]
