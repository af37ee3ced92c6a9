"""Pingback signatures: HMAC-SHA256 over `<timestamp>.<body>`, keyed with the SHA-256 (hex) of the site's OneAll
private key. The service stores only that hash, and the site computes it from the key it holds, so no new secret
has to be handed out; the timestamp lets the receiver refuse replays. Recipe and rationale: docs/pingbacks.md."""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Sharelytics-Timestamp"
SIGNATURE_HEADER = "X-Sharelytics-Signature"  # `sha256=<hex>`
DELIVERY_HEADER = "X-Sharelytics-Delivery"  # the same on every attempt: receivers deduplicate with it
EVENT_HEADER = "X-Sharelytics-Event"
EVENT = "sharing_analytics_snapshot.processed"
SCHEME = "sha256="


def signing_key_from_private_key(private_key: str) -> bytes:
    """What a site computes from its private key; equal to the hash the service keeps (`core.secrets.hash_key`)."""
    return hashlib.sha256(private_key.encode("utf-8")).hexdigest().encode("ascii")


def signature(key: bytes, timestamp: int, body: bytes) -> str:
    return SCHEME + hmac.new(key, str(timestamp).encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def verify(key: bytes, timestamp: str, body: bytes, received: str, now: float, tolerance: float = 300.0) -> bool:
    """The receiver's check (also what docs/pingbacks.md shows): recent timestamp, constant-time comparison."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance:
        return False
    return hmac.compare_digest(signature(key, sent_at, body), received.strip())
