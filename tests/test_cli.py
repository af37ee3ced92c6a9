"""The command line as operators script it: through typer's CliRunner against the test database, and once each as
real processes (an admin command, and `serve` answering HTTP and stopping on SIGTERM)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
from click.testing import Result
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from sharelytics.cli import app
from sharelytics.config import ENV_PREFIX, SETTINGS, Settings
from sharelytics.core.clock import utcnow
from sharelytics.core.links.domains import ensure_shared_domain
from sharelytics.core.projects.manage import project_by_awesm_key
from sharelytics.storage.tables import clicks, links, projects
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL, ProjectFixture

Run = Callable[..., Result]

HEX64 = re.compile(r"[0-9a-f]{64}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TOOL_KEY = re.compile(r"[0-9A-Za-z]{6}")


def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for setting in SETTINGS:
        monkeypatch.delenv(ENV_PREFIX + setting.name.upper(), raising=False)
    monkeypatch.delenv(ENV_PREFIX + "CONFIG", raising=False)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, engine: Engine) -> dict[str, str]:
    """The environment every CLI test runs in: a temp data dir and the (emptied) test database."""
    _clean_env(monkeypatch)
    env = {"SHARELYTICS_DATA_DIR": str(tmp_path / "data"), "SHARELYTICS_DATABASE_URL": database_url}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def run(cli_env: dict[str, str]) -> Run:
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(app, list(args), prog_name="sharelytics")
        if ok:
            assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.output}"
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        return result

    return invoke


def as_json(result: Result) -> dict[str, Any]:
    """`--json` prints exactly one JSON object on stdout, on one line."""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    payload = json.loads(lines[0])
    assert isinstance(payload, dict)
    return payload


def fails(result: Result, message: str) -> None:
    """An expected failure: exit 1, one clear line on stderr, nothing on stdout, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Error: "), result.stderr
    assert message in result.stderr, result.stderr


# ---------------------------------------------------------------- projects


def test_projects_create_prints_every_key_once_as_json(run: Run, engine: Engine) -> None:
    created = as_json(run("projects", "create", "Hack Disrupt", "--json"))
    assert created["name"] == "Hack Disrupt"
    assert HEX64.fullmatch(created["awesm_api_key"])
    assert UUID.fullmatch(created["oneall_public_key"])
    assert UUID.fullmatch(created["oneall_private_key"])
    assert created["oneall_subdomain"].startswith("hack-disrupt-")
    assert TOOL_KEY.fullmatch(created["tool_key"])
    assert created["tool"] == "default-main"
    # the API key works against the core, and only hashes of the secrets are stored
    found = project_by_awesm_key(engine, created["awesm_api_key"])
    assert found is not None and found.id == created["id"]
    with engine.connect() as conn:
        row = conn.execute(select(projects).where(projects.c.id == created["id"])).mappings().one()
    stored = {str(v) for v in row.values()}
    assert created["awesm_api_key"] not in stored and created["oneall_private_key"] not in stored


def test_projects_create_text_output_says_the_keys_are_shown_once(run: Run) -> None:
    out = run("projects", "create", "Plain").stdout
    assert re.search(r"^awesm_api_key: [0-9a-f]{64}$", out, re.M)
    assert re.search(r"^tool_key: [0-9A-Za-z]{6}$", out, re.M)
    assert "shown only this once" in out


def test_projects_create_twice_with_one_name_fails_cleanly(run: Run) -> None:
    run("projects", "create", "Twice", "--json")
    fails(run("projects", "create", "Twice", "--json", ok=False), "a project named 'Twice' already exists")
    assert [p["name"] for p in as_json(run("projects", "list", "--json"))["projects"]] == ["Twice"]


def test_projects_create_needs_a_name_that_fits(run: Run) -> None:
    fails(run("projects", "create", "   ", ok=False), "a project needs a name")
    fails(run("projects", "create", "x" * 201, ok=False), "a project name has at most 200 characters")
    assert as_json(run("projects", "create", "y" * 200, "--json"))["name"] == "y" * 200


def test_projects_list_shows_no_secrets(run: Run) -> None:
    first = as_json(run("projects", "create", "One", "--json"))
    as_json(run("projects", "create", "Two", "--json"))
    listed = run("projects", "list", "--json")
    rows = as_json(listed)["projects"]
    assert [r["name"] for r in rows] == ["One", "Two"]
    assert rows[0] == {
        "id": first["id"], "name": "One", "redirect_status": 302, "privacy_mode": "truncated",
        "oneall_subdomain": first["oneall_subdomain"], "oneall_public_key": first["oneall_public_key"],
    }
    assert first["awesm_api_key"] not in listed.stdout and first["oneall_private_key"] not in listed.stdout
    assert run("projects", "list").stdout.splitlines()[0].split("\t")[1:] == ["One", "302", "truncated"]


