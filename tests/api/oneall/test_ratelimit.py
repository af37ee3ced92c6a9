"""The OneAll API's budget per site key: 429 in OneAll's envelope with RateLimit and Retry-After headers, every
resource counted, publish tokens counted against their site, unknown credentials counted against nobody."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from sharelytics.app import build_services, create_app
from sharelytics.config import Settings
from sharelytics.core.sharing.publish_tokens import issue_publish_token
from tests.api.oneall.conftest import call, failed, ok
from tests.conftest import ProjectFixture, make_project


def limited_client(settings: Settings, engine: Engine, limit: int) -> Iterator[TestClient]:
    services = build_services(settings.with_overrides(oneall_rate_limit=limit), engine)
    with TestClient(create_app(services=services), base_url="http://sl.test") as client:
        yield client


@pytest.fixture
def limited(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    yield from limited_client(settings, engine, 3)


def test_the_fourth_request_in_the_hour_is_429_in_the_oneall_envelope(limited: TestClient,
                                                                      site: ProjectFixture) -> None:
    answers = [call(limited, site, "GET", "/users.json") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0"]
    assert all(a.headers["ratelimit-limit"] == "3" and 0 < int(a.headers["ratelimit-reset"]) <= 3600
               for a in answers)
    assert "retry-after" not in answers[0].headers
    refused = call(limited, site, "GET", "/providers.json")
    request = failed(refused, 429)
    assert request["resource"] == "/providers.json"
    assert request["status"]["info"].startswith("Too many requests: this site's key may make 3 OneAll API requests")
    assert refused.headers["ratelimit-limit"] == "3" and refused.headers["ratelimit-remaining"] == "0"
    assert 0 < int(refused.headers["retry-after"]) <= 3600


def test_errors_after_authentication_count_and_carry_the_headers(limited: TestClient, site: ProjectFixture) -> None:
    unknown = call(limited, site, "GET", "/users/9a76c7f6-3705-48a8-8ea6-e862ed86d5d8.json")
    failed(unknown, 404)
    assert unknown.headers["ratelimit-remaining"] == "2"
    failed(call(limited, site, "DELETE", "/sharing/messages/x.json"), 400)  # no confirm_deletion: still counted
    ok(call(limited, site, "GET", "/shorturls.json"))
    failed(call(limited, site, "GET", "/identities.json"), 429)


def test_sites_are_counted_apart_and_unknown_keys_not_at_all(limited: TestClient, site: ProjectFixture,
                                                             other_site: ProjectFixture) -> None:
    for _ in range(5):
        anonymous = limited.get("/users.json")
        failed(anonymous, 401)
        assert "ratelimit-limit" not in anonymous.headers
    for _ in range(3):
        ok(call(limited, site, "GET", "/users.json"))
    failed(call(limited, site, "GET", "/users.json"), 429)
    ok(call(limited, other_site, "GET", "/users.json"))


def test_publish_tokens_spend_their_sites_budget(limited: TestClient, site: ProjectFixture,
                                                  settings: Settings) -> None:
    user_token = "9a76c7f6-3705-48a8-8ea6-e862ed86d5d8"
    key = issue_publish_token(settings.secret, site.project.id, user_token, 3600).key
    body = {"request": {"message": {"providers": ["mastodon"], "parts": {"text": {"body": "hi"}}}}}
    headers = {"Authorization": f"OneAllPublishToken {key}"}
    for _ in range(3):
        failed(limited.post(f"/users/{user_token}/publish.json", json=body, headers=headers), 404)  # no such user
    refused = limited.post(f"/users/{user_token}/publish.json", json=body, headers=headers)
    failed(refused, 429)
    assert int(refused.headers["retry-after"]) > 0
    failed(call(limited, site, "GET", "/users.json"), 429)


def test_zero_means_unlimited(settings: Settings, engine: Engine) -> None:
    site = make_project(engine, "Unlimited")
    for client in limited_client(settings, engine, 0):
        answers = [call(client, site, "GET", "/users.json") for _ in range(5)]
        assert {a.status_code for a in answers} == {200}
        assert "ratelimit-limit" not in answers[-1].headers
