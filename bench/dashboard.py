"""Dashboard benchmark: the data of bench/stats.py (Zipf links, bots and unfurlers, a daily cycle), then every
dashboard page timed through the ASGI app in-process, signed in with the project's key. Not part of the tests.

    python bench/dashboard.py                              # 1,000,000 clicks on 50,000 links over 30 days, SQLite
    python bench/dashboard.py --database /tmp/dash.db      # keeps the file; a second run reuses it (no ingest)
    python bench/dashboard.py --database /tmp/s.db         # or reuses a bench/stats.py --database-url file
    python bench/dashboard.py --quick                      # 100,000 clicks on 5,000 links

Figures: p50/p99 per page in milliseconds (after two warm-up requests), on stderr and as JSON on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stats as data  # noqa: E402  (bench/stats.py: its data builder)

from sharelytics.app import build_services, create_app  # noqa: E402
from sharelytics.config import load_settings  # noqa: E402
from sharelytics.storage.engine import make_engine  # noqa: E402
from sharelytics.storage.migrate import upgrade  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=1_000_000)
    parser.add_argument("--links", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="100,000 clicks on 5,000 links")
    parser.add_argument("--database", default="", help="a SQLite file: built when missing, reused when present")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.quick:
        args.clicks, args.links = 100_000, 5_000
    return args


def build(path: Path, args: argparse.Namespace) -> str:
    """The data set in a SQLite file; returns the project's awe.sm API key (kept beside the file)."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    shape = data.Shape(args.clicks, args.links, args.days, 5000, args.seed)
    end = datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=shape.days)
    print(f"building {shape} in {path}", file=sys.stderr)
    key, link_ids, _ = data.setup_project(engine, shape, start)
    print(f"ingest: {data.ingest(engine, shape, link_ids, data._project_id(engine), start)}", file=sys.stderr)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    path.with_suffix(".key").write_text(key)
    return key


async def sign_in(client: httpx.AsyncClient, key: str) -> None:
    form = (await client.get("/dashboard/login")).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf, form[:300]
    answer = await client.post("/dashboard/login", data={"csrf": csrf.group(1), "method": "awesm", "api_key": key})
    assert answer.status_code == 303, answer.text[:300]


async def pages(client: httpx.AsyncClient) -> dict[str, str]:
    """The pages to time: lists with their filters, the most clicked link and a middling one, groups."""
    ranked = re.findall(r'href="/dashboard/links/([^"?]+)"',
                        (await client.get("/dashboard/links", params={"sort": "clicks", "period": "30d"})).text)
    top, middling = ranked[0], ranked[len(ranked) // 2]
    return {
        "links (newest, all time)": "/dashboard/links",
        "links sort=clicks (all time)": "/dashboard/links?sort=clicks",
        "links sort=clicks 30d": "/dashboard/links?sort=clicks&period=30d",
        "links search q=site1": "/dashboard/links?q=site1",
        "links channel=twitter (all time)": "/dashboard/links?channel=twitter",
        "links campaign + channel, 7d": "/dashboard/links?campaign=campaign-3&channel=twitter&period=7d",
        "links page 40": "/dashboard/links?page=40",
        "top link, 30d": f"/dashboard/links/{top}",
        "top link, 1d (hours)": f"/dashboard/links/{top}?period=1d",
        "top link, 365d (weeks)": f"/dashboard/links/{top}?period=365d",
        "middling link, 30d": f"/dashboard/links/{middling}",
        "campaigns (all time)": "/dashboard/campaigns",
        "campaigns 30d": "/dashboard/campaigns?period=30d",
        "tools 30d": "/dashboard/tools?period=30d",
        "messages": "/dashboard/messages",
    }


async def time_pages(services: Any, key: str, repeat: int) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=create_app(services=services))
    results: dict[str, Any] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://sl.bench") as client:
        await sign_in(client, key)
        for name, path in (await pages(client)).items():
            timings = []
            for n in range(repeat + 2):
                began = time.perf_counter()
                response = await client.get(path)
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {response.status_code} {response.text[:300]}")
                if n >= 2:
                    timings.append(elapsed)
            timings.sort()
            p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
            results[name] = {"path": path, "p50_ms": round(statistics.median(timings), 1), "p99_ms": round(p99, 1)}
            print(f"  {name:<32} p50 {results[name]['p50_ms']:>8.1f} ms   p99 {p99:>8.1f} ms", file=sys.stderr,
                  flush=True)
    return results


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    path = Path(args.database) if args.database else Path(tempfile.mkdtemp(prefix="sharelytics-dash-")) / "bench.db"
    key_file = path.with_suffix(".key")
    key = key_file.read_text() if key_file.exists() else None if path.exists() else build(path, args)
    workdir = Path(tempfile.mkdtemp(prefix="sharelytics-dash-data-"))
    url = f"sqlite:///{path}"
    settings = load_settings(environ={}, data_dir=str(workdir), database_url=url, secret="bench-secret",
                             public_url="http://sl.bench")
    engine = make_engine(url)
    upgrade(engine)  # a reused file may predate the newest migrations
    if key is None:  # a bench/stats.py database: its Bench project gets a new key, kept beside the file
        key = data.new_key(engine)
        key_file.write_text(key)
    services = build_services(settings, engine)
    figures = {"database": str(path), "pages": asyncio.run(time_pages(services, key, args.repeat))}
    print(json.dumps(figures, indent=2))
    services.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
