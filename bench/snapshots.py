"""Snapshot build bench: one message with 1,000 publications (50 users x Mastodon and Bluesky x 10 publications)
on the sandbox with 50 ms of network latency; times PUT -> processed and processed -> pingback received.

    .venv/bin/python bench/snapshots.py [--users 50] [--rounds 10] [--latency 0.05] [--parallel 32]

Goal: under 15 s from PUT to processed and the pingback within 1 s after. The sandbox runs as its own process
(`sharelytics sandbox serve`), the service in this one (the consumer inside the app, as `serve` runs it).
"""

from __future__ import annotations

import argparse
import base64
import subprocess
import sys
import tempfile
import time
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sharelytics.app import build_services, create_app  # noqa: E402
from sharelytics.config import load_settings  # noqa: E402
from sharelytics.core.links.tools import create_tool  # noqa: E402
from sharelytics.core.projects.manage import create_project  # noqa: E402
from sharelytics.core.providers.fetch import PublicMediaFetcher  # noqa: E402
from sharelytics.core.providers.registry import default_registry  # noqa: E402
from sharelytics.sandbox.server import free_port  # noqa: E402
from sharelytics.storage.engine import make_engine  # noqa: E402
from sharelytics.storage.migrate import upgrade  # noqa: E402
from tests.snapshots.receiver import PingbackReceiver  # noqa: E402


def sandbox(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-m", "sharelytics", "sandbox", "serve", "--port", str(port)])
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/admin/", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("the sandbox did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10, help="publications per identity")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--parallel", type=int, default=32)
    args = parser.parse_args()
    port = free_port()
    admin = f"http://127.0.0.1:{port}/admin"
    box = sandbox(port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run(args, port, admin, Path(tmp))
    finally:
        box.terminate()
        box.wait()


def run(args: argparse.Namespace, port: int, admin: str, tmp: Path) -> None:
    settings = load_settings(environ={}, data_dir=str(tmp / "data"), public_url="http://sl.test", secret="bench",
                             pingback_allow="127.0.0.1", job_consumer="on", snapshot_parallel=args.parallel,
                             log_level="warning")
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    services = build_services(settings, engine)
    services.providers = default_registry(media_fetcher=PublicMediaFetcher(allow_hosts=frozenset({"127.0.0.1"})),
                                          plugins=False)
    project, keys = create_project(engine, "bench")
    create_tool(engine, project, "bench", "main")
    auth = {"Authorization": "Basic " + base64.b64encode(
        f"{keys.oneall_public_key}:{keys.oneall_private_key}".encode()).decode()}
    with TestClient(create_app(services=services), base_url="http://sl.test") as client:
        def api(method: str, path: str, body: Any = None, key: str = "") -> Any:
            headers = {**auth, "Idempotency-Key": key} if key else auth  # each re-publication is a new one
            answer = client.request(method, path, headers=headers, json={"request": body} if body is not None else None)
            assert answer.status_code in (200, 201), answer.text
            return answer.json()["response"].get("result", {}).get("data", {})

        started = time.perf_counter()
        users = [make_user(api, admin, f"u{n}") for n in range(args.users)]
        body = {"sharing_message": {"publish_for_user": {"user_token": users[0], "providers": ["mastodon", "bluesky"]},
                                    "parts": {"text": {"body": "Bench https://example.com/bench"},
                                              "flags": {"enable_tracking": 1}}}}
        token = api("POST", "/sharing/messages.json", body)["sharing_message"]["sharing_message_token"]
        for round_ in range(args.rounds):
            for user in users[1:] if round_ == 0 else users:
                api("POST", f"/sharing/messages/{token}.json", {"sharing_message": {"publish_for_user": {
                    "user_token": user, "providers": ["mastodon", "bluesky"]}}}, key=f"{round_}-{user}")
        count = api("GET", f"/sharing/messages/{token}.json")["sharing_message"]["publications"]["count"]
        print(f"setup: {count} publications in {time.perf_counter() - started:.1f} s")
        httpx.put(f"{admin}/latency", json={"seconds": args.latency})
        measure(api, token, count, args)


def make_user(api: Any, admin: str, name: str) -> str:
    mastodon = httpx.post(f"{admin}/mastodon/accounts", json={"username": name}).json()
    bluesky = httpx.post(f"{admin}/bluesky/accounts", json={"username": name}).json()
    user = api("PUT", "/users.json", {"user": {"identity": {"source": {
        "key": "mastodon", "instance_url": mastodon["base_url"], "access_token": {"key": mastodon["access_token"]}}}}})
    token = user["user"]["user_token"]
    api("PUT", "/users.json", {"user": {"user_token": token, "identity": {"source": {
        "key": "bluesky", "handle": bluesky["handle"], "pds_url": bluesky["base_url"],
        "access_token": {"key": bluesky["app_password"]}}}}})
    return str(token)


def measure(api: Any, token: str, count: int, args: argparse.Namespace) -> None:
    with PingbackReceiver() as receiver:
        put_at = time.time()
        data = api("PUT", "/sharing/analytics/snapshots.json",
                   {"analytics": {"sharing": {"sharing_message_token": token, "pingback_uri": receiver.url}}})
        answered = time.time() - put_at
        snapshot_token = data["sharing_analytics_snapshot"]["sharing_analytics_snapshot_token"]
        while True:
            found = api("GET", f"/sharing/analytics/snapshots/{snapshot_token}.json")["sharing_analytics_snapshot"]
            if found["status"] == "processed":
                processed_at = time.time()
                break
            time.sleep(0.02)
        [pingback] = receiver.wait(1, timeout=120)
    entries = found["publication_snapshots"]["entries"]
    ok = sum(1 for e in entries if e["publication_snapshot"]["status"]["code"] == 200)
    finished = parsedate_to_datetime(found["date_finished"]).timestamp()
    print(f"publications: {count} ({ok} read successfully), latency {args.latency * 1000:.0f} ms, "
          f"parallel {args.parallel}")
    print(f"PUT answered in {answered * 1000:.0f} ms")
    print(f"PUT -> processed: {processed_at - put_at:.2f} s (observed by polling every 20 ms)")
    print(f"processed -> pingback received: {pingback.at - processed_at:+.2f} s "
          f"(date_finished -> pingback: {pingback.at - finished:+.2f} s, date_finished is whole seconds)")


if __name__ == "__main__":
    main()
