"""Stats benchmark: ingest a realistic click history through the real click writer, then time a fixed mix of
Stats API queries through the HTTP app (in-process ASGI). Not part of the test suite.

    python bench/stats.py                       # 10,000,000 clicks on 100,000 links over 30 days, SQLite
    python bench/stats.py --quick               # 300,000 clicks on 10,000 links: a few minutes' smoke run
    python bench/stats.py --database-url postgresql://user:pw@127.0.0.1:5432/db

The data: Zipf-skewed links (a few links take most clicks), a daily cycle, ~10 % crawlers and ~3 % link-preview
unfurlers, varied user agents, IPs (so countries) and referrers; links spread over channels, tags, campaigns,
tools and user_ids, created across the period. Clicks are `ClickRecord`s written with `ClickWriter.write` in
batches of `flush_batch` (20,000 by default), in time order, exactly as the journal drain hands them over.
Figures: ingest clicks/s, then p50/p99 per query. Results go to stdout (and --json FILE).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import json
import os
import platform
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import httpx
from sqlalchemy import Engine, bindparam, text, update

from sharelytics.app import build_services, create_app
from sharelytics.config import Settings, load_settings
from sharelytics.core.clicks.journal import ClickRecord
from sharelytics.core.clicks.writer import ClickWriter
from sharelytics.core.links.create import NewLink, create_links
from sharelytics.core.links.model import LinkMetadata
from sharelytics.core.links.tools import create_tool
from sharelytics.core.projects.manage import create_project
from sharelytics.core.secrets import hash_key
from sharelytics.storage.engine import is_sqlite, make_engine
from sharelytics.storage.migrate import upgrade
from sharelytics.storage.tables import links as links_table

HUMANS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{v} "
    "Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0 Mobile "
    "Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
]
BOTS = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "curl/8.5.0",
        "python-requests/2.31.0", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"]
UNFURLERS = ["Twitterbot/1.0", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
             "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "WhatsApp/2.23.20.0",
             "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"]
REFERRERS = [None] * 6 + ["https://t.co/abc", "https://www.facebook.com/", "https://l.facebook.com/l.php",
                          "https://www.google.com/", "https://news.ycombinator.com/", "https://www.reddit.com/r/x",
                          "https://mail.google.com/", "https://www.linkedin.com/feed/"]
CHANNELS = ["twitter", "facebook-post", "facebook-share", "email", "copypaste", "linkedin", "tumblr-video",
            "twitter-dm"]
# Relative traffic per UTC hour: low at night, peaks mid-morning and evening.
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 9, 9, 8, 8, 8, 9, 10, 11, 10, 8, 5, 3]


@dataclass(frozen=True)
class Shape:
    clicks: int
    links: int
    days: int
    batch: int
    seed: int


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=10_000_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--batch", type=int, default=Settings().flush_batch,
                        help="clicks per ClickWriter.write (default: flush_batch's)")
    parser.add_argument("--quick", action="store_true", help="300,000 clicks on 10,000 links")
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temporary directory, removed at the end")
    parser.add_argument("--repeat", type=int, default=40, help="runs of each query")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument("--queries-only", action="store_true",
                        help="time the queries on the --database-url of an earlier run (migrated first; its Bench "
                             "project gets a new key); no setup, no ingest")
    args = parser.parse_args(argv)
    if args.quick:
        args.clicks, args.links = 300_000, 10_000
    return args


# --- the data set ---------------------------------------------------------------------------------------------


def setup_project(engine: Engine, shape: Shape, start: datetime) -> tuple[str, list[int], list[str]]:
    """A project with 5 tools and `shape.links` links; returns its API key, link ids and awesm_ids."""
    from sharelytics.core.links.domains import ensure_shared_domain

    project, keys = create_project(engine, "Bench")
    tools = [create_tool(engine, project, "App", f"Tool {n}") for n in range(5)]
    domain = ensure_shared_domain(engine, "sl.bench")
    rng = random.Random(shape.seed)
    ids: list[int] = []
    awesm_ids: list[str] = []
    for first in range(0, shape.links, 1000):
        count = min(1000, shape.links - first)
        tool = tools[(first // 1000) % len(tools)]
        items = [NewLink(f"https://site{rng.randrange(200)}.example/post/{first + n}", _metadata(rng))
                 for n in range(count)]
        for link in create_links(engine, project, tool, domain, items):
            ids.append(link.id)
            awesm_ids.append(link.awesm_id)
    _spread_creation(engine, ids, start, shape, rng)
    return keys.awesm_api_key, ids, awesm_ids


def _metadata(rng: random.Random) -> LinkMetadata:
    return LinkMetadata(
        channel=rng.choice(CHANNELS), tag=f"tag{int(rng.paretovariate(1.2)) % 40}",
        campaign=f"campaign-{rng.randrange(15)}" if rng.random() < 0.6 else None,
        user_id=f"user{rng.randrange(5000)}" if rng.random() < 0.8 else None,
    )


def _spread_creation(engine: Engine, ids: list[int], start: datetime, shape: Shape, rng: random.Random) -> None:
    """Links are created across the period (a tenth before it), so range shares are spread out too."""
    from sharelytics.core.stats.share_rollup import rebuild_shares  # imported here: --queries-only on old trees
    span = shape.days * 86400
    rows = [{"lid": link_id, "at": start + timedelta(seconds=rng.randrange(-span // 10, span))} for link_id in ids]
    stmt = update(links_table).where(links_table.c.id == bindparam("lid")).values(created_at=bindparam("at"))
    with engine.begin() as conn:
        conn.execute(stmt, rows)
        rebuild_shares(conn)  # the share rollups count links by created_at: recount them after backdating


def zipf_cumulative(n: int, s: float = 1.05) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1.0 / rank**s
        out.append(total)
    return out


def clicks(shape: Shape, link_ids: list[int], project_id: int, start: datetime,
           id_prefix: str = "b") -> Iterator[list[ClickRecord]]:
    """Batches of `shape.batch` ClickRecords in time order, as the journal drain would hand them over."""
    rng = random.Random(shape.seed + 1)
    order = link_ids[:]
    rng.shuffle(order)  # which links are popular has nothing to do with their ids
    cumulative = zipf_cumulative(len(order))
    top = cumulative[-1]
    hour_cum = list(itertools.accumulate(HOUR_WEIGHTS * shape.days))
    seconds = shape.days * 86400
    made = 0
    t0 = start.replace(tzinfo=UTC).timestamp()
    while made < shape.clicks:
        count = min(shape.batch, shape.clicks - made)
        # Times of this batch: the batch covers its share of the period, hours weighted by the daily cycle.
        lo, hi = made / shape.clicks * hour_cum[-1], (made + count) / shape.clicks * hour_cum[-1]
        moments = sorted(_moment(rng, hour_cum, lo, hi, seconds) for _ in range(count))
        batch = []
        for n, offset in enumerate(moments):
            link_id = order[bisect.bisect_left(cumulative, rng.random() * top)]
            ua, ip = _visitor(rng)
            batch.append(ClickRecord(f"{id_prefix}{made + n:010d}", link_id, project_id, t0 + offset, ua, ip,
                                     rng.choice(REFERRERS), "en-US,en;q=0.9"))
        made += count
        yield batch


def _moment(rng: random.Random, hour_cum: list[int], lo: float, hi: float, seconds: int) -> float:
    hour = bisect.bisect_left(hour_cum, rng.uniform(lo, hi))
    return min(hour * 3600 + rng.random() * 3600, seconds - 1)


def _visitor(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.10:
        ua = rng.choice(BOTS)
    elif roll < 0.13:
        ua = rng.choice(UNFURLERS)
    else:
        ua = rng.choice(HUMANS).format(v=rng.randrange(100, 125))
    # ~300,000 distinct addresses from public ranges, so countries vary and visitors repeat.
    n = rng.randrange(300_000)
    ip = f"{rng.choice((8, 23, 31, 46, 62, 77, 81, 91, 104, 151, 176, 185, 193, 212))}.{n % 251}.{n // 251 % 251}.{n % 199 + 1}"
    return ua, ip


def ingest(engine: Engine, shape: Shape, link_ids: list[int], project_id: int, start: datetime) -> dict[str, float]:
    writer = ClickWriter(engine, "bench-secret", cache_mb=Settings().click_writer_cache_mb)
    writing = generating = 0.0
    stored = 0
    began = time.perf_counter()
    for batch in clicks(shape, link_ids, project_id, start):
        mark = time.perf_counter()
        generating += mark - began
        stored += writer.write(batch)
        began = time.perf_counter()
        writing += began - mark
        if stored % (shape.batch * 100) == 0:
            print(f"  {stored:>11,} clicks stored, {stored / writing:,.0f}/s", file=sys.stderr, flush=True)
    return {"clicks": stored, "seconds": round(writing, 1), "clicks_per_s": round(stored / writing),
            "generation_s": round(generating, 1)}


# --- the queries ----------------------------------------------------------------------------------------------


def query_mix(key: str, awesm_ids: list[str], end: datetime, days: int) -> dict[str, tuple[str, dict[str, str]]]:
    rng = random.Random(3)
    day = lambda d: (end - timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    period = {"start_date": day(days), "end_date": day(0)}
    week = {"start_date": day(7), "end_date": day(0)}
    base = {"v": "3", "key": key}
    return {
        "range group_by=channel": ("/stats/range.json", {**base, **period, "group_by": "channel"}),
        "range group_by=channel pivot=tag": ("/stats/range.json", {**base, **period, "group_by": "channel",
                                                                   "pivot": "tag"}),
        "range/intervals hour, 7 days": ("/stats/range/intervals.json", {**base, **week, "interval": "hour"}),
        "totals": ("/stats/totals.json", {**base, **period}),
        "batch of 100 ids": ("/stats/awesm_ids/batch.json", {**base, "awesm_ids": ",".join(rng.sample(awesm_ids, 100))}),
        "range group_by=awesm_id page 1": ("/stats/range.json", {**base, **period, "group_by": "awesm_id"}),
        "range country=US group_by=channel": ("/stats/range.json", {**base, **week, "country": "US",
                                                                    "group_by": "channel"}),
        # Beyond the original mix: the other sorts of a per-link grouping, a range that does not cover the click
        # history, one in another time zone (edge hours), and a shorter totals.
        "range group_by=awesm_id sort=shares": ("/stats/range.json", {**base, **period, "group_by": "awesm_id",
                                                                      "sort_type": "shares", "page": "3"}),
        "range group_by=awesm_id sort=shared_at": ("/stats/range.json", {**base, **period, "group_by": "awesm_id",
                                                                         "sort_type": "shared_at"}),
        "range group_by=awesm_id 7 days": ("/stats/range.json", {**base, **week, "group_by": "awesm_id"}),
        "range group_by=user_id sort=clicks_per_share": ("/stats/range.json", {
            **base, **period, "group_by": "user_id", "sort_type": "clicks_per_share"}),
        "range group_by=channel pivot=tag -08:00": ("/stats/range.json", {
            **base, "group_by": "channel", "pivot": "tag",
            "start_date": (end - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S-08:00"),
            "end_date": end.strftime("%Y-%m-%dT%H:%M:%S-08:00")}),
        "totals (7 days)": ("/stats/totals.json", {**base, **week}),
        # A few links picked by id over a range: their rows read by key, hour by hour or day by day.
        "one link, intervals by hour, 7 days": (f"/stats/{awesm_ids[0]}/intervals.json", {
            **base, **week, "interval": "hour"}),
        "batch of 100 ids, intervals by day": ("/stats/awesm_ids/batch/intervals.json", {
            **base, **period, "awesm_ids": ",".join(rng.sample(awesm_ids, 100))}),
        "one link group_by=country": ("/stats/range.json", {**base, **period, "awesm_id": awesm_ids[1],
                                                            "group_by": "country"}),
    }


async def time_queries(services: Any, mix: dict[str, tuple[str, dict[str, str]]], repeat: int) -> dict[str, Any]:
    app = create_app(services=services)
    transport = httpx.ASGITransport(app=app)
    results: dict[str, Any] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://api.bench") as client:
        for name, (path, params) in mix.items():
            timings = []
            for n in range(repeat + 2):
                began = time.perf_counter()
                response = await client.get(path, params=params)
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {response.status_code} {response.text[:300]}")
                if n >= 2:  # two warm-up runs: caches and the key lookup
                    timings.append(elapsed)
            timings.sort()
            p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
            results[name] = {"p50_ms": round(statistics.median(timings), 1), "p99_ms": round(p99, 1),
                             "bytes": len(response.content)}
            print(f"  {name:<36} p50 {results[name]['p50_ms']:>8.1f} ms   p99 {results[name]['p99_ms']:>8.1f} ms",
                  file=sys.stderr, flush=True)
    return results


# --- main -------------------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    shape = Shape(args.clicks, args.links, args.days, args.batch, args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="sharelytics-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    engine = make_engine(url)
    try:
        if args.queries_only:
            return rerun_queries(engine, url, workdir, shape, args)
        return run(engine, url, workdir, shape, args)
    finally:
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)  # the journal dir, and the database unless --database-url


def run(engine: Engine, url: str, workdir: Path, shape: Shape, args: argparse.Namespace) -> int:
    """Set up, ingest, then time the query mix."""
    if not is_sqlite(engine):
        with engine.begin() as conn:  # a throwaway database: start from nothing
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    end = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=shape.days)
    print(f"{shape} on {engine.dialect.name}", file=sys.stderr)
    began = time.perf_counter()
    key, link_ids, awesm_ids = setup_project(engine, shape, start)
    print(f"  {len(link_ids):,} links in {time.perf_counter() - began:.1f}s", file=sys.stderr)
    project_id = _project_id(engine)
    figures: dict[str, Any] = {"shape": shape.__dict__, "database": engine.dialect.name,
                               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                           "platform": platform.platform()}}
    figures["ingest"] = ingest(engine, shape, link_ids, project_id, start)
    print(f"ingest: {figures['ingest']}", file=sys.stderr)
    if is_sqlite(engine):
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    settings = load_settings(environ={}, data_dir=str(workdir / "data"), database_url=url, secret="bench-secret",
                             public_url="http://sl.bench")
    services = build_services(settings, engine)
    figures["queries"] = asyncio.run(time_queries(services, query_mix(key, awesm_ids, end, shape.days), args.repeat))
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


def rerun_queries(engine: Engine, url: str, workdir: Path, shape: Shape, args: argparse.Namespace) -> int:
    """The query mix again on an earlier run's database (the same day: the ranges end at today's midnight)."""
    upgrade(engine)
    key = new_key(engine)
    with engine.begin() as conn:
        awesm_ids = list(conn.execute(text("SELECT awesm_id FROM links ORDER BY id")).scalars())
    if not awesm_ids:
        print(f"--queries-only: no links in {url}; run without --queries-only first", file=sys.stderr)
        return 2
    with engine.begin() as conn:
        if is_sqlite(engine):
            conn.execute(text("ANALYZE"))
    end = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    settings = load_settings(environ={}, data_dir=str(workdir / "data"), database_url=url, secret="bench-secret",
                             public_url="http://sl.bench")
    services = build_services(settings, engine)
    figures = {"queries": asyncio.run(time_queries(services, query_mix(key, awesm_ids, end, shape.days), args.repeat))}
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


def new_key(engine: Engine) -> str:
    """A new awe.sm API key for the Bench project of an earlier run (only its hash was stored)."""
    key = "bench-" + secrets.token_hex(16)
    with engine.begin() as conn:
        conn.execute(text("UPDATE projects SET awesm_key_hash = :h WHERE name = 'Bench'"), {"h": hash_key(key)})
    return key


def _project_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT id FROM projects WHERE name = 'Bench'")).scalar_one())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
