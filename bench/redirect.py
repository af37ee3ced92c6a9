"""Redirect and create throughput against a bare ASGI 302, on this machine, in one run.

    python bench/redirect.py [--duration 10] [--connections 64] [--links 100000] [--rounds 3] [--only creates]

Every server is uvicorn with the same settings (1 worker, uvloop, httptools, access log off, lifespan on) on
127.0.0.1, loaded by `wrk` over keep-alive connections, all with the same Host header:
  - bare: the smallest ASGI app answering the same 302 (bench/bare_app.py), the baseline;
  - ours: `sharelytics serve`'s app (SQLite in a temporary directory), click writer running in process;
  - capture: the same app without the click writer (bench/capture_only.py): the redirect and its journal append.
Runs: creates/s through POST /url.json first (server otherwise idle); then rounds of one hot link and of random
paths over `--links` links (bench/random_paths.lua, after a first pass that fills the cache), bare and ours back to
back so each ratio compares runs made under the same machine load; before each run the servers are left to go
quiet (a click writer catching up would slow whatever runs next). Finally the servers are stopped (SIGTERM drains
the journal) and the clicks captured are compared with the requests wrk reports as completed. Servers die with
this script. `--only creates` starts `ours` alone and runs just the creates (`--rounds` times, each figure
printed). Needs `wrk` (installed with apt-get when missing, as root). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from harness import BENCH, UVICORN_FLAGS, WrkResult, cpu_seconds, ensure_wrk, free_port, run_wrk, server, stop, wait_idle

SERVERS = ("bare", "ours", "capture")
APPS = {"bare": ["--app-dir", str(BENCH), "bare_app:app"], "ours": ["--factory", "sharelytics.app:create_app"],
        "capture": ["--factory", "--app-dir", str(BENCH), "capture_only:create_app"]}


@dataclass
class Bench:
    wrk: str
    duration: int
    connections: int
    paths_file: Path
    host: str  # the shared link domain (and API host): every request names it
    urls: dict[str, str]
    pids: dict[str, int] = field(default_factory=dict)
    counted: list[WrkResult] = field(default_factory=list)  # GETs on sharelytics: one click per completed request
    # Server process CPU µs per completed request, per run name: it moves far less with the machine's load than
    # requests/s, and it leaves out wrk and the click writer child.
    server_us: dict[str, list[float]] = field(default_factory=dict)

    def run(self, name: str, path: str | None, seconds: int | None = None) -> WrkResult:
        """wrk on one server: `path`, or random paths when None."""
        wait_idle(list(self.pids.values()))
        script, script_args = (None, ()) if path else (BENCH / "random_paths.lua", [str(self.paths_file)])
        cpu = cpu_seconds(self.pids[name])
        result = run_wrk(self.wrk, f"{self.urls[name]}/{path or ''}", seconds or self.duration, self.connections,
                         script, script_args, host=self.host)
        used = (cpu_seconds(self.pids[name]) - cpu) / max(result.requests, 1) * 1e6
        self.server_us.setdefault(f"{name}_{'hot' if path else 'random'}", []).append(used)
        if name != "bare":
            self.counted.append(result)
        return result

    def round(self, hot_path: str) -> dict[str, WrkResult]:
        return {f"{name}_{kind}": self.run(name, hot_path if kind == "hot" else None)
                for kind in ("hot", "random") for name in SERVERS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="Seconds per measured wrk run.")
    parser.add_argument("--connections", type=int, default=64, help="wrk keep-alive connections.")
    parser.add_argument("--links", type=int, default=100_000, help="Links for the random-path runs.")
    parser.add_argument("--rounds", type=int, default=3, help="Rounds of runs; medians are reported.")
    parser.add_argument("--only", choices=["creates"], help="Run only this part (creates: `ours` alone).")
    args = parser.parse_args()
    if args.only == "creates":
        return creates_only(args)
    wrk = ensure_wrk()
    from count_clicks import captured_clicks
    from setup_data import prepare

    with tempfile.TemporaryDirectory(prefix="sl-bench-") as tmp:
        root = Path(tmp)
        ports = {name: free_port() for name in SERVERS}
        host = f"127.0.0.1:{ports['ours']}"
        database_url = f"sqlite:///{root / 'sharelytics.db'}"
        t0 = time.perf_counter()
        data = prepare(root / "ours", database_url, host, args.links)
        elapsed = time.perf_counter() - t0
        print(f"prepared {args.links:,} links in {elapsed:.1f}s ({args.links / elapsed:,.0f} links/s through "
              "create_links in batches)", flush=True)
        paths_file = root / "paths.txt"
        paths_file.write_text("".join(f"/{p}\n" for p in data.paths))
        bench = Bench(wrk, args.duration, args.connections, paths_file, host,
                      {name: f"http://127.0.0.1:{port}" for name, port in ports.items()})
        with ExitStack() as stack:
            procs = {name: stack.enter_context(server(APPS[name], ports[name], _env(root / name, database_url, host,
                                                                                   args.links), f"/{data.hot_path}",
                                                      host)) for name in SERVERS}
            bench.pids = {name: p.pid for name, p in procs.items()}
            wait_idle(list(bench.pids.values()))
            creates = run_wrk(wrk, f"{bench.urls['ours']}/url.json", args.duration, args.connections,
                              BENCH / "create.lua", [data.create_body], host=host)
            for name in SERVERS:  # warm-ups (the link cache itself is filled at startup)
                bench.run(name, data.hot_path, seconds=2)
            first_pass = {name: bench.run(name, None, seconds=max(args.duration, 15)) for name in SERVERS}
            rounds = [bench.round(data.hot_path) for _ in range(args.rounds)]
            t_stop = time.perf_counter()
            for proc in procs.values():
                stop(proc)
            drained_in = time.perf_counter() - t_stop
        stored, journaled = captured_clicks(database_url, [root / name for name in SERVERS])
        report(args, rounds, first_pass, creates, bench, stored, journaled, drained_in)


def creates_only(args: argparse.Namespace) -> None:
    """POST /url.json on `ours` alone, `--rounds` runs of `--duration` seconds (a few links prepared, not 100,000)."""
    wrk = ensure_wrk()
    from setup_data import prepare

    with tempfile.TemporaryDirectory(prefix="sl-bench-") as tmp:
        root = Path(tmp)
        port = free_port()
        host = f"127.0.0.1:{port}"
        database_url = f"sqlite:///{root / 'sharelytics.db'}"
        data = prepare(root / "ours", database_url, host, 100)
        with server(APPS["ours"], port, _env(root / "ours", database_url, host, 100), f"/{data.hot_path}",
                    host) as proc:
            results = []
            for _ in range(args.rounds):
                wait_idle([proc.pid])
                cpu = cpu_seconds(proc.pid)
                results.append(run_wrk(wrk, f"http://{host}/url.json", args.duration, args.connections,
                                       BENCH / "create.lua", [data.create_body], host=host))
                # Server CPU per create moves far less with the machine's load than creates/s does.
                per_create = (cpu_seconds(proc.pid) - cpu) / max(results[-1].requests, 1) * 1e6
                print(f"creates: {results[-1].rps:,.0f}/s ({results[-1].requests:,} in {args.duration}s, "
                      f"{results[-1].bad_status} non-2xx, {results[-1].socket_errors} socket errors; server CPU "
                      f"{per_create:,.0f} µs per create)", flush=True)
    print(f"\ncreates via POST /url.json, median of {args.rounds}: {statistics.median(r.rps for r in results):,.0f}/s "
          f"(goal 2,000/s); wrk -t1 -c{args.connections} -d{args.duration}s; load average at the end "
          f"{os.getloadavg()[0]:.2f}")


def _env(data_dir: Path, database_url: str, host: str, links: int) -> dict[str, str]:
    return {**os.environ, "SHARELYTICS_DATA_DIR": str(data_dir), "SHARELYTICS_DATABASE_URL": database_url,
            "SHARELYTICS_PUBLIC_URL": f"http://{host}", "SHARELYTICS_SECRET": "bench-secret",
            "SHARELYTICS_LOG_LEVEL": "warning", "SHARELYTICS_CREATE_RATE_LIMIT": "0",
            "SHARELYTICS_LINK_CACHE_SIZE": str(max(links * 2, 1000))}


def report(args: argparse.Namespace, rounds: list[dict[str, WrkResult]], first_pass: dict[str, WrkResult],
           creates: WrkResult, bench: Bench, stored: int, journaled: int, drained_in: float) -> None:
    def rps(name: str) -> float:
        return statistics.median(r[name].rps for r in rounds)

    def ratio(ours: str, bare: str) -> str:
        return f"{statistics.median(r[ours].rps / r[bare].rps for r in rounds):.0%}"

    completed = sum(r.requests for r in bench.counted)
    captured = stored + journaled
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
          f"Python {platform.python_version()}; load average at the end {os.getloadavg()[0]:.2f}")
    print(f"wrk -t1 -c{args.connections} -d{args.duration}s keep-alive; uvicorn {' '.join(UVICORN_FLAGS)}; "
          f"medians of {args.rounds} rounds (each ratio taken within a round)\n")
    print("| run | bare 302 (req/s) | ours: serve (req/s, / bare) | capture only (req/s, / bare) |")
    print("|---|---:|---:|---:|")
    for kind, label, goal in (("hot", "one hot link", "80 %"), ("random", f"{args.links:,} links, random", "70 %")):
        print(f"| {label} (goal {goal}) | {rps('bare_' + kind):,.0f} | {rps('ours_' + kind):,.0f} "
              f"({ratio('ours_' + kind, 'bare_' + kind)}) | {rps('capture_' + kind):,.0f} "
              f"({ratio('capture_' + kind, 'bare_' + kind)}) |")
    print(f"| {args.links:,} links, first random pass after startup | {first_pass['bare'].rps:,.0f} | "
          f"{first_pass['ours'].rps:,.0f} | {first_pass['capture'].rps:,.0f} |")
    us = {name: statistics.median(values) for name, values in bench.server_us.items()}
    print("\nserver process CPU per request (µs, median of the runs; the click writer child not included): "
          + ", ".join(f"{name} {value:.1f}" for name, value in sorted(us.items())))
    for kind in ("hot", "random"):
        print(f"  {kind}: bare / ours = {us['bare_' + kind] / us['ours_' + kind]:.0%}, "
              f"bare / capture = {us['bare_' + kind] / us['capture_' + kind]:.0%}")
    print(f"\ncreates via POST /url.json (awe.sm Create API, one link each): {creates.rps:,.0f}/s "
          f"({creates.requests:,} in {args.duration}s, {creates.bad_status} non-2xx; goal 2,000/s)")
    for i, r in enumerate(rounds, 1):
        print(f"round {i}: " + ", ".join(f"{k} {v.rps:,.0f}" for k, v in r.items()))
    bad = sum(w.bad_status + w.socket_errors for r in rounds for w in r.values())
    print(f"non-2xx/3xx responses or socket errors on redirect runs: {bad}")
    print(f"clicks: wrk completed {completed:,} GETs on sharelytics; captured {captured:,} ({stored:,} stored, "
          f"{journaled:,} journaled; servers stopped in {drained_in:.1f}s); difference {captured - completed:+,}")
    print(f"(a request answered after wrk stopped reading is captured but not completed: 0 to {args.connections} "
          f"per run, {len(bench.counted)} runs)")
    ok = 0 <= captured - completed <= args.connections * len(bench.counted)
    print("clicks check:", "OK" if ok else "MISMATCH")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
