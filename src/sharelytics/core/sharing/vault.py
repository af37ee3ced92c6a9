"""Provider credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from the server secret
with HKDF, so the secret itself never serves as a cipher key and other uses of it stay independent."""

from __future__ import annotations

import base64
from dataclasses import asdict

import orjson
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sharelytics.core.providers.model import Credentials

_INFO = b"sharelytics/oneall/provider-credentials/v1"  # a new purpose gets a new label, hence a new key


class CredentialsUnreadable(Exception):
    """Stored credentials do not decrypt under this secret (it changed, or the row was tampered with)."""


class CredentialVault:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the server secret is empty")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode("utf-8"))
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, credentials: Credentials) -> str:
        return self._fernet.encrypt(orjson.dumps(asdict(credentials))).decode("ascii")

    def open(self, sealed: str) -> Credentials:
        try:
            return Credentials(**orjson.loads(self._fernet.decrypt(sealed.encode("ascii"))))
        except (InvalidToken, ValueError, TypeError) as exc:
            raise CredentialsUnreadable("stored credentials cannot be decrypted with the server secret") from exc
