"""Bench plumbing: uvicorn servers that die with the bench, wrk runs and their figures, waiting for quiet."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

BENCH = Path(__file__).resolve().parent
UVICORN_FLAGS = ["--host", "127.0.0.1", "--workers", "1", "--loop", "uvloop", "--http", "httptools",
                 "--no-access-log", "--lifespan", "on", "--log-level", "warning"]


@dataclass(frozen=True)
class WrkResult:
    requests: int  # completed (responses read)
    rps: float
    bad_status: int  # non-2xx/3xx responses
    socket_errors: int


def ensure_command(command: str, package: str | None = None) -> str:
    """The path of `command`, installing its Debian `package` (default: the command's name) when it is missing."""
    package = package or command
    found = shutil.which(command)
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit(f"{command} is not installed: run `sudo apt-get install {package}` and try again")
    print(f"installing {package} (apt-get install {package}) ...", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which(command) or sys.exit(f"apt-get did not install {command}")


def ensure_wrk() -> str:
    return ensure_command("wrk")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    # The server must not outlive the bench, even if the bench is killed: SIGTERM it when we die.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextmanager
def server(app: Sequence[str], port: int, env: dict[str, str], probe: str,
           host: str | None = None) -> Iterator[subprocess.Popen[bytes]]:
    cmd = [sys.executable, "-m", "uvicorn", *app, *UVICORN_FLAGS, "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, preexec_fn=_die_with_parent)
    try:
        _wait_ready(f"http://127.0.0.1:{port}{probe}", proc, host)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes], timeout: float = 600.0) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(url: str, proc: subprocess.Popen[bytes], host: str | None = None) -> None:
    """HEAD the probe URL until it answers: a HEAD is never counted as a click."""
    opener = urllib.request.build_opener(_NoRedirect)
    for _ in range(300):
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode}")
        try:
            opener.open(urllib.request.Request(url, method="HEAD", headers={"Host": host} if host else {}), timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answered (a 302 is an "error" to urllib without redirects)
        except OSError:
            time.sleep(0.1)
    sys.exit(f"the server did not answer {url}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def run_wrk(wrk: str, url: str, seconds: float, connections: int, script: Path | None = None,
            script_args: Sequence[str] = (), host: str | None = None) -> WrkResult:
    cmd = [wrk, "-t1", f"-c{connections}", f"-d{max(int(seconds), 1)}s", "--latency"]
    if host:
        cmd += ["-H", f"Host: {host}"]
    if script is not None:
        cmd += ["-s", str(script)]
    cmd += [url]
    if script_args:
        cmd += ["--", *script_args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkResult(requests, rps, int(bad.group(1)) if bad else 0, sum(map(int, errors.groups())) if errors else 0)




def cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by process `pid` alone (a process that has exited counts 0)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (a server's click writer is its child)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def tree_cpu_seconds(pids: Sequence[int]) -> float:
    return sum(cpu_seconds(p) for pid in pids for p in descendants(pid))


def wait_idle(pids: Sequence[int], busy: float = 0.05, timeout: float = 300.0, quiet_samples: int = 4) -> float:
    """Wait until the servers and their children have used under `busy` of a CPU for `quiet_samples` half-seconds
    in a row (a click writer catching up would slow whatever runs next, and one that held off during the last run
    starts its catch-up up to a second after it); returns the seconds waited."""
    started = time.perf_counter()
    quiet = 0
    while quiet < quiet_samples and time.perf_counter() - started < timeout:
        before = tree_cpu_seconds(pids)
        time.sleep(0.5)
        quiet = quiet + 1 if tree_cpu_seconds(pids) - before < busy * 0.5 else 0
    return time.perf_counter() - started
