"""`sharelytics sandbox accounts create / react / fault` against a running sandbox."""

from __future__ import annotations

import orjson
from typer.testing import CliRunner

from sharelytics.cli import app
from sharelytics.sandbox.server import SandboxServer
from tests.sandbox.conftest import admin


def run(server: SandboxServer, *args: str) -> dict:
    result = CliRunner().invoke(app, ["sandbox", *args, "--url", server.url, "--json"])
    assert result.exit_code == 0, result.output
    return orjson.loads(result.output)


def test_accounts_and_reactions_from_the_command_line(sandbox: SandboxServer) -> None:
    bob = run(sandbox, "accounts", "create", "bluesky", "bob")
    run(sandbox, "accounts", "create", "bluesky", "fan", "--followers", "12", "--created-at", "2024-01-02")
    from atproto import Client

    client = Client(base_url=sandbox.bluesky_url)
    client.login(bob["handle"], bob["app_password"])
    uri = client.send_post("Hello").uri
    done = run(sandbox, "react", uri, "--by", "fan", "--like", "--repost", "--reply", "Hi!", "--quote", "Look")
    assert done["network"] == "bluesky" and [r["kind"] for r in done["reactions"]] == ["like", "repost", "reply",
                                                                                       "quote"]
    post = admin(sandbox, "GET", "/bluesky/posts", params={"ref": uri})
    assert (post["likes"], post["reposts"], post["replies"], post["quotes"]) == (1, 1, 1, 1)
    assert [a["followers_count"] for a in run(sandbox, "accounts", "list", "bluesky")["accounts"]] == [0, 12]
    assert run(sandbox, "fault", "mastodon", "--status", "429", "--count", "2")["count"] == 2


def test_unreachable_sandbox_is_a_clear_error() -> None:
    result = CliRunner().invoke(app, ["sandbox", "accounts", "list", "mastodon", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 1 and "is `sharelytics sandbox serve` running?" in result.output