def test_projects_configure_redirect_status_and_privacy_mode(run: Run) -> None:
    created = as_json(run("projects", "create", "Conf", "--json"))
    updated = as_json(run("projects", "configure", "Conf", "--redirect-status", "301", "--privacy-mode", "hashed",
                          "--create-rate-limit", "100", "--json"))
    assert updated == {"id": created["id"], "name": "Conf", "redirect_status": 301, "privacy_mode": "hashed",
                       "create_rate_limit": 100, "default_domain_id": None}
    by_id = as_json(run("projects", "configure", str(created["id"]), "--privacy-mode", "none", "--json"))
    assert (by_id["redirect_status"], by_id["privacy_mode"]) == (301, "none")
    assert as_json(run("projects", "list", "--json"))["projects"][0]["privacy_mode"] == "none"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--redirect-status", "303"], "redirect status must be 301 or 302"),
        (["--privacy-mode", "paranoid"], "privacy mode must be one of full, truncated, hashed, none"),
        (["--create-rate-limit", "-1"], "the create rate limit cannot be negative"),
        (["--default-domain", "nowhere.example"], "nowhere.example is not one of this project's domains"),
    ],
)
def test_projects_configure_rejects_invalid_values(run: Run, args: list[str], message: str) -> None:
    run("projects", "create", "Strict")
    fails(run("projects", "configure", "Strict", *args, ok=False), message)
    row = as_json(run("projects", "list", "--json"))["projects"][0]
    assert (row["redirect_status"], row["privacy_mode"]) == (302, "truncated")


def test_projects_configure_unknown_project(run: Run) -> None:
    fails(run("projects", "configure", "Ghost", "--redirect-status", "301", ok=False), "no project named 'Ghost'")


def test_projects_configure_default_domain_must_be_the_projects_own_or_shared(run: Run) -> None:
    run("projects", "create", "Mine")
    run("projects", "create", "Theirs")
    own = as_json(run("domains", "add", "mine.example", "--project", "Mine", "--json"))
    run("domains", "add", "theirs.example", "--project", "Theirs")
    shared = as_json(run("domains", "add", "shared.example", "--json"))
    set_own = as_json(run("projects", "configure", "Mine", "--default-domain", "HTTP://Mine.Example/", "--json"))
    assert set_own["default_domain_id"] == own["id"]
    set_shared = as_json(run("projects", "configure", "Mine", "--default-domain", "shared.example", "--json"))
    assert set_shared["default_domain_id"] == shared["id"]
    fails(run("projects", "configure", "Mine", "--default-domain", "theirs.example", ok=False),
          "theirs.example is not one of this project's domains")


# ---------------------------------------------------------------- domains


def test_domains_add_list_and_configure(run: Run) -> None:
    project = as_json(run("projects", "create", "Doms", "--json"))
    prefixed = as_json(run("domains", "add", "dom.ai/n", "--project", "Doms", "--json"))
    assert prefixed == {"id": prefixed["id"], "project_id": project["id"], "hostname": "dom.ai/n", "scheme": "http",
                        "root_redirect": None, "not_found_redirect": None}
    secure = as_json(run("domains", "add", "https://CuteOn.Me/", "--root-redirect", "https://cuteon.me/home",
                         "--json"))
    assert (secure["hostname"], secure["scheme"], secure["project_id"]) == ("CuteOn.Me", "https", None)
    assert secure["root_redirect"] == "https://cuteon.me/home"

    listed = as_json(run("domains", "list", "--json"))["domains"]
    assert [(d["hostname"], d["project_id"]) for d in listed] == [("dom.ai/n", project["id"]), ("CuteOn.Me", None)]
    assert run("domains", "list").stdout.splitlines()[0].split("\t")[1:] == ["http://dom.ai/n",
                                                                            f"project={project['id']}"]

    configured = as_json(run("domains", "configure", "dom.ai/n", "--root-redirect", "https://dom.ai/",
                             "--not-found-redirect", "https://dom.ai/404", "--json"))
    assert (configured["root_redirect"], configured["not_found_redirect"]) == ("https://dom.ai/", "https://dom.ai/404")
    cleared = as_json(run("domains", "configure", "HTTP://DOM.AI/n/", "--root-redirect", "", "--json"))
    assert (cleared["root_redirect"], cleared["not_found_redirect"]) == (None, "https://dom.ai/404")


