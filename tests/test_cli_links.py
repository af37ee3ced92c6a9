"""`sharelytics patterns ...` and `sharelytics conversions ...` as operators script them (`--json`)."""

from __future__ import annotations

from sqlalchemy import Engine

from sharelytics.core.links.patterns import GA_PATTERN, list_patterns
from sharelytics.core.projects.manage import get_project
from tests.conftest import ProjectFixture
from tests.test_cli import Run, as_json, cli_env, fails, run  # noqa: F401  (fixtures)


def test_patterns_set_list_and_disable(run: Run, engine: Engine, project: ProjectFixture) -> None:
    assert as_json(run("patterns", "set", "Demo", "Developers.awe.sm", "--ga", "--json")) == {
        "hostname": "developers.awe.sm", "pattern": GA_PATTERN, "enabled": True}
    run("patterns", "set", str(project.project.id), "*", "http://r.example/?u=%escaped_original_url%")
    listed = as_json(run("patterns", "list", "Demo", "--json"))["patterns"]
    assert [(p["hostname"], p["enabled"]) for p in listed] == [("*", True), ("developers.awe.sm", True)]
    assert as_json(run("patterns", "disable", "Demo", "*", "--json"))["enabled"] is False
    assert [p.enabled for p in list_patterns(engine, project.project)] == [False, True]


def test_patterns_refuse_bad_input(run: Run, project: ProjectFixture) -> None:
    fails(run("patterns", "set", "Demo", "x.example", "%original_url%?c=%campain%", ok=False), "%campain%")
    fails(run("patterns", "set", "Demo", "x.example", "ftp://x/", ok=False), "absolute http(s) URL")
    fails(run("patterns", "set", "Demo", "x.example", "--ga", "%original_url%", ok=False), "either a PATTERN or --ga")
    fails(run("patterns", "disable", "Demo", "nowhere.example", ok=False), "no pattern for nowhere.example")
    fails(run("patterns", "list", "Nobody", ok=False), "no project")


def test_conversions_enable_and_disable(run: Run, engine: Engine, project: ProjectFixture) -> None:
    fails(run("conversions", "enable", "Demo", ok=False), "at least one --domain")
    enabled = as_json(run("conversions", "enable", "Demo", "--domain", "https://Shop.Example.com/",
                          "--domain", "b.example", "--json"))
    assert (enabled["conversions_enabled"], enabled["conversion_domains"]) == (True, ["b.example", "shop.example.com"])
    assert as_json(run("conversions", "disable", "Demo", "--json"))["conversions_enabled"] is False
    again = as_json(run("conversions", "enable", "Demo", "--json"))  # the list was kept
    assert again["conversion_domains"] == ["b.example", "shop.example.com"]
    assert get_project(engine, project.project.id).conversions_enabled is True
