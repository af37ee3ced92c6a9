"""The Create API budget per key: 429 in the Create error shape with RateLimit headers."""

from __future__ import annotations

from typing import Iterator

import pytest
from starlette.testclient import TestClient

from sharelytics.app import build_services, create_app
from sharelytics.core.projects.manage import configure_project
from tests.api.conftest import base_params
from tests.conftest import make_project


@pytest.fixture
def limited(settings, engine) -> Iterator[TestClient]:
    services = build_services(settings.with_overrides(create_rate_limit=3), engine)
    with TestClient(create_app(services=services), base_url="http://sl.test") as client:
        yield client


def _create(client, project):
    return client.post("/url.json", data=base_params(project, url="http://a.example/", channel="twitter"))


def test_the_fourth_request_in_the_hour_is_429(limited, project):
    answers = [_create(limited, project) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0"]
    assert all(a.headers["ratelimit-limit"] == "3" for a in answers)
    refused = _create(limited, project)
    assert refused.status_code == 429
    assert refused.json()["error"] == {"code": 1060, "message": "Rate limit exceeded: 3 Create API requests per hour"}
    assert refused.json()["request"]["action"] == "create"
    assert refused.headers["ratelimit-limit"] == "3" and refused.headers["ratelimit-remaining"] == "0"
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert 0 < int(refused.headers["ratelimit-reset"]) <= 3600


def test_every_create_endpoint_counts_and_keys_are_separate(limited, project, engine):
    other = make_project(engine, "Other")
    _create(limited, project)
    limited.post("/url/static.json", data=base_params(project, url="http://a.example/"))
    limited.post("/url/batch.json", data=base_params(project, url="http://a.example/", channel="twitter,email"))
    assert _create(limited, project).status_code == 429
    assert _create(limited, other).status_code == 200


def test_project_override_and_unlimited(limited, project, engine):
    fresh = make_project(engine, "Fresh")
    configure_project(engine, fresh.project, create_rate_limit=1)
    assert _create(limited, fresh).status_code == 200
    assert _create(limited, fresh).status_code == 429
    unlimited = make_project(engine, "Unlimited")
    configure_project(engine, unlimited.project, create_rate_limit=0)
    answers = [_create(limited, unlimited) for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert "ratelimit-limit" not in answers[0].headers


def test_invalid_keys_are_not_counted_against_anyone(limited, project):
    for _ in range(5):
        assert limited.post("/url.json", data={"v": "3", "key": "nope"}).status_code == 400
    assert _create(limited, project).status_code == 200
