"""The X API v2 fake's wire shapes, checked against the documented examples (docs.x.com)."""

from __future__ import annotations

import httpx
import orjson
from typer.testing import CliRunner

from sharelytics.cli import app
from sharelytics.sandbox.server import SandboxServer
from tests.sandbox.conftest import PNG, admin, make_account


def client(server: SandboxServer, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.twitter_url, headers={"Authorization": f"Bearer {token}"})


def test_create_read_and_problems(sandbox: SandboxServer) -> None:
    alice = make_account(sandbox, "twitter", "alice", followers_count=7)
    x = client(sandbox, alice["access_token"])
    created = x.post("/2/tweets", json={"text": "Hello https://example.com/a"})
    assert created.status_code == 201
    data = created.json()["data"]
    assert set(data) == {"id", "text", "edit_history_tweet_ids"} and data["edit_history_tweet_ids"] == [data["id"]]
    assert data["text"].startswith("Hello https://t.co/")  # links come back wrapped
    tweet = x.get(f"/2/tweets/{data['id']}", params={"tweet.fields": "public_metrics,created_at,entities"}).json()
    assert tweet["data"]["public_metrics"] == {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                                               "quote_count": 0, "bookmark_count": 0, "impression_count": 0}
    assert tweet["data"]["entities"]["urls"][0]["expanded_url"] == "https://example.com/a"
    assert tweet["data"]["created_at"].endswith("Z") and len(tweet["data"]["created_at"]) == 24
    for name in ("limit", "remaining", "reset"):
        assert f"x-rate-limit-{name}" in created.headers
    duplicate = x.post("/2/tweets", json={"text": "Hello https://example.com/a"})
    assert duplicate.status_code == 403 and "duplicate content" in duplicate.json()["detail"]
    missing = x.get("/2/tweets/1")
    assert missing.status_code == 200 and missing.json()["errors"][0]["title"] == "Not Found Error"
    anonymous = httpx.get(f"{sandbox.twitter_url}/2/users/me")
    assert anonymous.status_code == 401 and anonymous.json() == {"title": "Unauthorized", "type": "about:blank",
                                                                 "status": 401, "detail": "Unauthorized"}
    me = x.get("/2/users/me", params={"user.fields": "created_at,public_metrics"}).json()["data"]
    assert me["username"] == "alice" and me["public_metrics"]["followers_count"] == 7


def test_users_paging_and_media(sandbox: SandboxServer) -> None:
    alice = make_account(sandbox, "twitter", "alice")
    x = client(sandbox, alice["access_token"])
    media = x.post("/2/media/upload", files={"media": ("a.png", PNG, "image/png")},
                   data={"media_category": "tweet_image"}).json()["data"]
    assert media["media_key"] == f"3_{media['id']}" and media["image"]["image_type"] == "image/png"
    tweet_id = x.post("/2/tweets", json={"text": "Look", "media": {"media_ids": [media["id"]]}}).json()["data"]["id"]
    for n in range(3):
        make_account(sandbox, "twitter", f"fan{n}")
        admin(sandbox, "POST", "/twitter/reactions", json={"post": tweet_id, "kind": "like", "by": f"fan{n}"})
    first = x.get(f"/2/tweets/{tweet_id}/liking_users", params={"max_results": 2}).json()
    assert [u["username"] for u in first["data"]] == ["fan2", "fan1"] and first["meta"]["result_count"] == 2
    rest = x.get(f"/2/tweets/{tweet_id}/liking_users",
                 params={"max_results": 2, "pagination_token": first["meta"]["next_token"]}).json()
    assert [u["username"] for u in rest["data"]] == ["fan0"] and "next_token" not in rest["meta"]
    assert x.get(f"/2/tweets/{tweet_id}/retweeted_by").json() == {"meta": {"result_count": 0}}
    bad = x.get(f"/2/tweets/{tweet_id}/quote_tweets", params={"max_results": 5})
    assert bad.status_code == 400 and bad.json()["title"] == "Invalid Request"


def test_rate_limit_answer_has_no_retry_after(sandbox: SandboxServer) -> None:
    alice = make_account(sandbox, "twitter", "alice")
    admin(sandbox, "POST", "/twitter/faults", json={"status": 429, "count": 1, "retry_after": 30})
    limited = client(sandbox, alice["access_token"]).get("/2/users/me")
    assert limited.status_code == 429 and limited.json()["title"] == "Too Many Requests"
    assert limited.headers["x-rate-limit-remaining"] == "0" and "retry-after" not in limited.headers


def test_reactions_from_the_command_line(sandbox: SandboxServer) -> None:
    alice = make_account(sandbox, "twitter", "alice")
    make_account(sandbox, "twitter", "fan")
    tweet_id = client(sandbox, alice["access_token"]).post("/2/tweets", json={"text": "Hi"}).json()["data"]["id"]
    result = CliRunner().invoke(app, ["sandbox", "react", f"https://x.com/alice/status/{tweet_id}", "--by", "fan",
                                      "--like", "--repost", "--reply", "Yes", "--quote", "Look",
                                      "--url", sandbox.url, "--json"])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.output)["network"] == "twitter"
    post = admin(sandbox, "GET", "/twitter/posts", params={"ref": tweet_id})
    assert (post["likes"], post["reposts"], post["replies"], post["quotes"]) == (1, 1, 1, 1)
