"""`sharelytics demo`: the service with sample data, for a first look at the dashboard."""

from __future__ import annotations

import threading
from pathlib import Path

import typer

from sharelytics.cli import _fail


def demo(
    data_dir: Path | None = typer.Option(None, help="Data directory (kept); default: a new temporary one."),  # noqa: B008 (typer reads defaults)
    host: str = typer.Option("127.0.0.1", help="Bind address."),
    port: int = typer.Option(8000, help="Bind port."),
    users: int = typer.Option(3, min=1, max=6, help="Sample users, each on Mastodon and Bluesky."),
    days: int = typer.Option(7, min=1, max=30, help="Days of simulated clicks, ending now."),
    once: bool = typer.Option(False, "--once", help="Seed, print the login, and stop (for scripts and tests)."),
) -> None:
    """Start the service on SQLite with the sandbox networks, publish sample messages, simulate a week of clicks
    (people, bots, link previews) and reactions, build snapshots, print the dashboard login; serve until Ctrl-C."""
    from sharelytics.demo.oneall import DemoError
    from sharelytics.demo.run import run_demo

    def wait() -> None:
        if once:
            return
        typer.echo("\nServing until Ctrl-C.", err=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            typer.echo("stopping…", err=True)

    try:
        run_demo(data_dir, host, port, users=users, days=days, say=lambda line: typer.echo(line, err=True),
                 wait=wait)
    except DemoError as exc:
        _fail(str(exc))
