"""Ingest-only benchmark: the bench's project and clicks (bench/stats.py), written with `ClickWriter.write` in
batches of `flush_batch` (20,000), timed in wall-clock and in CPU seconds (CPU per click is the figure that survives a shared,
loaded machine). Not part of the test suite.

    python bench/ingest.py --clicks 1000000 --links 100000
    PYTHONPATH=/path/to/other/tree/src python bench/ingest.py ...   # the same on another tree, for an A/B
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import stats as bench  # noqa: E402

from sharelytics.config import Settings  # noqa: E402
from sharelytics.core.clicks.writer import ClickWriter  # noqa: E402
from sharelytics.storage.engine import make_engine  # noqa: E402
from sharelytics.storage.migrate import upgrade  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=200_000)
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=Settings().flush_batch)
    args = parser.parse_args(argv)
    shape = bench.Shape(args.clicks, args.links, 30, args.batch, 7)
    workdir = Path(tempfile.mkdtemp(prefix="sharelytics-ingest-"))
    try:
        engine = make_engine(f"sqlite:///{workdir / 'bench.db'}")
        upgrade(engine)
        start = datetime(2026, 10, 2)
        _, link_ids, _ = bench.setup_project(engine, shape, start)
        batches = list(bench.clicks(shape, link_ids, bench._project_id(engine), start))
        writer = ClickWriter(engine, "bench-secret")
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
