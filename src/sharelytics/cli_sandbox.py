"""`sharelytics sandbox ...`: serve the local Mastodon, Bluesky, X, Facebook and LinkedIn fakes and drive them
through their admin API."""

from __future__ import annotations

from typing import Any, Optional

import httpx
import typer

from sharelytics.cli_output import emit as _emit
from sharelytics.cli_output import fail as _fail

_TYPER: dict[str, Any] = {"no_args_is_help": True, "rich_markup_mode": None, "pretty_exceptions_show_locals": False}
app = typer.Typer(help="Local fakes of the Mastodon, Bluesky, X, Facebook and LinkedIn APIs for tests and demos.",
                  **_TYPER)
accounts_app = typer.Typer(help="Fake accounts on the sandbox networks.", **_TYPER)
app.add_typer(accounts_app, name="accounts")

DEFAULT_URL = "http://127.0.0.1:8100"
UrlOption = typer.Option(DEFAULT_URL, "--url", help="Where `sandbox serve` listens.",
                         envvar="SHARELYTICS_SANDBOX_URL")
JsonOption = typer.Option(False, "--json", help="Print one JSON object instead of text.")
NetworkArgument = typer.Argument(..., help="mastodon, bluesky, twitter, facebook or linkedin.")


def _admin(url: str, method: str, path: str, **kwargs: Any) -> Any:
    try:
        response = httpx.request(method, f"{url.rstrip('/')}/admin{path}", timeout=10, **kwargs)
    except httpx.HTTPError as exc:
        _fail(f"cannot reach the sandbox at {url} ({exc.__class__.__name__}); is `sharelytics sandbox serve` running?")
    if response.status_code >= 400:
        _fail(response.json().get("error", response.text) if "json" in response.headers.get("content-type", "")
              else response.text)
    return response.json()


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Bind address."),
    port: int = typer.Option(8100, help="Bind port; every network shares it under /<network>."),
    state: Optional[str] = typer.Option(None, help="JSON file that keeps the sandbox's accounts and posts."),
    latency: float = typer.Option(0.0, help="Seconds added to every network request (e.g. 0.05)."),
) -> None:
    """Serve the fakes: Mastodon at /mastodon, Bluesky (PDS + AppView) at /bluesky, X API v2 at /twitter, Graph API
    at /facebook, LinkedIn REST at /linkedin, the admin API at /admin."""
    import uvicorn

    from sharelytics.sandbox.server import create_sandbox_app

    root = f"http://{host}:{port}"
    typer.echo(f"sandbox: Mastodon {root}/mastodon, Bluesky {root}/bluesky, X {root}/twitter, Facebook "
               f"{root}/facebook, LinkedIn {root}/linkedin, admin {root}/admin", err=True)
    uvicorn.run(create_sandbox_app(latency=latency, state_file=state), host=host, port=port, log_level="warning",
                access_log=False, lifespan="off")


@accounts_app.command("create")
def accounts_create(
    network: str = NetworkArgument,
    username: str = typer.Argument(..., help="Mastodon username or Bluesky handle (`.sandbox.test` is added)."),
    display_name: str = typer.Option("", help="Display name."),
    password: str = typer.Option("", help="Password / app password; generated when empty."),
    followers: int = typer.Option(0, help="Follower count."),
    following: int = typer.Option(0, help="Following count."),
    created_at: str = typer.Option("", help="Account creation date (ISO 8601); now when empty."),
    kind: str = typer.Option("", help="LinkedIn: person (default) or organization."),
    url: str = UrlOption,
    as_json: bool = JsonOption,
) -> None:
    """Create a fake account; prints its credentials (access token; Bluesky handle + app password; Facebook page
    id; LinkedIn author URN)."""
    body = {"username": username, "display_name": display_name, "password": password, "followers_count": followers,
            "following_count": following, "created_at": created_at or None, "kind": kind}
    created = _admin(url, "POST", f"/{network}/accounts", json=body)
    _emit(as_json, created, [f"{k}: {v}" for k, v in created.items()])