@pytest.mark.parametrize("spelling", ["dom.ai/n", "DOM.AI/n/", "https://dom.ai/n"])
def test_domains_add_duplicate_fails_cleanly(run: Run, spelling: str) -> None:
    run("domains", "add", "dom.ai/n")
    fails(run("domains", "add", spelling, ok=False), "is already registered")
    assert len(as_json(run("domains", "list", "--json"))["domains"]) == 1


@pytest.mark.parametrize("hostname", ["ftp://files.example", "has_underscore.example", "https://", "a b.example"])
def test_domains_add_refuses_unusable_hostnames(run: Run, hostname: str) -> None:
    fails(run("domains", "add", hostname, ok=False), "not a usable link domain")


def test_domains_add_refuses_a_hostname_too_long_for_the_column(run: Run) -> None:
    fails(run("domains", "add", "a" * 250 + ".example", ok=False), "longer than 255 characters")


@pytest.mark.parametrize("target", ["example.com/home", "javascript:alert(1)", "https://", "/relative"])
def test_domains_redirects_must_be_absolute_http_urls(run: Run, target: str) -> None:
    fails(run("domains", "add", "r.example", "--root-redirect", target, ok=False),
          "the root redirect must be an absolute http or https URL")
    run("domains", "add", "r.example")
    fails(run("domains", "configure", "r.example", "--not-found-redirect", target, ok=False),
          "the not-found redirect must be an absolute http or https URL")


def test_domains_add_for_an_unknown_project(run: Run) -> None:
    fails(run("domains", "add", "x.example", "--project", "Ghost", ok=False), "no project named 'Ghost'")


def test_domains_configure_unknown_domain(run: Run) -> None:
    fails(run("domains", "configure", "nowhere.example", "--root-redirect", "https://x.example/", ok=False),
          "no domain nowhere.example")


# ---------------------------------------------------------------- tools


def test_tools_create_labels_with_stubs_and_lists(run: Run) -> None:
    project = as_json(run("projects", "create", "Tooled", "--json"))
    tool = as_json(run("tools", "create", "Tooled", "Hack Disrupt Tool", "Twitter DM", "--json"))
    assert TOOL_KEY.fullmatch(tool["key"])
    assert tool["tool"] == "hack-disrupt-tool-twitter-dm"
    assert tool["application"] == "hack-disrupt-tool"
    second = as_json(run("tools", "create", str(project["id"]), "Hack Disrupt Tool", "Email", "--json"))
    assert second["tool"] == "hack-disrupt-tool-email"

    listed = as_json(run("tools", "list", "Tooled", "--json"))["tools"]
    assert listed == [
        {"key": project["tool_key"], "tool": "default-main", "application": "default"},
        {"key": tool["key"], "tool": "hack-disrupt-tool-twitter-dm", "application": "hack-disrupt-tool"},
        {"key": second["key"], "tool": "hack-disrupt-tool-email", "application": "hack-disrupt-tool"},
    ]
    assert run("tools", "list", "Tooled").stdout.splitlines()[1] == f"{tool['key']}\thack-disrupt-tool-twitter-dm"


def test_tools_create_duplicate_and_invalid_names_fail_cleanly(run: Run) -> None:
    run("projects", "create", "Tooled")
    run("tools", "create", "Tooled", "App", "Share")
    fails(run("tools", "create", "Tooled", "app", "SHARE!", ok=False), "the tool app-share already exists")
    fails(run("tools", "create", "Tooled", "!!!", "Share", ok=False), "need at least one letter or digit")
    fails(run("tools", "create", "Tooled", "App", "t" * 201, ok=False), "have at most 200 characters")
    fails(run("tools", "create", "Ghost", "App", "Share", ok=False), "no project named 'Ghost'")
    fails(run("tools", "list", "Ghost", ok=False), "no project named 'Ghost'")
    assert len(as_json(run("tools", "list", "Tooled", "--json"))["tools"]) == 2


def test_tool_keys_are_per_project(run: Run) -> None:
    run("projects", "create", "A")
    run("projects", "create", "B")
    a = as_json(run("tools", "create", "A", "App", "Share", "--json"))
    b = as_json(run("tools", "create", "B", "App", "Share", "--json"))
    assert a["tool"] == b["tool"] == "app-share" and a["key"] != b["key"]
    assert [t["key"] for t in as_json(run("tools", "list", "B", "--json"))["tools"]][1:] == [b["key"]]


