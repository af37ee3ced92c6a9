"""Dashboard accounts over their life: reset a password and delete an account from the CLI (open sessions end),
and the sign-in rate limit per account and per client address (429, Retry-After, a page that says why)."""

from __future__ import annotations

import pytest
from click.testing import Result
from sqlalchemy import Engine
from starlette.testclient import TestClient
from typer.testing import CliRunner

from sharelytics.app import Services
from sharelytics.cli import app as cli
from sharelytics.core.accounts.users import create_user
from sharelytics.web.signin_limit import SignInLimiter
from tests.conftest import ProjectFixture
from tests.test_cli import cli_env  # noqa: F401 (the fixture: the CLI on the test database)
from tests.web.conftest import csrf_of, sign_in

OLD, NEW = "correct horse battery", "staple battery horse"


def _cli(*args: str, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), input=stdin, prog_name="sharelytics")
    assert "Traceback" not in result.output
    return result


def _attempt(client: TestClient, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/dashboard/login").text)
    return client.post("/dashboard/login", data={"csrf": token, **fields}, follow_redirects=False)


def _signed_in(client: TestClient) -> bool:
    return client.get("/dashboard/links", follow_redirects=False).status_code == 200


def test_reset_password_and_delete_from_the_cli_end_open_sessions(
        cli_env: dict[str, str], client: TestClient, project: ProjectFixture) -> None:  # noqa: F811
    created = _cli("dashboard-users", "create", "Demo", "alice", stdin=f"{OLD}\n{OLD}\n")  # prompted twice
    assert created.exit_code == 0, created.output
    assert OLD not in created.output  # the prompt never echoes the password
    sign_in(client, method="account", username="alice", password=OLD)
    keys = TestClient(client.app, base_url="http://sl.test")
    sign_in(keys, method="awesm", api_key=project.key)
    assert _signed_in(client) and _signed_in(keys)

    reset = _cli("dashboard-users", "reset-password", "Demo", "ALICE", "--password-stdin", stdin=f"{NEW}\n")
    assert reset.exit_code == 0, reset.output
    assert NEW not in reset.output and "sessions have ended" in reset.output
    assert not _signed_in(client)  # the session from before the reset
    assert _signed_in(keys)  # signing in with the project's keys is no account: untouched
    assert _attempt(client, method="account", username="alice", password=OLD).status_code == 401
    sign_in(client, method="account", username="alice", password=NEW)
    assert _signed_in(client)

    deleted = _cli("dashboard-users", "delete", "Demo", "alice", "--json")
    assert deleted.exit_code == 0 and '"deleted":true' in deleted.stdout
    assert not _signed_in(client)
    assert _attempt(client, method="account", username="alice", password=NEW).status_code == 401
    assert "alice" not in _cli("dashboard-users", "list", "Demo").stdout


def test_the_cli_says_clearly_what_it_cannot_do(cli_env: dict[str, str], engine: Engine,  # noqa: F811
                                                 project: ProjectFixture) -> None:
    create_user(engine, project.project, "bob", OLD)
    missing = _cli("dashboard-users", "delete", "Demo", "nobody")
    assert missing.exit_code == 1 and "no dashboard user 'nobody'" in missing.stderr
    short = _cli("dashboard-users", "reset-password", "Demo", "bob", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "a password has 10" in short.stderr
    mismatch = _cli("dashboard-users", "reset-password", "Demo", "bob", stdin=f"{NEW}\nsomething else\n{NEW}\n{NEW}\n")
    assert mismatch.exit_code == 0 and "do not match" in mismatch.output  # typer asks again


@pytest.fixture
def strict(services: Services) -> Services:
    services.signin_limiter = SignInLimiter(services.settings, per_account="3/hour", per_address="5/hour")
    return services


def test_failed_sign_ins_are_limited_per_account(strict: Services, client: TestClient, engine: Engine,
                                                 project: ProjectFixture) -> None:
    create_user(engine, project.project, "alice", OLD)
    create_user(engine, project.project, "bob", OLD)
    sign_in(client, method="account", username="alice", password=OLD)  # successes are not counted
    for _ in range(3):
        assert _attempt(client, method="account", username="Alice", password="wrong password").status_code == 401
    refused = _attempt(client, method="account", username="alice", password=OLD)  # even the right one, for now
    assert refused.status_code == 429
    assert 3000 < int(refused.headers["retry-after"]) <= 3600
    assert "Too many failed sign-ins" in refused.text and "wait 60 minutes" in refused.text
    assert refused.headers["content-security-policy"].startswith("default-src 'none'")
    assert _attempt(client, method="account", username="bob", password=OLD).status_code == 303  # another account


def test_failed_sign_ins_are_limited_per_address(strict: Services, client: TestClient,
                                                 project: ProjectFixture) -> None:
    guesser = TestClient(client.app, base_url="http://sl.test", client=("192.0.2.1", 4000))
    for name in ("a1", "a2", "a3", "a4", "a5"):  # a different account each time
        assert _attempt(guesser, method="account", username=name, password="guess guess").status_code == 401
    assert _attempt(guesser, method="awesm", api_key=project.key).status_code == 429
    assert _attempt(guesser, method="awesm", api_key="wrong").status_code == 429
    assert _attempt(client, method="awesm", api_key=project.key).status_code == 303  # another address


def test_the_default_limit_refuses_the_eleventh_guess(client: TestClient, engine: Engine,
                                                       project: ProjectFixture) -> None:
    for _ in range(10):
        assert _attempt(client, method="awesm", api_key="not the key").status_code == 401
    assert _attempt(client, method="awesm", api_key="not the key").status_code == 429
    assert _attempt(client, method="awesm", api_key=project.key).status_code == 303  # a different key is tried