@accounts_app.command("list")
def accounts_list(network: str = NetworkArgument, url: str = UrlOption, as_json: bool = JsonOption) -> None:
    """List a network's fake accounts with their credentials."""
    found = _admin(url, "GET", f"/{network}/accounts")
    _emit(as_json, found, [f"{a['id']}\t{a['username']}\tfollowers={a['followers_count']}" for a in found["accounts"]])


_GUESSES = (("at://", "bluesky"), ("/profile/", "bluesky"), ("urn:li:", "linkedin"), ("linkedin.com", "linkedin"),
            ("facebook.com", "facebook"), ("x.com/", "twitter"), ("twitter.com/", "twitter"))


def _network_of(post: str, network: Optional[str]) -> str:
    """An explicit --network, else what the reference looks like; a bare number stays Mastodon's (X and Facebook
    numbers need --network)."""
    if network:
        return network
    if "_" in post and post.replace("_", "").isdigit():
        return "facebook"
    return next((name for marker, name in _GUESSES if marker in post), "mastodon")


@app.command()
def react(
    post: str = typer.Argument(..., help="Post id, at:// URI or web URL."),
    by: str = typer.Option(..., "--by", help="The reacting account (username or handle)."),
    like: bool = typer.Option(False, "--like", help="Like (favourite) the post."),
    repost: bool = typer.Option(False, "--repost", help="Repost (boost) the post."),
    reply: Optional[str] = typer.Option(None, "--reply", help="Reply with this text."),
    quote: Optional[str] = typer.Option(None, "--quote", help="Quote the post with this text."),
    reaction: str = typer.Option("LIKE", help="Facebook: the reaction --like adds (LIKE, LOVE, WOW, HAHA, SAD, "
                                 "ANGRY, CARE)."),
    network: Optional[str] = typer.Option(None, help="mastodon, bluesky, twitter, facebook or linkedin; guessed "
                                          "from the post when omitted."),
    url: str = UrlOption,
    as_json: bool = JsonOption,
) -> None:
    """Make a fake account react to a post; several reactions may be given at once."""
    wanted = [("like", "")] * like + [("repost", "")] * repost
    wanted += [("reply", reply)] if reply is not None else []
    wanted += [("quote", quote)] if quote is not None else []
    if not wanted:
        _fail("give at least one of --like, --repost, --reply TEXT, --quote TEXT")
    target = _network_of(post, network)
    done = [_admin(url, "POST", f"/{target}/reactions",
                   json={"post": post, "kind": kind, "by": by, "text": text, "reaction": reaction})
            for kind, text in wanted]
    _emit(as_json, {"network": target, "reactions": done}, [f"{r['kind']} by {r['by']}: {r['id']}" for r in done])


@app.command()
def fault(
    network: str = NetworkArgument,
    status: int = typer.Option(503, help="429 or a 5xx status to answer with."),
    count: int = typer.Option(1, help="How many matching requests fail."),
    retry_after: int = typer.Option(1, help="Retry-After seconds on a 429."),
    path: str = typer.Option("", help="Only requests whose path contains this."),
    lost: bool = typer.Option(False, "--lost", help="Act on the next POSTs, then lose the answer (504)."),
    delay: float = typer.Option(0.0, help="With --lost: seconds before the 504 (outlast the client's timeout)."),
    url: str = UrlOption,
    as_json: bool = JsonOption,
) -> None:
    """Make the next requests to a network fail (rate limit or server error), or lose their answers."""
    if lost:
        added = _admin(url, "POST", f"/{network}/lost", json={"count": count, "path": path, "delay": delay})
    else:
        added = _admin(url, "POST", f"/{network}/faults",
                       json={"status": status, "count": count, "retry_after": retry_after, "path": path})
    _emit(as_json, added, [f"{k}: {v}" for k, v in added.items()])
