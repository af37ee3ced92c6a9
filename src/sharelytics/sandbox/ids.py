"""Identifiers shaped like the real ones: Mastodon snowflake-style IDs, Bluesky TIDs, DIDs, CIDs and tokens."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time

from sharelytics.core.providers.bluesky_text import TID_ALPHABET

_B32 = "abcdefghijklmnopqrstuvwxyz234567"


def new_tid() -> str:
    """A TID for the current microsecond with a random clock id (13 base32-sortable characters)."""
    value = (int(time.time() * 1_000_000) << 10) | secrets.randbelow(1024)
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def did_for(handle: str) -> str:
    digest = hashlib.sha256(handle.lower().encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def cid_for(payload: bytes) -> str:
    """A CIDv1-looking string (dag-cbor, sha256) derived from the content; only its shape matters to clients."""
    return "bafyrei" + base64.b32encode(hashlib.sha256(payload).digest()).decode().lower().rstrip("=")[:52]


def blob_cid(data: bytes) -> str:
    return "bafkrei" + base64.b32encode(hashlib.sha256(data).digest()).decode().lower().rstrip("=")[:52]


def app_password() -> str:
    return "-".join("".join(secrets.choice(_B32[:26]) for _ in range(4)) for _ in range(4))


def opaque_token() -> str:
    return secrets.token_urlsafe(32)


def sniff_mime(data: bytes, declared: str = "") -> str:
    """What the bytes are, as a PDS decides (the SDK uploads with `*/*`); the declared type only as a fallback."""
    signatures = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
                  (b"RIFF", "image/webp"), (b"\x1aE\xdf\xa3", "video/webm"))
    for magic, mime in signatures:
        if data.startswith(magic):
            return mime
    if data[4:8] == b"ftyp":
        return "video/mp4"
    return declared if declared and "*" not in declared else "application/octet-stream"
