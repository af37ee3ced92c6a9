"""Helpers for the API suites: a browser User-Agent, the reference fixtures' key orders, and a way to age links."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, select, update

from sharelytics.core.stats.share_rollup import link_fact, move_shares
from sharelytics.storage.tables import links
from tests.conftest import ProjectFixture

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

# reference/awesm-api.md §3.1, the cuteonme order; user_id_metadata as in the awe.sm-written static/update pages.
LINK_KEYS = [
    "awesm_url", "awesm_id", "domain", "path", "created_at", "original_url", "redirect_url", "channel", "service",
    "tool", "application", "parent", "sharer_id", "username", "service_userid", "service_postid",
    "service_postid_metadata", "campaign", "campaign_metadata", "user_id", "user_id_metadata", "tag", "notes",
]
USER_KEYS = ["icon_url", "username", "profile_url"]


def base_params(project: ProjectFixture, **extra: str) -> dict[str, str]:
    return {"v": "3", "key": project.key, "tool": project.tool.key, **extra}


def assert_link_shape(body: dict[str, object], *tail: str) -> None:
    assert list(body) == LINK_KEYS + list(tail)
    assert list(body["service_postid_metadata"]) == ["reach", "shared_at"]  # type: ignore[arg-type]
    assert list(body["campaign_metadata"]) == ["description", "name"]  # type: ignore[arg-type]
    assert list(body["user_id_metadata"]) == USER_KEYS  # type: ignore[arg-type]


def age_link(engine: Engine, awesm_id: str, created_at: datetime) -> None:
    """Backdate a link, moving its share in the stats rollups as a real change would."""
    with engine.begin() as conn:
        link_id = conn.execute(select(links.c.id).where(links.c.awesm_id == awesm_id)).scalar_one()
        before = link_fact(conn, link_id)
        conn.execute(update(links).where(links.c.id == link_id).values(created_at=created_at))
        assert before is not None
        move_shares(conn, before, link_fact(conn, link_id))


@pytest.fixture
def params(project: ProjectFixture) -> dict[str, str]:
    return base_params(project)
