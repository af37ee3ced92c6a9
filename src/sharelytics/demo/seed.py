"""The simulated week: users on the sandbox networks, messages published for them, clicks and reactions in
waves, and a snapshot of every message after each wave (so each message has a history).

Clicks of today go through the real redirect over HTTP. Older clicks cannot (the redirect stamps the time it
answers), so they are appended to the same click journal with their backdated time: from there the writer,
classifier, privacy mode and rollups treat them exactly as the redirect's own."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from sharelytics.core.links.browse import get_link
from sharelytics.core.sharing.messages import get_message
from sharelytics.demo.oneall import OneAllClient
from sharelytics.demo.traffic import visits
from sharelytics.sandbox.server import SandboxServer

if TYPE_CHECKING:
    from sharelytics.app import Services

USERS = ("ada", "grace", "linus", "margaret", "ken", "barbara")
MESSAGES = (
    "We just shipped dark mode! https://example.com/blog/dark-mode",
    ("How we cut our build times in half: https://example.com/blog/faster-builds and the numbers "
     "https://example.com/data/builds.csv"),
    "Join us at the meetup on Thursday https://example.com/events/meetup",
)
WAVES = 3
Say = Callable[[str], None]


@dataclass
class Seeded:
    messages: list[str] = field(default_factory=list)
    snapshots: list[str] = field(default_factory=list)
    links: int = 0
    clicks: int = 0


def _identities(api: OneAllClient, sandbox: SandboxServer, name: str, followers: int) -> str:
    admin = httpx.Client(base_url=sandbox.admin_url, timeout=30)
    toot = admin.post("/mastodon/accounts", json={"username": name, "followers_count": followers}).json()
    sky = admin.post("/bluesky/accounts", json={"username": name, "followers_count": followers + 3}).json()
    admin.close()
    user = api.import_user({"key": "mastodon", "instance_url": toot["base_url"],
                            "access_token": {"key": toot["access_token"]}})
    api.import_user({"key": "bluesky", "handle": sky["handle"], "pds_url": sky["base_url"],
                     "access_token": {"key": sky["app_password"]}}, user_token=user["user_token"])
    return str(user["user_token"])


def _react(sandbox: SandboxServer, rng: random.Random, post_url: str, network: str, fans: list[str]) -> None:
    with httpx.Client(base_url=sandbox.admin_url, timeout=30) as admin:
        for fan in rng.sample(fans, rng.randint(1, len(fans))):
            kind = rng.choices(("like", "repost", "reply"), weights=(6, 2, 1))[0]
            admin.post(f"/{network}/reactions", json={"post": post_url, "kind": kind, "by": fan,
                                                      "text": "Nice!" if kind == "reply" else ""}).raise_for_status()


def _fans(sandbox: SandboxServer, count: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with httpx.Client(base_url=sandbox.admin_url, timeout=30) as admin:
        for network in ("mastodon", "bluesky"):
            out[network] = [admin.post(f"/{network}/accounts", json={"username": f"fan{n}", "followers_count": n})
                            .json()["username"] for n in range(1, count + 1)]
    return out


def _click(services: Services, http: httpx.Client, project_id: int, awesm_id: str, short_url: str,
           rng: random.Random, humans: int, days: int, wave: int) -> int:
    """One wave of visits on one link: the wave's share of the week journaled, today's through the redirect."""
    link = get_link(services.engine, project_id, awesm_id)
    assert link is not None
    now = time.time()
    count = 0
    for visit in visits(rng, humans, days):
        if int(visit.seconds_ago // 86_400) % WAVES != wave:
            continue
        count += 1
        if visit.seconds_ago < 3600:  # the last hour: a real request to the real redirect
            headers = {"User-Agent": visit.user_agent, "Accept-Language": visit.accept_language}
            if visit.referrer:
                headers["Referer"] = visit.referrer
            http.get(short_url, headers=headers, follow_redirects=False)
        else:
            services.journal.append(link.id, project_id, now - visit.seconds_ago, visit.user_agent, visit.ip,
                                    visit.referrer, visit.accept_language)
    return count


def seed(services: Services, sandbox: SandboxServer, api: OneAllClient, project_id: int, *, users: int,
         days: int, say: Say) -> Seeded:
    rng = random.Random(20261123)
    done = Seeded()
    people = [_identities(api, sandbox, name, rng.randint(20, 900)) for name in USERS[:users]]
    say(f"  {len(people)} users, each on Mastodon and Bluesky (sandbox)")
    for n, text in enumerate(MESSAGES):
        token = api.publish(people[n % len(people)], text)
        for other in people:
            if other != people[n % len(people)]:
                api.publish(other, None, token)
        done.messages.append(token)
    say(f"  {len(done.messages)} messages published for every user ({len(done.messages) * len(people) * 2} posts)")
    fans = _fans(sandbox, 8)
    http = httpx.Client(timeout=30)
    for wave in range(WAVES):
        for token in done.messages:
            message = get_message(services.engine, project_id, token)
            for publication in message.publications:
                for url in publication.shorturls:
                    done.clicks += _click(services, http, project_id, url.awesm_id, url.short_url, rng,
                                          rng.randint(10, 60), days, wave)
                if publication.post_url:
                    _react(sandbox, rng, publication.post_url, publication.provider, fans[publication.provider])
        assert services.pipeline is not None
        services.pipeline.flush()
        for token in done.messages:
            done.snapshots.append(api.snapshot(token))
        say(f"  wave {wave + 1}/{WAVES}: {done.clicks} clicks so far, {len(done.snapshots)} snapshots built")
    http.close()
    done.links = sum(len(p.shorturls) for t in done.messages
                     for p in get_message(services.engine, project_id, t).publications)
    return done
