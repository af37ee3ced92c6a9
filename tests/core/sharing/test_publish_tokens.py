"""Publish tokens: signed claims (site, user, validity), refused when altered, foreign or expired."""

from __future__ import annotations

import pytest

from sharelytics.core.sharing.publish_tokens import PublishTokenInvalid, issue_publish_token, read_publish_token

USER = "9a76c7f6-3705-48a8-8ea6-e862ed86d5d8"
NOW = 1_800_000_000.0


def test_a_token_reads_back_its_claims_until_it_expires() -> None:
    issued = issue_publish_token("secret", 7, USER, 3600, now=NOW)
    read = read_publish_token("secret", issued.key, now=NOW + 3599)
    assert (read.project_id, read.user_token) == (7, USER)
    assert (read.expires_at - read.created_at).total_seconds() == 3600 and read == issued
    with pytest.raises(PublishTokenInvalid, match="expired"):
        read_publish_token("secret", issued.key, now=NOW + 3600)


@pytest.mark.parametrize("key", ["", "x", "a" * 600, "W10.invalid"])
def test_malformed_keys_are_refused(key: str) -> None:
    with pytest.raises(PublishTokenInvalid):
        read_publish_token("secret", key, now=NOW)


def test_another_secret_or_an_altered_key_is_refused() -> None:
    key = issue_publish_token("secret", 7, USER, 3600, now=NOW).key
    with pytest.raises(PublishTokenInvalid, match="not valid"):
        read_publish_token("another secret", key, now=NOW)
    payload, _, signature = key.rpartition(".")
    forged = issue_publish_token("secret", 8, USER, 3600, now=NOW).key.rpartition(".")[0] + "." + signature
    with pytest.raises(PublishTokenInvalid, match="not valid"):
        read_publish_token("secret", forged, now=NOW)
