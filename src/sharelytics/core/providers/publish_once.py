"""Publishing exactly once on a network without an idempotency header.

The adapter supplies `create` (send the post; raise `OutcomeUnknown` when the network may have posted without
telling us) and `find` (look among the identity's posts since a moment for the one we sent). `publish_once`
answers a repeated key from the store, looks before re-sending after a lost answer, and records the outcome.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sharelytics.core.clock import utcnow
from sharelytics.core.providers.idempotency import IdempotencyStore
from sharelytics.core.providers.model import (AuthRevoked, InvalidPost, PostGone, ProviderUnavailable, Published,
                                              RateLimited)

# Our clock and the network's may disagree; a post is searched from a little before the attempt started.
CLOCK_SKEW = timedelta(minutes=2)

Creator = Callable[[], Published]
Finder = Callable[[datetime, frozenset[str]], "Published | None"]  # (since, post ids to skip)


class OutcomeUnknown(Exception):
    """The create may have reached the network: a lost answer, a 5xx, or a refusal as a duplicate."""

    def __init__(self, reason: str, *, duplicate: bool = False) -> None:
        super().__init__(reason)
        self.duplicate = duplicate


def publish_once(store: IdempotencyStore, identity: str, key: str, create: Creator, find: Finder) -> Published:
    earlier = store.get(identity, key)
    if earlier is not None and earlier.published is not None:
        return earlier.published
    if earlier is not None:  # a previous attempt's answer was lost: it may have posted
        found = _look(store, identity, key, earlier.started_at, find)
        if found is not None:
            return found
    attempt = store.begin(identity, key, utcnow())
    try:
        published = create()
    except OutcomeUnknown as exc:
        found = _look(store, identity, key, attempt.started_at, find)
        if found is not None:
            return found
        if exc.duplicate:  # the same text went out before this key's first attempt: a real refusal
            if earlier is None:
                store.forget(identity, key)
            raise InvalidPost(f"the network refused the post as a duplicate of an earlier one ({exc})") from None
        raise ProviderUnavailable(f"{exc}; the next attempt looks for the post before sending it again") from None
    except (InvalidPost, AuthRevoked, PostGone, RateLimited):
        # Refused before anything was posted. An earlier lost attempt keeps its entry: it may still surface.
        if earlier is None:
            store.forget(identity, key)
        raise
    store.complete(identity, key, published)
    return published


def _look(store: IdempotencyStore, identity: str, key: str, since: datetime, find: Finder) -> Published | None:
    found = find(since - CLOCK_SKEW, store.post_ids(identity))
    if found is not None:
        store.complete(identity, key, found)
    return found
