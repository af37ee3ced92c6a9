"""Docs checked by tests: generated sections are current, every setting and command is documented, the README's
front-door commands are the ones CI runs, and the decision records are indexed."""

from __future__ import annotations

import dataclasses
import datetime
import re
from pathlib import Path

import click
import pytest
from cogapp import Cog
from typer.main import get_command

from sharelytics.cli import app
from sharelytics.config import ENV_PREFIX, SETTINGS, Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CLI_DOC = ROOT / "docs" / "cli.md"
DECISIONS = ROOT / "docs" / "decisions"
COGGED = [README, CLI_DOC]

INSTALL_AND_SERVE = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/sharelytics serve"
TEST_COMMAND = ".venv/bin/python -m pytest"


@pytest.mark.parametrize("path", COGGED, ids=lambda p: str(p.relative_to(ROOT)))
def test_generated_docs_are_current(path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    for setting in SETTINGS:  # the generated text must not depend on the caller's environment
        monkeypatch.delenv(ENV_PREFIX + setting.name.upper(), raising=False)
    monkeypatch.chdir(ROOT)
    status = Cog().main(["cog", "--check", str(path.relative_to(ROOT))])
    out = capsys.readouterr()
    assert status == 0, f"{path.name} is out of date: run `.venv/bin/cog -r {path.relative_to(ROOT)}`\n{out.out}{out.err}"


def test_every_setting_is_a_settings_field_with_the_same_default_and_type() -> None:
    fields = {f.name: f for f in dataclasses.fields(Settings) if f.name != "sources"}
    assert [s.name for s in SETTINGS] == list(fields), "SETTINGS and the Settings dataclass list different names"
    for setting in SETTINGS:
        field = fields[setting.name]
        assert field.default == setting.default, f"{setting.name}: dataclass default {field.default!r}"
        assert field.type in (setting.type, setting.type.__name__), f"{setting.name}: dataclass type {field.type}"
        assert isinstance(setting.default, setting.type), f"{setting.name}: default is not a {setting.type.__name__}"


def test_every_setting_has_help_and_is_in_the_readme() -> None:
    readme = README.read_text()
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    for setting in SETTINGS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", setting.name), setting.name
        assert setting.help.strip().endswith("."), f"{setting.name}: help should be a sentence"
        assert f"| `{ENV_PREFIX}{setting.name.upper()}` |" in readme, f"{setting.name} is not in README's settings table"


def _command_paths(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [path]
    for name, sub in getattr(command, "commands", {}).items():
        paths += _command_paths(sub, (*path, name))
    return paths


def test_every_command_is_in_the_cli_reference_and_has_help() -> None:
    doc = CLI_DOC.read_text()
    root = get_command(app)
    for path in _command_paths(root):
        heading = " ".join(("## sharelytics", *path))
        assert re.search(rf"^{re.escape(heading)}$", doc, re.M), f"`{heading}` missing from docs/cli.md"
    commands = [p for p in _command_paths(root) if p]
    assert ("serve",) in commands and ("settings",) in commands


def test_serve_options_read_documented_settings() -> None:
    serve = get_command(app).commands["serve"]  # type: ignore[attr-defined]
    known = {ENV_PREFIX + s.name.upper() for s in SETTINGS}
    for param in serve.params:
        if isinstance(param, click.Option) and param.envvar:
            assert param.envvar in known, f"serve --{param.name} reads {param.envvar}, which is not a setting"


def _fenced_blocks(markdown: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^```[a-z]*\n(.*?)^```", markdown, re.M | re.S)]


def test_readme_opens_with_the_two_front_door_commands_and_ci_runs_them() -> None:
    blocks = _fenced_blocks(README.read_text())
    assert blocks[:2] == [INSTALL_AND_SERVE, TEST_COMMAND]
    ci = (ROOT / ".ci" / "run").read_text()
    install = INSTALL_AND_SERVE.removesuffix(" && .venv/bin/sharelytics serve")
    assert install in ci, ".ci/run must install the project exactly as README.md says"
    assert TEST_COMMAND in ci, ".ci/run must run the README's test command"


RECORD_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md")
RECORD_SECTIONS = ("context", "considered options", "decision", "consequences")


def _records() -> list[Path]:
    return sorted(p for p in DECISIONS.glob("*.md") if p.name != "README.md")


def _indexed() -> dict[str, str]:
    """file name -> the date in its index row."""
    index = (DECISIONS / "README.md").read_text().split("## Index", 1)[1]
    rows = re.findall(r"^\|\s*([0-9-]+)\s*\|\s*\[[^\]]+\]\(([^)#]+\.md)\)", index, re.M)
    return {name.removeprefix("./"): date for date, name in rows}


def test_decision_index_lists_exactly_the_records() -> None:
    on_disk = {p.name for p in _records()}
    indexed = _indexed()
    assert sorted(on_disk - set(indexed)) == [], "records missing from docs/decisions/README.md"
    assert sorted(set(indexed) - on_disk) == [], "docs/decisions/README.md lists records that do not exist"
    for name, date in indexed.items():
        assert name.startswith(date + "-"), f"{name}: its index row says {date}"


@pytest.mark.parametrize("record", _records(), ids=lambda p: p.name)
def test_decision_record_follows_the_format(record: Path) -> None:
    match = RECORD_NAME.fullmatch(record.name)
    assert match, f"{record.name}: name it YYYY-MM-DD-<decision>.md"
    datetime.date.fromisoformat(match.group(1))
    text = record.read_text()
    assert re.match(r"# \S", text), f"{record.name}: start with `# <the decision>`"
    headings = [h.strip().lower() for h in re.findall(r"^##\s+(.+)$", text, re.M)]
    found = [h for h in headings if h in RECORD_SECTIONS or h == "considered option"]
    found = ["considered options" if h == "considered option" else h for h in found]
    assert found == list(RECORD_SECTIONS), f"{record.name}: sections must be ## " + ", ## ".join(RECORD_SECTIONS)


@pytest.mark.parametrize("path", [README, CLI_DOC, DECISIONS / "README.md"], ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_at_files_that_exist(path: Path) -> None:
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.M | re.S)  # links in code blocks are examples
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        file = (path.parent / target.split("#", 1)[0]).resolve()
        assert file.exists(), f"{path.relative_to(ROOT)} links to {target}, which does not exist"
