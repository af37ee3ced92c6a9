"""The OpenAPI documents are kept true by tests: they validate as OpenAPI 3.1, they describe exactly the routes the
two adapters register (no more, no less, with the same methods), their examples match their own schemas, and
schemathesis, run in-process and derandomized against the ASGI app, finds no 5xx, no undocumented status, no
undocumented content type and no answer outside its documented shape, with valid credentials and without."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import hypothesis
import jsonschema
import pytest
import schemathesis
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine
from starlette.routing import Match, Route
from starlette.testclient import TestClient

from sharelytics.api.awesm.routes import awesm_routes
from sharelytics.api.oneall.routes import OWNED_PREFIXES, oneall_routes
from sharelytics.api.openapi.awesm import awesm_document
from sharelytics.api.openapi.oneall import oneall_document
from sharelytics.app import Services, build_services, create_app
from sharelytics.config import load_settings
from sharelytics.core.projects.manage import configure_project
from sharelytics.core.sharing.shorturls import create_shorturl
from tests.conftest import TEST_REDIS_URL, ProjectFixture, _empty_tables, make_project

SERVER = "http://sl.test"
DOCUMENTS = {"awesm": awesm_document(SERVER), "oneall": oneall_document(SERVER)}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 6  # per operation and mode: ~170 runs x 6 requests, about half a minute on an idle 2-core box
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
# Concrete values for the documented path templates, to find the route each documented path reaches.
SAMPLE_VALUES = {"format": "json", "awesm_id": "demo.awe.sm_K7e"}


def _operations(name: str) -> list[tuple[str, str]]:
    return [(path, method) for path, item in DOCUMENTS[name]["paths"].items()
            for method in item if method in ("get", "post", "put", "delete")]


# --- the documents themselves -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_is_valid_openapi_31(name: str) -> None:
    assert DOCUMENTS[name]["openapi"] == "3.1.0"
    validate(DOCUMENTS[name])


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        *_, kind, key = node["$ref"].split("/")
        node = document["components"][kind][key]
    return node


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_examples_match_their_schemas(name: str) -> None:
    """Examples come from the reference fixtures; a fixture that no longer fits says the shape moved."""
    document = DOCUMENTS[name]
    checked = 0

    def check(schema: dict[str, Any], example: Any) -> None:
        nonlocal checked
        # The schema as a root beside the components, so its `#/components/...` references resolve.
        rooted = {**schema, "components": document["components"]}
        jsonschema.Draft202012Validator(rooted, format_checker=jsonschema.FormatChecker()).validate(example)
        checked += 1

    for path_item in document["paths"].values():
        for op in (v for k, v in path_item.items() if k != "parameters"):
            for answer in op["responses"].values():
                for media in (_resolve(document, answer).get("content") or {}).values():
                    if "example" in media:
                        check(media["schema"], media["example"])
                    for example in media["schema"].get("examples", []):
                        check(media["schema"], example)
    for answer in document["components"]["responses"].values():
        for media in (answer.get("content") or {}).values():
            if "example" in media:
                check(media["schema"], media["example"])
    assert checked >= 3


def _sample_path(template: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_VALUES.get(m.group(1), "t0k3n"), template)


def _route_for(routes: list[Any], path: str) -> Route:
    """The route Starlette would pick for `path` (the first full match, as its router does)."""
    for route in routes:
        match, _ = route.matches({"type": "http", "path": path, "method": "GET"})
        if match in (Match.FULL, Match.PARTIAL):
            return route
    raise AssertionError(f"no route serves {path}")


def test_awesm_document_covers_every_route_and_method() -> None:
    routes = awesm_routes()
    seen: dict[str, set[str]] = {}
    for path, method in _operations("awesm"):
        route = _route_for(routes, _sample_path(path))
        assert method.upper() in route.methods, f"{method} {path} is documented, the route has {route.methods}"
        seen.setdefault(route.path, set()).add(method.upper())
    for route in routes:
        assert route.path in seen, f"{route.path} is not documented"
        assert seen[route.path] == set(route.methods) - {"HEAD"}, f"{route.path}: methods differ"


def test_oneall_document_covers_every_resource_and_method(client: TestClient) -> None:
    """A OneAll route takes every method and answers 405 for those its resource lacks, before authenticating: an
    unauthenticated request that gets 401 (not 405) names a method the resource has."""
    routes = [r for r in oneall_routes() if not any(r.path.startswith(p) and "{rest" in r.path
                                                    for p in OWNED_PREFIXES)]
    documented: dict[str, set[str]] = {}
    for path, method in _operations("oneall"):
        documented.setdefault(_route_for(routes, _sample_path(path)).path, set()).add(method.upper())
    for route in routes:
        sample = _sample_path(route.path.replace("{token}", "{t}"))
        allowed = {m for m in ("GET", "POST", "PUT", "DELETE", "PATCH")
                   if client.request(m, sample).status_code != 405}
        assert documented.get(route.path) == allowed, f"{route.path}: documented {documented.get(route.path)}"


def test_served_documents_are_the_built_ones(client: TestClient) -> None:
    index = client.get("/openapi.json")
    assert index.status_code == 200
    names = [entry["name"] for entry in index.json()["documents"]]
    assert names == ["awesm", "oneall"]
    for name in names:
        served = client.get(f"/openapi/{name}.json")
        assert served.status_code == 200 and served.headers["content-type"].startswith("application/json")
        assert served.json() == DOCUMENTS[name]  # the test settings' public_url is SERVER
    assert client.get("/openapi/nothing.json").status_code == 404


# --- schemathesis ----------------------------------------------------------------------------------------------------

class Fuzzed:
    """One app, one site, served to schemathesis in-process for the whole module. `known` holds path values that
    exist (a short URL is also a link: its awesm_id), so the seeded pass reaches the success answers of reads."""

    def __init__(self, services: Services, site: ProjectFixture) -> None:
        self.app = create_app(services=services)
        self.site = site
        short = create_shorturl(services.engine, site.project, services.shared_domain, "http://www.oneall.com/")
        self.known = {"awesm_id": short.awesm_id, "shorturl_token": short.shorturl_token}
        self.schemas = {}
        for name, doc in DOCUMENTS.items():
            loaded = schemathesis.openapi.from_dict(doc)
            loaded.app = self.app
            self.schemas[name] = loaded

    def basic(self) -> str:
        keys = self.site.keys
        return "Basic " + base64.b64encode(f"{keys.oneall_public_key}:{keys.oneall_private_key}".encode()).decode()


@pytest.fixture(scope="module")
def fuzzed(migrated_engine: Engine, tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Fuzzed]:
    _empty_tables(migrated_engine)
    settings = load_settings(environ={}, data_dir=str(tmp_path_factory.mktemp("openapi") / "data"),
                             database_url=database_url, redis_url=TEST_REDIS_URL, public_url=SERVER,
                             secret="test-secret", flush_interval=0.05,
                             job_consumer="off")  # no snapshot is ever built here: no consumer threads polling
    services = build_services(settings, migrated_engine)
    site = make_project(migrated_engine, "Fuzzed")
    configure_project(migrated_engine, site.project, conversions_enabled=True, conversion_domains=["example.com"])
    yield Fuzzed(services, site)
    schemathesis_asgi.shutdown_lifespans()  # schemathesis keeps an app's lifespan running until told
    _empty_tables(migrated_engine)


def _authenticate(case: Any, name: str, fuzzed: Fuzzed) -> None:
    """Valid credentials (and the site's tool key, which the Create API checks next) in every place they may be."""
    if name == "oneall":
        case.headers = {**(case.headers or {}), "Authorization": fuzzed.basic()}
        return
    case.query = {**(case.query or {}), "key": fuzzed.site.key}
    if "tool" in (case.query or {}):
        case.query["tool"] = fuzzed.site.tool.key
    if isinstance(case.body, dict) and "tool" in case.body:
        case.body = {**case.body, "tool": fuzzed.site.tool.key}


def _fuzz(fuzzed: Fuzzed, name: str, path: str, method: str, mode: str) -> None:
    operation = fuzzed.schemas[name][path][method.upper()]
    authenticated = mode != "anonymous"
    known = {k: v for k, v in fuzzed.known.items() if "{" + k + "}" in path} if mode == "seeded" else None
    failures: list[str] = []
    # Seeded: a valid period too, so the intervals endpoints answer with buckets rather than a date error.
    dates = {"start_date": "2026-01-01", "end_date": "2026-01-03"} if mode == "seeded" else None
    query = dates if dates and any(p.name == "start_date" for p in operation.query) else None

    @hypothesis.settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                         phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy(path_parameters=known, query=query))
    def run(case: Any) -> None:
        case.headers = {**(case.headers or {}), "User-Agent": BROWSER}
        if authenticated:
            _authenticate(case, name, fuzzed)
        response = case.call()
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 - collected, reported all at once below
            failures.append(f"{case.method} {case.formatted_path} {case.query} {case.body!r:.300}\n"
                            f"  -> {response.status_code} {response.text[:300]}\n  {str(exc)[:1500]}")

    run()
    assert not failures, "\n\n".join(failures[:3])


def _cases(name: str) -> list[Any]:
    """Every operation with credentials and without; with a seeded path value too where the path has one that
    exists (deletions left out, so the seeded values stay for the other reads)."""
    seeded = ("{awesm_id}", "{shorturl_token}")
    cases = [pytest.param(path, method, mode, id=f"{mode}-{method}-{path}")
             for path, method in _operations(name) for mode in ("authenticated", "anonymous")]
    cases += [pytest.param(path, method, "seeded", id=f"seeded-{method}-{path}") for path, method in _operations(name)
              if any(value in path for value in seeded) and method != "delete"]
    return cases


@pytest.mark.parametrize(("path", "method", "mode"), _cases("awesm"))
def test_schemathesis_awesm(fuzzed: Fuzzed, path: str, method: str, mode: str) -> None:
    _fuzz(fuzzed, "awesm", path, method, mode)


@pytest.mark.parametrize(("path", "method", "mode"), _cases("oneall"))
def test_schemathesis_oneall(fuzzed: Fuzzed, path: str, method: str, mode: str) -> None:
    _fuzz(fuzzed, "oneall", path, method, mode)
