"""Operator commands for the OneAll side: `users` (a site's people) and `identities` (their network accounts).

What an operator needs when someone asks to be forgotten or a network token is revoked: find the account, see
whose it is, delete the identity (its sealed credentials go with it) or the user (with every identity). Publications
stay, naming them by token, as with the API's deletions. Every command calls the core function the OneAll API
calls; each takes `--json` and then prints one JSON object (dates in ISO 8601, UTC). Registered in cli.py.
"""

from __future__ import annotations

from typing import Any, Optional

import typer

from sharelytics.cli_output import emit as _emit
from sharelytics.cli_output import fail as _fail

from sharelytics.core.sharing.pages import MAX_PER_PAGE, PageRequest

_TYPER: dict[str, Any] = {"no_args_is_help": True, "rich_markup_mode": None, "pretty_exceptions_show_locals": False}
users_app = typer.Typer(help="OneAll users of a project (a site's people), with their network identities.", **_TYPER)
identities_app = typer.Typer(help="OneAll identities: users' accounts on the networks, with sealed credentials.",
                             **_TYPER)

JsonOption = typer.Option(False, "--json", help="Print one JSON object instead of text.")
ProjectArgument = typer.Argument(..., help="Project name or id.")
UserArgument = typer.Argument(..., help="The user's token (user_token).")
IdentityArgument = typer.Argument(..., help="The identity's token (identity_token).")
PageOption = typer.Option(1, "--page", min=1, help="Page number, from 1.")
PerPageOption = typer.Option(100, "--per-page", min=1, max=MAX_PER_PAGE, help="Entries per page.")
NewestFirstOption = typer.Option(False, "--newest-first", help="Newest first (default: oldest first).")
YesOption = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation (for scripts).")


def _confirm(question: str, yes: bool) -> None:
    # Asked on stderr, so that --json output stays one object on stdout.
    if not yes and not typer.confirm(question, default=False, err=True):
        _fail("nothing deleted")


def _page(page: int, per_page: int, newest_first: bool) -> PageRequest:
    return PageRequest(page, per_page, "desc" if newest_first else "asc")


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _identity_payload(found: Any) -> dict[str, Any]:
    return {"identity_token": found.identity_token, "user_token": found.user_token, "provider": found.provider,
            "account": found.provider_uid, "username": found.username, "display_name": found.display_name,
            "profile_url": found.profile_url, "followers_count": found.followers_count,
            "created_at": _date(found.created_at), "updated_at": _date(found.updated_at)}


def _user_payload(found: Any) -> dict[str, Any]:
    return {"user_token": found.user_token, "created_at": _date(found.created_at),
            "updated_at": _date(found.updated_at), "identities": [_identity_payload(i) for i in found.identities]}


def _page_payload(found: Any) -> dict[str, Any]:
    return {"page": found.request.page, "per_page": found.request.per_page, "total_pages": found.total_pages,
            "total": found.total}


def _identity_line(found: dict[str, Any]) -> str:
    return f"{found['identity_token']}\t{found['provider']}\t{found['username']}\t{found['user_token']}"


def _identity_lines(found: dict[str, Any]) -> list[str]:
    return [f"{k}: {v}" for k, v in found.items()]


def _user_lines(found: dict[str, Any]) -> list[str]:
    head = [f"{k}: {v}" for k, v in found.items() if k != "identities"]
    return head + [f"identity: {_identity_line(i)}" for i in found["identities"]]


@users_app.command("list")
def users_list(project: str = ProjectArgument, page: int = PageOption, per_page: int = PerPageOption,
               newest_first: bool = NewestFirstOption, as_json: bool = JsonOption) -> None:
    """List a project's users with their identities, oldest first."""
    from sharelytics.core.sharing.users import list_users

    with _engine() as engine:
        found = list_users(engine, _project(engine, project).id, _page(page, per_page, newest_first))
    rows = [_user_payload(u) for u in found.entries]
    lines = [f"{r['user_token']}\t{r['created_at']}\t" + ",".join(i["provider"] for i in r["identities"]) for r in rows]
    _emit(as_json, {"users": rows, **_page_payload(found)},
          lines + [f"(page {found.request.page} of {found.total_pages}, {found.total} users)"])


@users_app.command("show")
def users_show(project: str = ProjectArgument, user_token: str = UserArgument, as_json: bool = JsonOption) -> None:
    """Show a user and their identities."""
    from sharelytics.core.sharing.errors import UserNotFound
    from sharelytics.core.sharing.users import get_user

    with _engine() as engine:
        try:
            payload = _user_payload(get_user(engine, _project(engine, project).id, user_token))
        except UserNotFound as exc:
            _fail(str(exc))
    _emit(as_json, payload, _user_lines(payload))


