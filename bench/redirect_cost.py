"""Instructions per redirect, ours against a bare ASGI 302, counted by callgrind: figures the machine's load cannot move.

    python bench/redirect_cost.py [--requests 2000] [--links 10000]

Each app runs in a process of its own under `valgrind --tool=callgrind`, behind uvicorn's `HttpToolsProtocol` (the
protocol `bench/redirect.py`'s servers run) fed through a fake transport: the same request bytes, parsed, routed
and answered by the same uvicorn code, with no kernel and no client in the figure. Start-up and a warm-up run
uncounted; then `--requests` requests are counted on the event-loop thread alone (`--separate-threads`: the click
pipeline and job threads run beside it on another core in a real server). Two loads, as in `bench/redirect.py`: one
hot link, and the links in random order. Prints instructions per request and bare / ours, which is what req/s
would show if the CPU ran every instruction at the same speed (it does not: more code and data touched means more
cache misses, and the kernel's share is the same on both sides). Needs valgrind (installed with apt-get when missing,
as root). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import ensure_command


APPS = {"bare": ("bare_app:app", False), "ours": ("sharelytics.app:create_app", True)}
KINDS = ("hot", "random")


class _Transport:
    """Just what uvicorn's protocol asks of a transport; counts writes (two per response)."""

    def __init__(self) -> None:
        self.writes = 0

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def write(self, data: bytes) -> None:
        self.writes += 1

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        """Never closed: one keep-alive connection."""

    def pause_reading(self) -> None:
        """Flow control is not exercised: every answer is read at once."""

    def resume_reading(self) -> None:
        """See pause_reading."""


def child(app: str, paths_file: Path, host: str, requests: int, signals: Path) -> None:
    """Runs under valgrind: serve `app`, warm up, then the counted requests between the parent's signals."""
    import uvloop
    from uvicorn.config import Config
    from uvicorn.lifespan.on import LifespanOn
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    from uvicorn.server import ServerState

    target, factory = APPS[app]
    config = Config(target, factory=factory, lifespan="on", loop="uvloop", http="httptools", access_log=False,
                    log_level="warning")  # bench/ is on sys.path: this script's own directory
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    config.load()
    lifespan = LifespanOn(config)
    loop.run_until_complete(lifespan.startup())
    wire = [f"GET {p} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode() for p in paths_file.read_text().split()]
    transport = _Transport()
    protocol = HttpToolsProtocol(config, ServerState(), {}, _loop=loop)
    protocol.connection_made(transport)  # type: ignore[arg-type]

    async def drive(count: int) -> None:
        for i in range(count):
            answered = transport.writes + 2
            protocol.data_received(wire[i % len(wire)])
            while transport.writes < answered:  # the app runs as a task: let it finish
                await asyncio.sleep(0)

    loop.run_until_complete(drive(min(len(wire), 3000)))
    (signals / "ready").touch()
    _wait_for(signals / "go")
    loop.run_until_complete(drive(requests))
    (signals / "done").touch()
    _wait_for(signals / "exit")
    loop.run_until_complete(lifespan.shutdown())


def _wait_for(path: Path, proc: subprocess.Popen[bytes] | None = None, log: Path | None = None,
              timeout: float = 1800.0) -> None:
    """Until `path` exists; exits if `proc` (the child under valgrind) ends first, or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc is not None and proc.poll() is not None:
            sys.exit(f"the child exited with {proc.returncode}:\n{log.read_text()[-3000:] if log else ''}")
        if time.monotonic() > deadline:
            sys.exit(f"gave up waiting for {path}")
        time.sleep(0.05)


def count(app: str, paths_file: Path, host: str, requests: int, env: dict[str, str], work: Path) -> float:
    """Instructions per request on the event-loop thread of `app`."""
    signals = Path(tempfile.mkdtemp(dir=work))
    out = signals / "callgrind.out"
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes",
           f"--callgrind-out-file={out}", sys.executable, __file__, "--child", app, "--paths", str(paths_file),
           "--host", host, "--requests", str(requests), "--signals", str(signals)]
    log = signals / "stderr.txt"  # a file, not a pipe: a full pipe would stall the child
    with log.open("w") as stderr:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        for step, signal in (("on", "go"), ("off", "exit")):
            _wait_for(signals / ("ready" if step == "on" else "done"), proc, log)
            subprocess.run(["callgrind_control", "-i", step, str(proc.pid)], check=True, capture_output=True)
            (signals / signal).touch()
        proc.wait(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    if proc.returncode != 0:
        sys.exit(f"{app}: valgrind exited with {proc.returncode}\n{log.read_text()[-3000:]}")
    main_thread = out.with_name(out.name + "-01")  # --separate-threads: one file per thread, the first is main
    totals = re.search(r"^totals:\s+(\d+)", main_thread.read_text(), re.M)
    if totals is None:
        sys.exit(f"{app}: no totals in {main_thread}")
    return int(totals.group(1)) / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="Counted requests per app and load.")
    parser.add_argument("--links", type=int, default=10_000, help="Links for the random-order load.")
    parser.add_argument("--child", choices=sorted(APPS), help=argparse.SUPPRESS)
    parser.add_argument("--paths", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--host", help=argparse.SUPPRESS)
    parser.add_argument("--signals", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.paths, args.host, args.requests, args.signals)
    for command in ("valgrind", "callgrind_control"):
        ensure_command(command, "valgrind")
    from redirect import _env
    from setup_data import prepare

    with tempfile.TemporaryDirectory(prefix="sl-cost-") as tmp:
        root = Path(tmp)
        host = "127.0.0.1:8000"
        database_url = f"sqlite:///{root / 'sharelytics.db'}"
        data = prepare(root / "ours", database_url, host, args.links)
        shuffled = random.Random(1).sample(data.paths, len(data.paths))
        loads = {"hot": [data.hot_path], "random": shuffled}
        figures: dict[tuple[str, str], float] = {}
        for kind in KINDS:
            paths_file = root / f"{kind}.txt"
            paths_file.write_text("".join(f"/{p}\n" for p in loads[kind]))
            for app in APPS:
                env = _env(root / app / kind, database_url, host, args.links)
                figures[app, kind] = count(app, paths_file, host, args.requests, env, root)
                print(f"{app:5s} {kind:6s} {figures[app, kind]:9,.0f} instructions per request", flush=True)
    print(f"\ninstructions per request, event-loop thread, {args.requests:,} requests counted "
          f"(random: {args.links:,} links in random order)\n")
    print("| load | bare 302 | ours | bare / ours |")
    print("|---|---:|---:|---:|")
    for kind in KINDS:
        bare, ours = figures["bare", kind], figures["ours", kind]
        print(f"| {kind} | {bare:,.0f} | {ours:,.0f} | {bare / ours:.0%} |")


if __name__ == "__main__":
    main()
