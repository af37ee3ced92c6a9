"""The LinkedIn REST fake's wire shapes, checked against the documented examples (learn.microsoft.com)."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from typer.testing import CliRunner

from sharelytics.cli import app
from sharelytics.sandbox.server import SandboxServer
from tests.sandbox.conftest import PNG, admin, make_account

HEADERS = {"LinkedIn-Version": "202510", "X-Restli-Protocol-Version": "2.0.0"}


def rest(server: SandboxServer, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.linkedin_url, headers={"Authorization": f"Bearer {token}", **HEADERS})


def post_body(author: str, text: str) -> dict:
    return {"author": author, "commentary": text, "visibility": "PUBLIC", "lifecycleState": "PUBLISHED",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []}}


def test_posts_images_and_errors(sandbox: SandboxServer) -> None:
    bob = make_account(sandbox, "linkedin", "bob", display_name="Bob B")
    li = rest(sandbox, bob["access_token"])
    created = li.post("/rest/posts", json=post_body(bob["author_urn"], "Hello"))
    assert created.status_code == 201 and created.content == b""
    urn = created.headers["x-restli-id"]
    assert urn.startswith("urn:li:share:")
    post = li.get(f"/rest/posts/{quote(urn, safe='')}").json()
    assert post["author"] == bob["author_urn"] and isinstance(post["createdAt"], int)
    duplicate = li.post("/rest/posts", json=post_body(bob["author_urn"], "Hello"))
    assert duplicate.status_code == 422 and duplicate.json()["message"] == f"Content is a duplicate of {urn}"
    no_version = httpx.get(f"{sandbox.linkedin_url}/rest/posts/{quote(urn, safe='')}",
                           headers={"Authorization": f"Bearer {bob['access_token']}"})
    assert no_version.status_code == 400 and no_version.json()["code"] == "VERSION_MISSING"
    bad = httpx.get(f"{sandbox.linkedin_url}/rest/posts/{quote(urn, safe='')}",
                    headers={"Authorization": "Bearer nope", **HEADERS})
    assert bad.status_code == 401 and bad.json() == {"status": 401, "serviceErrorCode": 65600,
                                                     "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access token"}
    upload = li.post("/rest/images", params={"action": "initializeUpload"},
                     json={"initializeUploadRequest": {"owner": bob["author_urn"]}}).json()["value"]
    assert upload["image"].startswith("urn:li:image:") and upload["uploadUrl"].startswith(sandbox.linkedin_url)
    assert li.put(upload["uploadUrl"], content=PNG).status_code == 201
    with_image = {**post_body(bob["author_urn"], "Image"), "content": {"media": {"id": upload["image"]}}}
    assert li.post("/rest/posts", json=with_image).status_code == 201
    found = li.get(f"/rest/posts?q=author&author={quote(bob['author_urn'], safe='')}&count=1").json()
    assert found["elements"][0]["commentary"] == "Image" and found["paging"]["links"][0]["rel"] == "next"
    assert li.get("/v2/userinfo").json()["sub"] == bob["author_urn"].rsplit(":", 1)[1]


def test_social_actions_paging_and_throttling(sandbox: SandboxServer) -> None:
    bob = make_account(sandbox, "linkedin", "bob")
    li = rest(sandbox, bob["access_token"])
    urn = li.post("/rest/posts", json=post_body(bob["author_urn"], "React")).headers["x-restli-id"]
    for n in range(3):
        make_account(sandbox, "linkedin", f"fan{n}")
        admin(sandbox, "POST", "/linkedin/reactions", json={"post": urn, "kind": "like", "by": f"fan{n}"})
    path = f"/rest/socialActions/{quote(urn, safe='')}"
    likes = li.get(f"{path}/likes", params={"count": 2}).json()
    assert likes["paging"]["total"] == 3 and len(likes["elements"]) == 2
    assert likes["elements"][0]["$URN"].startswith(f"urn:li:like:({urn},urn:li:person:")
    assert isinstance(likes["elements"][0]["created"]["time"], int)
    summary = li.get(path).json()
    assert summary["likesSummary"]["totalLikes"] == 3 and summary["commentsSummary"]["aggregatedTotalComments"] == 0
    admin(sandbox, "POST", "/linkedin/faults", json={"status": 429, "count": 1, "retry_after": 9})
    limited = li.get(path)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "9"
    assert limited.json()["code"] == "TOO_MANY_REQUESTS"


def test_reactions_from_the_command_line(sandbox: SandboxServer) -> None:
    bob = make_account(sandbox, "linkedin", "bob")
    make_account(sandbox, "linkedin", "fan")
    urn = rest(sandbox, bob["access_token"]).post("/rest/posts", json=post_body(bob["author_urn"], "Hi"))
    web = f"https://www.linkedin.com/feed/update/{urn.headers['x-restli-id']}/"
    result = CliRunner().invoke(app, ["sandbox", "react", web, "--by", "fan", "--like", "--reply", "Congrats",
                                      "--url", sandbox.url, "--json"])
    assert result.exit_code == 0, result.output
    post = admin(sandbox, "GET", "/linkedin/posts", params={"ref": urn.headers["x-restli-id"]})
    assert (post["likes"], post["replies"]) == (1, 1)
    made = CliRunner().invoke(app, ["sandbox", "accounts", "create", "linkedin", "acme", "--kind", "organization",
                                    "--url", sandbox.url, "--json"])
    assert made.exit_code == 0 and '"author_urn":"urn:li:organization:' in made.output
