"""Keys shown once and stored hashed; constant-time comparison."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

BASE62 = string.digits + string.ascii_letters


def new_hex_key(nbytes: int = 32) -> str:
    return secrets.token_hex(nbytes)


def new_base62(length: int) -> str:
    return "".join(secrets.choice(BASE62) for _ in range(length))


def hash_key(key: str) -> str:
    # The keys are 128+ random bits, so a fast digest is enough: nothing to brute-force.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def same_hash(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)
