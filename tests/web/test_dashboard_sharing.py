"""The sharing pages over HTTP on the demo's data: messages, a message's publications and snapshot history, and a
snapshot comparing the networks."""

from __future__ import annotations

import re

import httpx

from tests.web.demo_fixture import Demo, demo  # noqa: F401 (the module-scoped fixture)


def _signed_in(demo: Demo) -> httpx.Client:  # noqa: F811
    client = httpx.Client(base_url=demo.url, timeout=30)
    form = client.get("/dashboard/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token
    answer = client.post("/dashboard/login", data={"csrf": token.group(1), "method": "account",
                                                    "username": demo.login.username, "password": demo.login.password})
    assert answer.status_code == 303
    return client


def test_messages_publications_snapshots_and_history(demo: Demo) -> None:  # noqa: F811
    client = _signed_in(demo)
    listing = client.get("/dashboard/messages").text
    tokens = re.findall(r'href="/dashboard/messages/([0-9a-f-]{36})"', listing)
    assert sorted(tokens) == sorted(demo.seeded.messages)
    message = client.get(f"/dashboard/messages/{tokens[0]}").text
    assert message.count('class="status success') == 2 * 2  # two users on two networks
    snapshots = re.findall(r'href="/dashboard/snapshots/([0-9a-f-]{36})"', message)
    assert len(snapshots) == 3  # one per wave, oldest first
    snapshot = client.get(f"/dashboard/snapshots/{snapshots[-1]}").text
    assert "<td>bluesky</td>" in snapshot and "<td>mastodon</td>" in snapshot
    assert re.search(r"<title>mastodon: [1-9][\d,]* referrals</title>", snapshot)
    assert re.search(r"<title>bluesky: [1-9][\d,]* reactions</title>", snapshot)
    history = [int(n.replace(",", "")) for n in re.findall(r"<title>[^<]*: ([\d,]+) referrals</title></circle>", snapshot)]
    assert len(history) == 3 and history == sorted(history) and history[-1] > history[0]
    client.close()
