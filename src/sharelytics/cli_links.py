"""Operator commands for where links send people: `patterns` (redirection patterns) and `conversions`.

Registered in cli.py as two sub-apps. Each command takes `--json` and then prints one JSON object. A change applies
to links created from then on: a link's redirect_url is fixed when it is made (awe.sm: it "cannot be changed").
"""

from __future__ import annotations

from typing import Any, List, Optional

import typer

from sharelytics.cli_output import emit as _emit
from sharelytics.cli_output import fail as _fail

_TYPER: dict[str, Any] = {"no_args_is_help": True, "rich_markup_mode": None, "pretty_exceptions_show_locals": False}
patterns_app = typer.Typer(help="Redirection patterns: per original_url hostname, where new links really send people.",
                           **_TYPER)
conversions_app = typer.Typer(help="Conversion tracking: new links to these domains carry awesm=<awesm_id>.", **_TYPER)

JsonOption = typer.Option(False, "--json", help="Print one JSON object instead of text.")
ProjectArgument = typer.Argument(..., help="Project name or id.")


def _pattern_payload(found: Any) -> dict[str, Any]:
    return {"hostname": found.hostname, "pattern": found.pattern, "enabled": found.enabled}


@patterns_app.command("set")
def patterns_set(
    project: str = ProjectArgument,
    hostname: str = typer.Argument(..., help="Hostname of the pages shared (e.g. example.com), or * for any."),
    pattern: Optional[str] = typer.Argument(
        None, help="URL template: %original_url%?a=%campaign%... or an absolute http(s) URL with %placeholders%."),
    ga: bool = typer.Option(False, "--ga", help="Use the built-in Google Analytics (utm_*) pattern."),
    as_json: bool = JsonOption,
) -> None:
    """Enable a pattern for a hostname (replacing the one it had)."""
    from sharelytics.core.links.patterns import GA_PATTERN, PatternError, set_pattern
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    if ga == (pattern is not None):
        _fail("give either a PATTERN or --ga")
    with _engine() as engine:
        try:
            found = set_pattern(engine, find_project(engine, project), hostname, GA_PATTERN if ga else pattern or "")
        except (ProjectError, PatternError) as exc:
            _fail(str(exc))
    payload = _pattern_payload(found)
    _emit(as_json, payload, [f"{k}: {v}" for k, v in payload.items()])


@patterns_app.command("list")
def patterns_list(project: str = ProjectArgument, as_json: bool = JsonOption) -> None:
    """List a project's patterns, enabled or not."""
    from sharelytics.core.links.patterns import list_patterns
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    with _engine() as engine:
        try:
            rows = [_pattern_payload(p) for p in list_patterns(engine, find_project(engine, project))]
        except ProjectError as exc:
            _fail(str(exc))
    lines = [f"{r['hostname']}\t{'enabled' if r['enabled'] else 'disabled'}\t{r['pattern']}" for r in rows]
    _emit(as_json, {"patterns": rows}, lines)


@patterns_app.command("disable")
def patterns_disable(
    project: str = ProjectArgument,
    hostname: str = typer.Argument(..., help="The hostname given to `patterns set` (or *)."),
    as_json: bool = JsonOption,
) -> None:
    """Stop applying a hostname's pattern to new links (kept: `set` enables it again)."""
    from sharelytics.core.links.patterns import PatternError, disable_pattern
    from sharelytics.core.projects.manage import find_project
    from sharelytics.core.projects.model import ProjectError

    with _engine() as engine:
        try:
            found = disable_pattern(engine, find_project(engine, project), hostname)
        except (ProjectError, PatternError) as exc:
            _fail(str(exc))
    payload = _pattern_payload(found)
    _emit(as_json, payload, [f"{k}: {v}" for k, v in payload.items()])


def _domain_name(value: str) -> str:
    """`https://Shop.Example.com/x` -> `shop.example.com`: conversion domains are bare hostnames."""
    from urllib.parse import urlsplit

    host = (urlsplit(value).hostname if "://" in value else value.strip().strip("/")) or ""
    if not host or any(c.isspace() or c in "/?#*%" for c in host):
        _fail(f"not a domain: {value!r}")
    return host.lower()


def _conversions_payload(project: Any) -> dict[str, Any]:
    return {"id": project.id, "name": project.name, "conversions_enabled": project.conversions_enabled,
            "conversion_domains": list(project.conversion_domains)}


@conversions_app.command("enable")
def conversions_enable(
    project: str = ProjectArgument,
    domain: Optional[List[str]] = typer.Option(
        None, "--domain", help="A domain (subdomains included) whose pages get awesm=; repeat for several. "
        "Replaces the list; omitted: the current list is kept."),
    as_json: bool = JsonOption,
) -> None:
    """Turn conversion tracking on for a project."""
    from sharelytics.core.projects.manage import configure_project, find_project
    from sharelytics.core.projects.model import ProjectError

    domains = sorted({_domain_name(d) for d in domain}) if domain else None
    with _engine() as engine:
        try:
            found = find_project(engine, project)
            if not (domains or found.conversion_domains):
                _fail("conversion tracking needs at least one --domain")
            updated = configure_project(engine, found, conversions_enabled=True, conversion_domains=domains)
        except ProjectError as exc:
            _fail(str(exc))
    payload = _conversions_payload(updated)
    _emit(as_json, payload, [f"{k}: {v}" for k, v in payload.items()])


@conversions_app.command("disable")
def conversions_disable(project: str = ProjectArgument, as_json: bool = JsonOption) -> None:
    """Turn conversion tracking off (the domain list is kept for a later `enable`)."""
    from sharelytics.core.projects.manage import configure_project, find_project
    from sharelytics.core.projects.model import ProjectError

    with _engine() as engine:
        try:
            updated = configure_project(engine, find_project(engine, project), conversions_enabled=False)
        except ProjectError as exc:
            _fail(str(exc))
    payload = _conversions_payload(updated)
    _emit(as_json, payload, [f"{k}: {v}" for k, v in payload.items()])


def _engine() -> Any:
    """The migrated database for one command, opened as every other admin command opens it (cli.py)."""
    from sharelytics.cli import _engine as migrated_engine
    from sharelytics.cli import _settings

    return migrated_engine(_settings())