@users_app.command("delete")
def users_delete(project: str = ProjectArgument, user_token: str = UserArgument, yes: bool = YesOption,
                 as_json: bool = JsonOption) -> None:
    """Delete a user with all their identities and stored credentials.

    Their posts stay on the networks and their publications in the messages, naming them by token."""
    from sharelytics.core.sharing.errors import UserNotFound
    from sharelytics.core.sharing.users import delete_user, get_user

    with _engine() as engine:
        project_id = _project(engine, project).id
        try:
            found = get_user(engine, project_id, user_token)
            _confirm(f"Delete user {found.user_token} and {len(found.identities)} identities?", yes)
            payload = _user_payload(delete_user(engine, project_id, user_token))
        except UserNotFound as exc:
            _fail(str(exc))
    _emit(as_json, {"deleted": "user", **payload},
          [f"deleted user {payload['user_token']}"] + [f"deleted identity: {_identity_line(i)}"
                                                       for i in payload["identities"]])


@users_app.command("publish-token")
def users_publish_token(project: str = ProjectArgument, user_token: str = UserArgument,
                        as_json: bool = JsonOption) -> None:
    """Issue a publish token for a user, for an app to publish for them.

    The same token `GET /users/<user_token>.json` hands out, sent to `POST /users/<user_token>/publish.json` as
    `Authorization: OneAllPublishToken <key>`; valid for SHARELYTICS_PUBLISH_TOKEN_TTL seconds."""
    from sharelytics.cli import _settings
    from sharelytics.core.sharing.errors import UserNotFound
    from sharelytics.core.sharing.publish_tokens import issue_publish_token
    from sharelytics.core.sharing.users import get_user

    settings = _settings()
    with _engine() as engine:
        project_id = _project(engine, project).id
        try:
            found = get_user(engine, project_id, user_token)
        except UserNotFound as exc:
            _fail(str(exc))
    issued = issue_publish_token(settings.secret, project_id, found.user_token, settings.publish_token_ttl)
    payload = {"user_token": found.user_token, "key": issued.key, "created_at": _date(issued.created_at),
               "expires_at": _date(issued.expires_at)}
    _emit(as_json, payload, [f"{k}: {v}" for k, v in payload.items()])


@identities_app.command("list")
def identities_list(
    project: str = ProjectArgument,
    provider: Optional[str] = typer.Option(None, "--provider", help="Only this network (mastodon, bluesky, …)."),
    account: Optional[str] = typer.Option(None, "--account", help="Only accounts whose user name or display name "
                                                                  "contains this text (case-insensitive)."),
    page: int = PageOption, per_page: int = PerPageOption, newest_first: bool = NewestFirstOption,
    as_json: bool = JsonOption,
) -> None:
    """List a project's identities, oldest first (never their credentials)."""
    from sharelytics.core.sharing.identities import list_identities

    with _engine() as engine:
        found = list_identities(engine, _project(engine, project).id, _page(page, per_page, newest_first),
                                provider=provider, account=account)
    rows = [_identity_payload(i) for i in found.entries]
    _emit(as_json, {"identities": rows, **_page_payload(found)},
          [_identity_line(r) for r in rows]
          + [f"(page {found.request.page} of {found.total_pages}, {found.total} identities)"])


@identities_app.command("show")
def identities_show(project: str = ProjectArgument, identity_token: str = IdentityArgument,
                    as_json: bool = JsonOption) -> None:
    """Show an identity: its network account and whose it is."""
    from sharelytics.core.sharing.errors import IdentityNotFound
    from sharelytics.core.sharing.identities import get_identity

    with _engine() as engine:
        try:
            payload = _identity_payload(get_identity(engine, _project(engine, project).id, identity_token))
        except IdentityNotFound as exc:
            _fail(str(exc))
    _emit(as_json, payload, _identity_lines(payload))


@identities_app.command("delete")
def identities_delete(project: str = ProjectArgument, identity_token: str = IdentityArgument, yes: bool = YesOption,
                      as_json: bool = JsonOption) -> None:
    """Delete an identity and its stored credentials (its user and other identities stay)."""
    from sharelytics.core.sharing.errors import IdentityNotFound
    from sharelytics.core.sharing.identities import delete_identity, get_identity

    with _engine() as engine:
        project_id = _project(engine, project).id
        try:
            found = get_identity(engine, project_id, identity_token)
            _confirm(f"Delete the {found.provider} identity {found.username!r} ({found.identity_token})?", yes)
            payload = _identity_payload(delete_identity(engine, project_id, identity_token))
        except IdentityNotFound as exc:
            _fail(str(exc))
    _emit(as_json, {"deleted": "identity", **payload}, [f"deleted identity: {_identity_line(payload)}"])


def _project(engine: Any, name_or_id: str) -> Any:
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    try:
        return find_project(engine, name_or_id)
    except ProjectError as exc:
        _fail(str(exc))


def _engine() -> Any:
    """The migrated database for one command, opened as every other admin command opens it (cli.py)."""
    from sharelytics.cli import _engine as migrated_engine
    from sharelytics.cli import _settings

    return migrated_engine(_settings())
