"""`sharelytics users ...` and `sharelytics identities ...`: what an operator does when someone asks to be forgotten
or a network token is revoked, through the core functions the OneAll API uses (`--json` for scripts)."""

from __future__ import annotations

import json

from sqlalchemy import Engine, func, select

from sharelytics.config import ensure_secret, load_settings
from sharelytics.core.providers.model import AccountInfo, Credentials
from sharelytics.core.sharing.publish_tokens import read_publish_token
from sharelytics.core.sharing.users import Imported, store_identity
from sharelytics.core.sharing.vault import CredentialVault
from sharelytics.storage.tables import oneall_identities
from tests.conftest import ProjectFixture, make_project
from tests.test_cli import Run, as_json, cli_env, fails, run  # noqa: F401  (fixtures)


def account(engine: Engine, project: ProjectFixture, provider: str, username: str,
            user_token: str | None = None) -> Imported:
    credentials = Credentials(provider, f"https://{provider}.example", access_token="t0ken")
    info = AccountInfo(username + "-id", username, username.title(), f"https://{provider}.example/@{username}", 3, None)
    return store_identity(engine, CredentialVault("cli-test"), project.project.id, credentials, info, user_token)


def test_users_list_and_show_with_identities(run: Run, engine: Engine, project: ProjectFixture) -> None:
    alice = account(engine, project, "mastodon", "alice")
    account(engine, project, "bluesky", "alice", alice.user.user_token)
    bob = account(engine, project, "mastodon", "bob")
    account(engine, make_project(engine, "Other"), "mastodon", "carol")  # another site's: never listed here
    listed = as_json(run("users", "list", "Demo", "--json"))
    assert [u["user_token"] for u in listed["users"]] == [alice.user.user_token, bob.user.user_token]
    assert (listed["total"], listed["page"], listed["total_pages"]) == (2, 1, 1)
    assert [i["provider"] for i in listed["users"][0]["identities"]] == ["mastodon", "bluesky"]
    newest = as_json(run("users", "list", "Demo", "--newest-first", "--per-page", "1", "--json"))
    assert [u["user_token"] for u in newest["users"]] == [bob.user.user_token] and newest["total_pages"] == 2
    shown = as_json(run("users", "show", "Demo", alice.user.user_token, "--json"))
    assert shown["user_token"] == alice.user.user_token and len(shown["identities"]) == 2
    assert shown["identities"][0]["account"] == "https://mastodon.example#alice-id"
    assert "t0ken" not in run("users", "show", "Demo", alice.user.user_token, "--json").stdout
    text = run("users", "show", "Demo", alice.user.user_token).stdout
    assert f"user_token: {alice.user.user_token}" in text and "identity: " in text


def test_identities_list_filters_show_and_delete(run: Run, engine: Engine, project: ProjectFixture) -> None:
    alice = account(engine, project, "mastodon", "alice")
    sky = account(engine, project, "bluesky", "alice", alice.user.user_token)
    account(engine, project, "mastodon", "bob")
    assert as_json(run("identities", "list", "Demo", "--json"))["total"] == 3
    found = as_json(run("identities", "list", "Demo", "--provider", "Bluesky", "--account", "ALI", "--json"))
    assert [i["identity_token"] for i in found["identities"]] == [sky.identity.identity_token]
    assert as_json(run("identities", "list", "Demo", "--account", "%", "--json"))["total"] == 0  # no wildcards
    shown = as_json(run("identities", "show", "Demo", sky.identity.identity_token, "--json"))
    assert (shown["provider"], shown["username"], shown["user_token"]) == ("bluesky", "alice", alice.user.user_token)
    deleted = as_json(run("identities", "delete", "Demo", sky.identity.identity_token, "--yes", "--json"))
    assert deleted["deleted"] == "identity" and deleted["identity_token"] == sky.identity.identity_token
    remaining = as_json(run("users", "show", "Demo", alice.user.user_token, "--json"))["identities"]
    assert [i["provider"] for i in remaining] == ["mastodon"]
    fails(run("identities", "show", "Demo", sky.identity.identity_token, ok=False), "no identity")


def test_users_delete_takes_every_identity_and_its_credentials(run: Run, engine: Engine,
                                                               project: ProjectFixture) -> None:
    alice = account(engine, project, "mastodon", "alice")
    account(engine, project, "bluesky", "alice", alice.user.user_token)
    bob = account(engine, project, "mastodon", "bob")
    deleted = as_json(run("users", "delete", "Demo", alice.user.user_token, "-y", "--json"))
    assert deleted["deleted"] == "user" and len(deleted["identities"]) == 2
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(oneall_identities)).scalar_one() == 1
    assert [u["user_token"] for u in as_json(run("users", "list", "Demo", "--json"))["users"]] == [bob.user.user_token]
    fails(run("users", "show", "Demo", alice.user.user_token, ok=False), "no user")


def test_deletions_ask_first_unless_told_yes(run: Run, engine: Engine, project: ProjectFixture) -> None:
    from typer.testing import CliRunner

    from sharelytics.cli import app

    bob = account(engine, project, "mastodon", "bob")
    # (CliRunner echoes the typed answer on stdout, where a terminal would show it.)
    declined = CliRunner().invoke(app, ["users", "delete", "Demo", bob.user.user_token, "--json"], input="n\n")
    assert declined.exit_code == 1 and "{" not in declined.stdout and "nothing deleted" in declined.stderr
    assert "Delete user" in declined.stderr
    accepted = CliRunner().invoke(app, ["identities", "delete", "Demo", bob.identity.identity_token, "--json"],
                                  input="y\n")
    assert accepted.exit_code == 0 and json.loads(accepted.stdout.splitlines()[-1])["deleted"] == "identity"


def test_publish_token_for_a_user(run: Run, engine: Engine, project: ProjectFixture) -> None:
    bob = account(engine, project, "mastodon", "bob")
    issued = as_json(run("users", "publish-token", "Demo", bob.user.user_token, "--json"))
    read = read_publish_token(ensure_secret(load_settings()).secret, issued["key"])  # the CLI's generated secret
    assert (read.project_id, read.user_token) == (project.project.id, bob.user.user_token)


def test_unknown_projects_and_tokens_fail_clearly(run: Run, project: ProjectFixture) -> None:
    fails(run("users", "list", "Nobody", ok=False), "no project")
    fails(run("users", "show", "Demo", "not-a-token", ok=False), "no user with the token")
    fails(run("users", "delete", "Demo", "9a76c7f6-3705-48a8-8ea6-e862ed86d5d8", "--yes", ok=False), "no user")
    fails(run("identities", "delete", "Demo", "x", "--yes", ok=False), "no identity")
    fails(run("users", "publish-token", "Demo", "x", ok=False), "no user")
    usage = run("users", "list", "Demo", "--per-page", "501", ok=False)  # click's usage error
    assert usage.exit_code == 2 and "less than or equal to 500" in usage.stderr
