"""Finding the project (the OneAll site) from its public key, and checking its private key in constant time."""

from __future__ import annotations

import hmac

from sqlalchemy import Engine, select

from sharelytics.core.projects.model import Project
from sharelytics.core.secrets import hash_key
from sharelytics.storage.tables import projects

MAX_KEY = 128
_NO_HASH = "0" * 64  # compared against when the public key is unknown, so both paths cost the same


def project_by_oneall_keys(engine: Engine, public_key: str, private_key: str) -> Project | None:
    """The site whose key pair this is, whatever Host the request came to; None for any mismatch."""
    if not public_key or not private_key or len(public_key) > MAX_KEY or len(private_key) > MAX_KEY:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(projects).where(projects.c.oneall_public_key == public_key)).mappings().first()
    stored = row["oneall_private_key_hash"] if row is not None else _NO_HASH
    matches = hmac.compare_digest(hash_key(private_key), stored)
    return Project.from_row(row) if row is not None and matches else None
