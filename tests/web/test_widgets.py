"""The conversion script is served with this server's address and the page's key, safely embedded."""

import json
import re

import pytest


def _config(body: str) -> dict:
    match = re.search(r"var config = (\{.*?\});", body)
    assert match, body[:300]
    return json.loads(match.group(1))


@pytest.mark.parametrize("path", ["/widgets.js", "/v3/widgets.js"])
def test_the_script_carries_the_key_and_the_api_address(client, path):
    response = client.get(path, params={"key": "abc123"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    config = _config(response.text)
    assert config == {"api": "http://sl.test", "key": "abc123", "cookieSeconds": 30 * 24 * 3600}
    assert "AWESM.convert" in response.text and "_awesmsession" in response.text


def test_a_hostile_key_cannot_break_out_of_the_script(client):
    response = client.get("/widgets.js", params={"key": '</script><script>alert(1)</script>"'})
    assert "</script>" not in response.text
    assert _config(response.text.replace("\\u003c", "<").replace("\\u003e", ">"))["key"].startswith("</script>")


def test_head_is_answered(client):
    assert client.head("/widgets.js?key=k").status_code == 200
