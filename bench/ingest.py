"""Ingest-only benchmark: the bench's project and clicks (bench/stats.py), written with `ClickWriter.write` in
batches of `flush_batch` (20,000), timed in wall-clock and in CPU seconds (CPU per click is the figure that survives a shared,
loaded machine). Not part of the test suite.

    python bench/ingest.py --clicks 1000000 --links 100000
    PYTHONPATH=/path/to/other/tree/src python bench/ingest.py ...   # the same on another tree, for an A/B
    python bench/ingest.py --append big.db --clicks 300000   # into a copy of an earlier run's file (bench/stats.py)

--append measures the writer on a large database without building one each time: the file (from
`bench/stats.py --database-url sqlite:///FILE`) is copied, and the clicks, on the same links, fall on the day after
its last click, at the density of a 10M-click month (a day's worth of clicks per 333,000).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import stats as bench  # noqa: E402

from sqlalchemy import Engine, text  # noqa: E402

from sharelytics.config import Settings  # noqa: E402
from sharelytics.core.clicks.writer import ClickWriter  # noqa: E402
from sharelytics.storage.engine import make_engine  # noqa: E402
from sharelytics.storage.migrate import upgrade  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=200_000)
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=Settings().flush_batch)
    parser.add_argument("--cache-mb", type=int, default=Settings().click_writer_cache_mb)
    parser.add_argument("--append", type=Path, help="a SQLite file of an earlier bench/stats.py run (left unchanged)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="sharelytics-ingest-", dir=args.append.parent if args.append else None))
    try:
        engine = make_engine(f"sqlite:///{workdir / 'bench.db'}")
        if args.append:
            shape, link_ids, start = _copied(args.append, workdir / "bench.db", engine, args)
        else:
            shape = bench.Shape(args.clicks, args.links, 30, args.batch, 7)
            upgrade(engine)
            start = datetime(2026, 10, 2)
            _, link_ids, _ = bench.setup_project(engine, shape, start)
        prefix = f"{time.time_ns():x}-"  # click ids new to an appended file too
        batches = list(bench.clicks(shape, link_ids, bench._project_id(engine), start, id_prefix=prefix))
        writer = ClickWriter(engine, "bench-secret", cache_mb=args.cache_mb)
        cpu, wall, stored = time.process_time(), time.perf_counter(), 0
        for batch in batches:
            stored += writer.write(batch)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = os.path.getsize(workdir / "bench.db") / 1e6
        print(f"{stored:,} clicks: {wall:.1f}s wall = {stored / wall:,.0f}/s; {cpu:.1f} CPU-s = {stored / cpu:,.0f}"
              f" per CPU-s; database {size:,.0f} MB; load average {os.getloadavg()[0]:.2f}")
        engine.dispose()
    finally:
        shutil.rmtree(workdir)
    return 0


def _copied(source: Path, target: Path, engine: Engine,
            args: argparse.Namespace) -> tuple[bench.Shape, list[int], datetime]:
    """Copy an earlier run's file (and WAL) to `target`; the shape, link ids and start of the clicks to append."""
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    upgrade(engine)
    with engine.connect() as conn:
        link_ids = list(conn.execute(text("SELECT id FROM links ORDER BY id")).scalars())
        last = conn.execute(text("SELECT max(clicked_at) FROM clicks")).scalar_one()
    start = datetime.fromisoformat(str(last)).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    days = max(1, round(args.clicks / 333_000))
    return bench.Shape(args.clicks, len(link_ids), days, args.batch, 1007), link_ids, start


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
