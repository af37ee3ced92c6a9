"""The OneAll error table and docs/errors.md agree, and no failure escapes as a bare 500."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sharelytics.api.oneall.errors import ERRORS, INTERNAL
from sharelytics.core.sharing.outcomes import (
    _FAILURES,
    SUCCESS,
    missing_identity_status,
)
from tests.api.oneall.conftest import call, failed
from tests.conftest import ProjectFixture

DOCS = Path(__file__).resolve().parents[3] / "docs" / "errors.md"


def _section() -> str:
    return DOCS.read_text().split("## OneAll API", 1)[1]


def _codes(table_heading: str) -> set[int]:
    text = _section().split(table_heading, 1)[1].split("\n\n", 1)[0]
    return {int(code) for code in re.findall(r"^\| (\d{3}) \|", text, re.MULTILINE)}


def test_every_code_is_documented_and_every_documented_code_is_used() -> None:
    assert _codes("| HTTP | Meaning |") == {kind.code for kind in ERRORS.values()} | {INTERNAL.code}


def test_every_publication_status_is_documented() -> None:
    used = {code for _kind, code, _text in _FAILURES} | {SUCCESS.code, missing_identity_status().code, 500}
    assert _codes("| Publication `code` | Meaning |") == used


def test_an_unexpected_failure_is_a_logged_500_envelope(client: TestClient, site: ProjectFixture,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from sharelytics.core.sharing import users

    def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(users, "list_users", broken)
    request = failed(call(client, site, "GET", "/users.json"), 500)
    assert "boom" not in request["status"]["info"]
