"""The Graph API fake's wire shapes, checked against the documented examples (developers.facebook.com)."""

from __future__ import annotations

import json

import httpx
from typer.testing import CliRunner

from sharelytics.cli import app
from sharelytics.sandbox.server import SandboxServer
from tests.sandbox.conftest import admin, make_account


def graph(server: SandboxServer, token: str) -> httpx.Client:
    return httpx.Client(base_url=f"{server.facebook_url}/v23.0", headers={"Authorization": f"Bearer {token}"})


def test_feed_post_fields_and_errors(sandbox: SandboxServer) -> None:
    page = make_account(sandbox, "facebook", "mypage", followers_count=12)
    fb = graph(sandbox, page["access_token"])
    created = fb.post(f"/{page['page_id']}/feed", data={"message": "Hello", "link": "https://example.com/"})
    post_id = created.json()["id"]
    assert created.status_code == 200 and post_id.startswith(f"{page['page_id']}_")
    usage = json.loads(created.headers["x-app-usage"])
    assert set(usage) == {"call_count", "total_cputime", "total_time"}
    buc = json.loads(created.headers["x-business-use-case-usage"])
    assert {"type", "call_count", "estimated_time_to_regain_access"} <= set(next(iter(buc.values()))[0])
    fields = "id,shares,reactions.summary(total_count).limit(0),comments.summary(true).limit(0),created_time"
    post = fb.get(f"/{post_id}", params={"fields": fields}).json()
    assert "shares" not in post  # left out until someone shares
    assert post["reactions"] == {"data": [], "summary": {"total_count": 0, "viewer_reaction": "NONE"}}
    assert post["comments"]["summary"]["total_count"] == 0 and post["created_time"].endswith("+0000")
    duplicate = fb.post(f"/{page['page_id']}/feed", data={"message": "Hello", "link": "https://example.com/"})
    assert duplicate.status_code == 400 and duplicate.json()["error"]["code"] == 506
    error = fb.get("/123_456").json()["error"]
    assert (error["type"], error["code"], error["error_subcode"]) == ("GraphMethodException", 100, 33)
    assert set(error) == {"message", "type", "code", "error_subcode", "fbtrace_id"}
    revoked = httpx.get(f"{sandbox.facebook_url}/v23.0/{page['page_id']}", params={"access_token": "nope"})
    assert revoked.status_code == 400 and revoked.json()["error"]["code"] == 190
    assert fb.get(f"/{page['page_id']}", params={"fields": "followers_count"}).json() == {"followers_count": 12}


def test_cursor_paging_and_throttling(sandbox: SandboxServer) -> None:
    page = make_account(sandbox, "facebook", "mypage")
    fb = graph(sandbox, page["access_token"])
    post_id = fb.post(f"/{page['page_id']}/feed", data={"message": "React"}).json()["id"]
    for n in range(3):
        make_account(sandbox, "facebook", f"fan{n}")
        admin(sandbox, "POST", "/facebook/reactions",
              json={"post": post_id, "kind": "like", "by": f"fan{n}", "reaction": "WOW"})
    first = fb.get(f"/{post_id}/reactions", params={"limit": 2}).json()
    assert [r["type"] for r in first["data"]] == ["WOW", "WOW"] and "next" in first["paging"]
    assert set(first["paging"]["cursors"]) == {"before", "after"}
    rest = fb.get(f"/{post_id}/reactions", params={"limit": 2, "after": first["paging"]["cursors"]["after"]}).json()
    assert len(rest["data"]) == 1 and "next" not in rest["paging"]
    admin(sandbox, "POST", "/facebook/faults", json={"status": 429, "count": 1, "retry_after": 120})
    throttled = fb.get(f"/{page['page_id']}")
    assert throttled.status_code == 400 and throttled.json()["error"]["code"] == 32
    regain = json.loads(throttled.headers["x-business-use-case-usage"])
    assert next(iter(regain.values()))[0]["estimated_time_to_regain_access"] == 2


def test_reactions_from_the_command_line(sandbox: SandboxServer) -> None:
    page = make_account(sandbox, "facebook", "mypage")
    make_account(sandbox, "facebook", "fan")
    post_id = graph(sandbox, page["access_token"]).post(f"/{page['page_id']}/feed", data={"message": "Hi"}).json()["id"]
    result = CliRunner().invoke(app, ["sandbox", "react", post_id, "--by", "fan", "--like", "--reaction", "LOVE",
                                      "--reply", "Nice", "--repost", "--url", sandbox.url, "--json"])
    assert result.exit_code == 0, result.output
    post = admin(sandbox, "GET", "/facebook/posts", params={"ref": post_id})
    assert (post["likes"], post["reposts"], post["replies"]) == (1, 1, 1)
    refused = CliRunner().invoke(app, ["sandbox", "react", post_id, "--by", "fan", "--quote", "x", "--url",
                                       sandbox.url])
    assert refused.exit_code == 1 and "kind must be one of like, repost, reply" in refused.output
