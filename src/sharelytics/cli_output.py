"""What every CLI command prints: its answer as text lines or one JSON object, and its errors on stderr."""

from __future__ import annotations

from typing import Any, NoReturn

import orjson
import typer


def emit(as_json: bool, payload: dict[str, Any], lines: list[str]) -> None:
    typer.echo(orjson.dumps(payload).decode() if as_json else "\n".join(lines))


def fail(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)
