"""Snapshots in the OneAll shape (reference/oneall-sharing.md §4): the snapshot node (initiate, list, details), the
per-publication entries of a processed snapshot, and the pingback body. Key names follow the docs and the .NET SDK
data classes (`profileUrl` in camelCase, reposts under `retweets`); extensions are added after the known keys."""

from __future__ import annotations

from typing import Any

import orjson

from sharelytics.api.oneall.envelope import SUCCESS_INFO, container, request_node, rfc2822
from sharelytics.core.providers.model import Reaction, Reactions
from sharelytics.core.snapshots.model import PublicationResult, Snapshot, SnapshotPublication

# OneAll list key per reaction kind, and the network's own counter kept beside the listed entries.
REACTION_LISTS = (("likes", "likes", "like_count"), ("comments", "comments", "comment_count"),
                  ("retweets", "reposts", "repost_count"), ("quotes", "quotes", "quote_count"))


def resource(snapshot: Snapshot) -> str:
    return f"/sharing/analytics/snapshots/{snapshot.snapshot_token}.json"


def message_node(snapshot: Snapshot) -> dict[str, Any]:
    m = snapshot.message
    return {"sharing_message_token": m.message_token, "date_creation": rfc2822(m.created_at),
            "date_last_published": rfc2822(m.last_published_at or m.created_at)}


def initiated(snapshot: Snapshot) -> dict[str, Any]:
    """As the seed page shows it on 201 and 102: token, date_initiated, sharing_message."""
    return {"sharing_analytics_snapshot_token": snapshot.snapshot_token,
            "date_initiated": rfc2822(snapshot.initiated_at), "sharing_message": message_node(snapshot)}


def summary(snapshot: Snapshot) -> dict[str, Any]:
    """A list entry: with `status`, and `date_finished` once processed (reference §4.3)."""
    out: dict[str, Any] = {"sharing_analytics_snapshot_token": snapshot.snapshot_token,
                           "date_initiated": rfc2822(snapshot.initiated_at), "status": snapshot.status}
    if snapshot.finished_at is not None:
        out["date_finished"] = rfc2822(snapshot.finished_at)
    out["sharing_message"] = message_node(snapshot)
    return out


def details(snapshot: Snapshot) -> dict[str, Any]:
    """Processed: every publication with its results. Pending: no results, its status and progress instead."""
    out = summary(snapshot)
    if snapshot.processed:
        out["publication_snapshots"] = container([publication_entry(p) for p in snapshot.publications])
    else:
        out["progress"] = {"publications": snapshot.publications_total, "processed": snapshot.publications_done}
    return out


def publication_entry(found: SnapshotPublication) -> dict[str, Any]:
    publication = {
        "provider": found.provider, "user_token": found.user_token, "identity_token": found.identity_token,
        "date_publication": rfc2822(found.published_at),
        "shorturls": container([{"shorturl_token": u.shorturl_token, "short_url": u.short_url,
                                 "original_url": u.original_url} for u in found.shorturls]),
    }
    assert found.result is not None, "a processed snapshot has a result for every publication"
    return {"publication": publication, "publication_snapshot": publication_snapshot(found.result)}


def publication_snapshot(result: PublicationResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "date_processed": rfc2822(result.processed_at),
        "status": {"flag": result.outcome.flag, "code": result.outcome.code, "info": result.outcome.info},
        "urls": container([{"target": u.target, "num_referrals": u.num_referrals, "short_url": u.short_url,
                            "num_bot_referrals": u.num_bot_referrals,
                            "num_unfurler_referrals": u.num_unfurler_referrals} for u in result.urls]),
    }
    if result.reactions is not None:
        out.update(reaction_lists(result.reactions))
    return out


def reaction_lists(reactions: Reactions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, attribute, counter in REACTION_LISTS:
        entries = [reaction(r) for r in getattr(reactions, attribute)]
        node: dict[str, Any] = container(entries)
        reported = getattr(reactions, counter)
        if reported is not None:
            node["num_reported"] = reported  # the network's counter, which may exceed what it lists
        out[key] = node
    return out


def reaction(found: Reaction) -> dict[str, Any]:
    out: dict[str, Any] = {"username": found.username, "profileUrl": found.profile_url}
    optional = {"content": found.content, "date": rfc2822(found.date),
                "date_member_since": rfc2822(found.date_member_since), "num_followers": found.num_followers}
    out.update({k: v for k, v in optional.items() if v is not None})
    return out


def pingback_body(snapshot: Snapshot) -> bytes:
    """What is POSTed to the pingback_uri once the snapshot is processed (the seed page's example)."""
    data = {"sharing_analytics_snapshot": {
        "sharing_analytics_snapshot_token": snapshot.snapshot_token,
        "date_initiated": rfc2822(snapshot.initiated_at), "date_finished": rfc2822(snapshot.finished_at),
        "sharing_message": message_node(snapshot)}}
    body = {"response": {"request": request_node(resource(snapshot), "success", 200, SUCCESS_INFO),
                         "result": {"data": data}}}
    return orjson.dumps(body)
