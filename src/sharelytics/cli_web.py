"""`sharelytics dashboard-users ...`: accounts that sign in to the dashboard with a name and a password."""

from __future__ import annotations

import sys

import typer

from sharelytics.cli import JsonOption, _emit, _engine, _fail, _settings

_TYPER = {"no_args_is_help": True, "rich_markup_mode": None, "pretty_exceptions_show_locals": False}
app = typer.Typer(help="Dashboard accounts (name and password) of a project.", **_TYPER)

PasswordStdinOption = typer.Option(False, "--password-stdin", help="Read the password from the first line of "
                                                                   "standard input instead of prompting.")


def _password(from_stdin: bool, label: str = "Password") -> str:
    if from_stdin:  # scripts pipe it in, so it never shows in the process list or the shell history
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt(label, hide_input=True, confirmation_prompt=True))


@app.command("create")
def create(
    project: str = typer.Argument(..., help="Project name or id."),
    username: str = typer.Argument(..., help="Sign-in name: letters, digits or . _ @ - (unique on this server)."),
    password_stdin: bool = PasswordStdinOption,
    as_json: bool = JsonOption,
) -> None:
    """Create a dashboard account for a project (the password is hashed with argon2id)."""
    from sharelytics.core.accounts.users import AccountError, create_user
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    password = _password(password_stdin)
    with _engine(_settings()) as engine:
        try:
            user = create_user(engine, find_project(engine, project), username, password)
        except (ProjectError, AccountError) as exc:
            _fail(str(exc))
    payload = {"id": user.id, "project_id": user.project_id, "username": user.username}
    _emit(as_json, payload, [f"{k}: {v}" for k, v in payload.items()])


@app.command("reset-password")
def reset_password(
    project: str = typer.Argument(..., help="Project name or id."),
    username: str = typer.Argument(..., help="The account's sign-in name."),
    password_stdin: bool = PasswordStdinOption,
    as_json: bool = JsonOption,
) -> None:
    """Give a dashboard account a new password; the account's open sessions stop working."""
    from sharelytics.core.accounts.users import AccountError, set_password
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    password = _password(password_stdin, "New password")
    with _engine(_settings()) as engine:
        try:
            user = set_password(engine, find_project(engine, project), username, password)
        except (ProjectError, AccountError) as exc:
            _fail(str(exc))
    _emit(as_json, {"username": user.username, "password_reset": True, "sessions_ended": True},
          [f"New password set for {user.username}; their open sessions have ended."])


@app.command("delete")
def delete(
    project: str = typer.Argument(..., help="Project name or id."),
    username: str = typer.Argument(..., help="The account's sign-in name."),
    as_json: bool = JsonOption,
) -> None:
    """Delete a dashboard account; its open sessions stop working at their next request."""
    from sharelytics.core.accounts.users import AccountError, delete_user
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    with _engine(_settings()) as engine:
        try:
            user = delete_user(engine, find_project(engine, project), username)
        except (ProjectError, AccountError) as exc:
            _fail(str(exc))
    _emit(as_json, {"username": user.username, "deleted": True}, [f"Deleted {user.username}."])


@app.command("list")
def list_(project: str = typer.Argument(..., help="Project name or id."), as_json: bool = JsonOption) -> None:
    """List a project's dashboard accounts (never their passwords)."""
    from sharelytics.core.accounts.users import list_users
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    with _engine(_settings()) as engine:
        try:
            found = list_users(engine, find_project(engine, project))
        except ProjectError as exc:
            _fail(str(exc))
    rows = [{"username": u.username, "created_at": u.created_at.isoformat(),
             "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None} for u in found]
    _emit(as_json, {"users": rows}, [f"{r['username']}\t{r['created_at']}\t{r['last_login_at'] or '-'}" for r in rows])

