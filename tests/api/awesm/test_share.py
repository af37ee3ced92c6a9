"""`url/share` (GET): create, then 302 to the destination with AWESM_URL filled in. The gem builds these URLs
without URL-encoding anything, so they are sent here as the gem builds them."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from sharelytics.storage.tables import links
from tests.api.conftest import BROWSER

BROWSER_HEADERS = {"user-agent": BROWSER}


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(links)).scalar_one()


def _gem_url(project, parent: str, extra: str = "") -> str:
    # spec/awesm/url_spec.rb, verbatim but for the key, tool and parent this test's project has.
    return (
        f"/url/share?v=3&url=http://developers.awe.sm/&key={project.key}&tool={project.tool.key}&channel=twitter"
        "&destination=http://twitter.com/intent/tweet?text=This+is+the+coolest+API+evar!%26url=AWESM_URL%26via=awesm"
        f"&parent={parent}&user_id=42{extra}"
    )


def _parent(client, project) -> str:
    data = {"v": "3", "key": project.key, "tool": project.tool.key, "url": "http://a.example/", "channel": "twitter"}
    return client.post("/url.json", data=data).json()["awesm_id"]


def test_gem_share_url_unencoded(client, project, engine):
    parent = _parent(client, project)
    response = client.get(_gem_url(project, parent), headers=BROWSER_HEADERS, follow_redirects=False)
    assert response.status_code == 302
    location = response.headers["location"]
    match = re.fullmatch(
        r"http://twitter\.com/intent/tweet\?text=This%20is%20the%20coolest%20API%20evar!"
        r"&url=http://sl\.test/([0-9A-Za-z]{6})&via=awesm",
        location,
    )
    assert match, location
    with engine.connect() as conn:
        row = conn.execute(
            select(links.c.original_url, links.c.channel, links.c.parent, links.c.user_id).where(
                links.c.path == match.group(1)
            )
        ).one()
    assert tuple(row) == ("http://developers.awe.sm/", "twitter", parent, "42")


def test_gem_share_url_with_every_optional_parameter(client, project, engine):
    parent = _parent(client, project)
    extra = ("&campaign=Big Launch&campaign_description=The launch!&notes=shared+from+the+gem&service_userid=twitter:13263"
             "&tag=gem&user_id_icon_url=http://img.example/42.png&user_id_profile_url=http://example.com/u/42"
             "&user_id_username=douglas")
    response = client.get(_gem_url(project, parent, extra), headers=BROWSER_HEADERS, follow_redirects=False)
    assert response.status_code == 302
    with engine.connect() as conn:
        row = conn.execute(
            select(links.c.campaign, links.c.notes, links.c.service_userid, links.c.tag).where(links.c.tag == "gem")
        ).one()
    assert tuple(row) == ("big-launch", "shared from the gem", "twitter:13263", "gem")


def test_the_fixtures_unknown_parent_still_redirects_with_the_page_url(client, project, engine):
    response = client.get(_gem_url(project, "awe.sm_s5d99"), headers=BROWSER_HEADERS, follow_redirects=False)
    assert response.status_code == 302
    assert "&url=http://developers.awe.sm/&via=awesm" in response.headers["location"]
    assert _count(engine) == 0


def test_errors_true_answers_the_error(client, project):
    response = client.get(_gem_url(project, "awe.sm_s5d99") + "&errors=true", headers=BROWSER_HEADERS)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 1023
    assert response.json()["request"]["action"] == "share"


def test_url_defaults_to_the_referer(client, project, engine):
    path = (f"/url/share?v=3&key={project.key}&tool={project.tool.key}&channel=facebook-post"
            "&destination=http://www.facebook.com/sharer.php?u=AWESM_URL")
    headers = {**BROWSER_HEADERS, "referer": "http://blog.example/post/1"}
    response = client.get(path, headers=headers, follow_redirects=False)
    assert response.status_code == 302
    assert re.fullmatch(r"http://www\.facebook\.com/sharer\.php\?u=http://sl\.test/\w{6}", response.headers["location"])
    with engine.connect() as conn:
        assert conn.execute(select(links.c.original_url)).scalar_one() == "http://blog.example/post/1"


def test_known_bots_unfurlers_and_missing_user_agents_create_nothing(client, project, engine):
    path = _gem_url(project, "").replace("&parent=", "")
    for agent in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "Slackbot-LinkExpanding 1.0", ""):
        response = client.get(path, headers={"user-agent": agent}, follow_redirects=False)
        assert response.status_code == 302
        assert "&url=http://developers.awe.sm/&via=awesm" in response.headers["location"]
        refused = client.get(path + "&errors=1", headers={"user-agent": agent})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == 1050
    assert _count(engine) == 0


def test_invalid_key_or_destination_never_redirects(client, project):
    bad_key = _gem_url(project, "").replace(project.key, "nokey")
    response = client.get(bad_key, headers=BROWSER_HEADERS, follow_redirects=False)
    assert response.status_code == 400 and response.json()["error"]["code"] == 1000
    no_dest = f"/url/share?v=3&key={project.key}&tool={project.tool.key}&channel=twitter&url=http://a.example/"
    assert client.get(no_dest, headers=BROWSER_HEADERS).json()["error"]["code"] == 1001
    script = no_dest + "&destination=javascript:alert(AWESM_URL)"
    assert client.get(script, headers=BROWSER_HEADERS).json()["error"]["code"] == 1045


def test_share_is_get_only(client, project):
    assert client.post("/url/share", data={"v": "3"}).status_code == 405
