"""Provider credentials sealed under a key derived from the server secret."""

from __future__ import annotations

import pytest

from sharelytics.core.providers.model import Credentials
from sharelytics.core.sharing.vault import CredentialsUnreadable, CredentialVault


def test_round_trip_and_no_plaintext() -> None:
    vault = CredentialVault("server-secret")
    credentials = Credentials.bluesky("alice.test", "app-pass-word", "https://pds.example")
    sealed = vault.seal(credentials)
    assert "app-pass-word" not in sealed and "alice" not in sealed
    assert vault.open(sealed) == credentials
    assert vault.seal(credentials) != sealed  # a fresh IV each time


def test_another_secret_or_tampering_cannot_open() -> None:
    sealed = CredentialVault("one").seal(Credentials.mastodon("https://m.example", "tok"))
    with pytest.raises(CredentialsUnreadable):
        CredentialVault("two").open(sealed)
    with pytest.raises(CredentialsUnreadable):
        CredentialVault("one").open(sealed[:-4] + "AAAA")
    with pytest.raises(ValueError):
        CredentialVault("")
