"""The sandbox state survives a restart when it is file-backed, and latency applies per request."""

from __future__ import annotations

from pathlib import Path

import httpx

from sharelytics.sandbox.reactions import react
from sharelytics.sandbox.server import Sandbox, SandboxServer
from sharelytics.sandbox.state import Post, SandboxState, now


def test_file_backed_state_reloads(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    state = SandboxState(path)
    alice = state.create_account("mastodon", "alice", followers_count=3)
    state.create_account("mastodon", "fan")
    post = state.add_post("mastodon", Post(id=state.new_id(), seq=state.new_seq(), author_id=alice.id, text="Hi",
                                           created_at=now()))
    react(state, "mastodon", post.id, "like", "fan")
    reloaded = SandboxState(path)
    assert reloaded.account("mastodon", "alice").followers_count == 3
    assert [i.account_id for i in reloaded.interactions("mastodon", "like", post.id)] == [
        reloaded.account("mastodon", "fan").id]
    assert int(reloaded.new_id()) > int(post.id)


def test_latency_is_configurable() -> None:
    sandbox = Sandbox()
    sandbox.set_latency(0.05)
    with SandboxServer(sandbox) as server:
        response = httpx.get(f"{server.mastodon_url}/api/v2/instance")
        assert response.status_code == 200 and response.json()["api_versions"] == {"mastodon": 7}
        assert httpx.put(f"{server.admin_url}/latency", json={"seconds": 0}).json() == {"seconds": 0}
        assert all(c.latency == 0 for c in sandbox.controls.values())