# ---------------------------------------------------------------- settings and errors


def test_settings_json_shows_env_overrides(run: Run, monkeypatch: pytest.MonkeyPatch, cli_env: dict[str, str]) -> None:
    monkeypatch.setenv("SHARELYTICS_PORT", "9123")
    monkeypatch.setenv("SHARELYTICS_LOG_LEVEL", "debug")
    monkeypatch.setenv("SHARELYTICS_LINK_CACHE_TTL", "2.5")
    monkeypatch.setenv("SHARELYTICS_SECRET", "do-not-print-me")
    result = run("settings", "--json")
    shown = as_json(result)
    assert list(shown) == [s.name for s in SETTINGS]
    assert shown["port"] == 9123 and shown["log_level"] == "debug" and shown["link_cache_ttl"] == 2.5
    assert shown["data_dir"] == cli_env["SHARELYTICS_DATA_DIR"]
    assert shown["host"] == "127.0.0.1" and shown["workers"] == 1  # defaults
    assert shown["secret"] == "(set)" and "do-not-print-me" not in result.output

    text = run("settings").stdout
    assert re.search(r"^SHARELYTICS_PORT\s+9123\s+\[env\]", text, re.M)
    assert re.search(r"^SHARELYTICS_HOST\s+127\.0\.0\.1\s+\[default\]", text, re.M)


def test_settings_from_a_config_file_lose_to_the_environment(run: Run, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    config = tmp_path / "sharelytics.toml"
    config.write_text('port = 7000\nhost = "0.0.0.0"\n')
    monkeypatch.setenv("SHARELYTICS_CONFIG", str(config))
    monkeypatch.setenv("SHARELYTICS_HOST", "127.0.0.2")
    shown = as_json(run("settings", "--json"))
    assert (shown["port"], shown["host"]) == (7000, "127.0.0.2")
    assert re.search(r"^SHARELYTICS_PORT\s+7000\s+\[file\]", run("settings").stdout, re.M)


def test_settings_errors_are_clear(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHARELYTICS_PORT", "eighty")
    fails(run("settings", ok=False), "SHARELYTICS_PORT (from env): 'eighty' is not a valid int")
    fails(run("projects", "list", ok=False), "SHARELYTICS_PORT (from env): 'eighty' is not a valid int")
    monkeypatch.delenv("SHARELYTICS_PORT")
    config = tmp_path / "bad.toml"
    config.write_text("prot = 1\n")
    monkeypatch.setenv("SHARELYTICS_CONFIG", str(config))
    fails(run("settings", ok=False), "has unknown settings: prot")
    config.write_text("port = \n")
    fails(run("settings", ok=False), "cannot read")


def test_an_unusable_database_url_is_a_clear_error(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARELYTICS_DATABASE_URL", "nosuchdb://somewhere/db")
    fails(run("projects", "list", ok=False), "SHARELYTICS_DATABASE_URL")
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("SHARELYTICS_DATABASE_URL", f"postgresql://u:p@127.0.0.1:{port}/db?connect_timeout=5")
    fails(run("projects", "list", ok=False), "cannot open the database")


def test_a_secret_is_generated_once_into_the_data_dir(run: Run, cli_env: dict[str, str]) -> None:
    run("projects", "list")
    secret = Path(cli_env["SHARELYTICS_DATA_DIR"]) / "secret"
    first = secret.read_text()
    assert HEX64.fullmatch(first) and secret.stat().st_mode & 0o777 == 0o600
    run("projects", "list")
    assert secret.read_text() == first
    assert [p.name for p in secret.parent.iterdir() if p.name.startswith(".secret")] == []


def test_help_without_arguments(run: Run) -> None:
    result = CliRunner().invoke(app, ["projects"], prog_name="sharelytics")
    assert "Usage: sharelytics projects" in result.output and "create" in result.output


# ---------------------------------------------------------------- real processes


def _subprocess_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX) or k.startswith(ENV_PREFIX + "TEST_")}
    env.update(extra)
    return env


def test_projects_create_as_a_real_process(cli_env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "sharelytics", "projects", "create", "Process", "--json"]
    done = subprocess.run(command, env=_subprocess_env(cli_env), capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert HEX64.fullmatch(created["awesm_api_key"]) and TOOL_KEY.fullmatch(created["tool_key"])
    again = subprocess.run(command, env=_subprocess_env(cli_env), capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.strip() == "Error: a project named 'Process' already exists"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def serve_process(tmp_path: Path, database_url: str, engine: Engine) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`sharelytics serve` as operators run it: embedded in a temp data dir, or on the test PostgreSQL + Redis."""
    port = _free_port()
    env = _subprocess_env({"SHARELYTICS_DATA_DIR": str(tmp_path / "data"), "SHARELYTICS_LOG_LEVEL": "warning"})
    if TEST_DATABASE_URL:
        env["SHARELYTICS_DATABASE_URL"] = database_url
    if TEST_REDIS_URL:
        env["SHARELYTICS_REDIS_URL"] = TEST_REDIS_URL
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sharelytics", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    try:
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_serve_answers_http_and_stops_on_sigterm(serve_process: tuple[subprocess.Popen[str], int],
                                                 tmp_path: Path) -> None:
    proc, port = serve_process
    response = None
    deadline = time.monotonic() + 120  # a bound against hanging, not a timing assertion
    while response is None and time.monotonic() < deadline and proc.poll() is None:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        except httpx.TransportError:
            time.sleep(0.1)
    log = (tmp_path / "serve.log").read_text()
    assert response is not None, f"serve never answered (exit {proc.poll()}):\n{log}"
    assert response.status_code < 500, f"{response.status_code} {response.text}\n{log}"

    proc.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal so the exit status tells why it stopped
    assert proc.wait(timeout=60) in (0, -signal.SIGTERM), (tmp_path / "serve.log").read_text()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
    if not TEST_DATABASE_URL:
        assert (tmp_path / "data" / "sharelytics.db").exists()
        assert (tmp_path / "data" / "secret").exists()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=5)


# ---------------------------------------------------------------- worker


def test_worker_needs_redis(run: Run) -> None:
    fails(run("worker", ok=False), "the worker needs SHARELYTICS_REDIS_URL")


def _insert_link(engine: Engine, project_id: int) -> int:
    domain = ensure_shared_domain(engine, "sl.test")
    with engine.begin() as conn:
        return int(conn.execute(links.insert().values(
            project_id=project_id, domain_id=domain.id, path="w0rk3r", awesm_id="sl.test_w0rk3r",
            original_url="https://example.com/", redirect_url="https://example.com/", channel="twitter",
            service="twitter", tool="test-main", application="test", created_at=utcnow(),
        )).inserted_primary_key[0])


@pytest.mark.slow
@pytest.mark.skipif(not TEST_REDIS_URL, reason="the worker consumes the Redis click stream (SHARELYTICS_TEST_REDIS_URL)")
def test_worker_stores_clicks_from_the_stream_and_stops_on_sigterm(
    settings: Settings, engine: Engine, project: ProjectFixture, database_url: str, tmp_path: Path
) -> None:
    import redis

    from sharelytics.core.clicks.journal import ClickJournal
    from sharelytics.core.clicks.stream import ClickForwarder

    link_id = _insert_link(engine, project.project.id)
    journal = ClickJournal(tmp_path / "journal", segment_bytes=1 << 20)
    journal.append(link_id, project.project.id, time.time(), "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
                   "203.0.113.9", "https://mastodon.social/", "en-GB")
    journal.rotate()
    client = redis.Redis.from_url(TEST_REDIS_URL)
    assert ClickForwarder(client, journal.directory, 100).forward() == 1
    journal.close()

    env = _subprocess_env({"SHARELYTICS_DATA_DIR": str(tmp_path / "data"), "SHARELYTICS_DATABASE_URL": database_url,
                           "SHARELYTICS_REDIS_URL": TEST_REDIS_URL, "SHARELYTICS_SECRET": "test-secret"})
    log = (tmp_path / "worker.log").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "sharelytics", "worker"], env=env, stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        stored = 0
        deadline = time.monotonic() + 120  # a bound against hanging, not a timing assertion
        while stored == 0 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            with engine.connect() as conn:
                stored = conn.execute(select(func.count()).select_from(clicks)).scalar_one()
        assert stored == 1, f"worker exit {proc.poll()}:\n{(tmp_path / 'worker.log').read_text()}"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        log.close()
        client.close()
    output = (tmp_path / "worker.log").read_text()
    assert "stopped; 1 clicks stored" in output and "Traceback" not in output
    with engine.connect() as conn:
        row = conn.execute(select(clicks)).mappings().one()
    assert (row["link_id"], row["kind"]) == (link_id, "human")
