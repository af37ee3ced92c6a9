"""The OneAll API's shapes as JSON Schema components: the envelope and its request node, the pagination node, the
resource objects (users, identities, providers, sharing messages, short URLs, analytics snapshots) and the request
bodies. Field sets follow api/oneall/render.py and snapshot_render.py; examples are the reference's
(reference/oneall-sharing.md §1, §2, §4.5, §5)."""

from __future__ import annotations

from typing import Any

from sharelytics.api.oneall.errors import ERRORS, INTERNAL
from sharelytics.api.openapi.schema import (
    BOOLEAN,
    INTEGER,
    NULL_INTEGER,
    NULL_STRING,
    STRING,
    Schema,
    array,
    enum,
    integer,
    nullable,
    obj,
    ref,
    string,
)
from sharelytics.core.providers.model import ReactionKind
from sharelytics.core.sharing.pages import MAX_PER_PAGE
from sharelytics.core.snapshots.model import PROCESSED, PROCESSING, SCHEDULED

RFC2822 = string("RFC 2822, UTC: `Fri, 16 Sep 2011 07:24:36 +0000`.",
                 pattern=r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                         r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}$")
NULL_RFC2822 = nullable(RFC2822)
ERROR_CODES = sorted({kind.code for kind in ERRORS.values()} | {INTERNAL.code})
REACTION_KINDS = list(ReactionKind.__args__)  # type: ignore[attr-defined]

UNAUTHORIZED_EXAMPLE = {"response": {"request": {
    "date": "Thu, 25 Aug 2011 17:04:03 +0200", "resource": "/connections.json",
    "status": {"flag": "error", "code": 401,
               "info": "Authentication credentials are missing or incorrect: "
                       "http://docs.oneall.com/api/basic/authentication/"}}}}
DELETED_EXAMPLE = {"response": {"request": {
    "date": "Fri, 27 Jan 2012 16:24:15 +0100",
    "resource": "/sharing/analytics/snapshots/a5de98a6-50cc-4d69-916a-d1e7ca9bafd0.json",
    "status": {"flag": "success", "code": 200,
               "info": "The sharing analytics snapshot has been deleted successfully"}}}}
SHORTURL_EXAMPLE = {"shorturl_token": "dam3Y", "original_url": "http://www.oneall.com/services/",
                    "short_url": "http://oal.lu/dam3Y", "date_creation": "Thu, 15 Sep 2011 11:27:27 +0200",
                    "date_last_referral": "Fri, 16 Sep 2011 07:24:36 +0200", "num_referrals": 10}


def enveloped(key: str, data: Schema, example: Any = None) -> Schema:
    """`{"response": {"request": …, "result": {"data": {key: data}}}}`."""
    out = obj({"response": obj({"request": ref("RequestNode"),
                                "result": obj({"data": obj({key: data})})})})
    if example is not None:
        out["examples"] = [{"response": {"request": {
            "date": "Thu, 15 Sep 2011 11:27:27 +0200", "resource": "/shorturls/dam3Y.json",
            "status": {"flag": "success", "code": 200, "info": "Your request has been processed successfully"}},
            "result": {"data": {key: example}}}}]
    return out


def enveloped_many(data: dict[str, Schema]) -> Schema:
    """`{"response": {"request": …, "result": {"data": {…}}}}` with several keys under data."""
    return obj({"response": obj({"request": ref("RequestNode"), "result": obj({"data": obj(data)})})})


def paged(item: Schema) -> Schema:
    return obj({"pagination": ref("Pagination"), "count": INTEGER, "entries": array(item)})


def listed(item: Schema) -> Schema:
    return obj({"count": INTEGER, "entries": array(item)})


def _identity() -> Schema:
    return obj({
        "identity_token": STRING, "user_token": STRING, "provider": STRING,
        "id": string("The account's id on the network."), "displayName": STRING, "preferredUsername": STRING,
        "profileUrl": STRING, "num_followers": NULL_INTEGER, "date_creation": RFC2822, "date_last_update": RFC2822,
    }, description="One social-network account of a user (Portable Contacts names).")


def _user(with_identity: bool = False) -> Schema:
    properties = {"user_token": STRING, "date_creation": RFC2822, "date_last_update": RFC2822,
                  "identities": array(ref("Identity")), "publish_token": ref("PublishToken")}
    if with_identity:
        properties["identity"] = ref("Identity")
    return obj(properties, optional=() if with_identity else ("publish_token",),
               description="`publish_token` (a fresh one) when one user is read or imported, not in lists.")


def _publish_token() -> Schema:
    return obj({"key": string("Sent as `Authorization: OneAllPublishToken <key>`."), "date_creation": RFC2822,
                "date_expiration": RFC2822}, description="Lets an app publish for this user only, until it expires.")


def _provider() -> Schema:
    return obj({
        "key": STRING, "name": STRING, "is_configurable": BOOLEAN,
        "configuration": obj({"is_required": BOOLEAN, "is_completed": BOOLEAN}),
        "authentication": obj({"is_user_input_required": BOOLEAN, "user_input_fields": array(STRING)}),
        "capabilities": obj({"max_text_length": INTEGER, "max_media": INTEGER, "link_cards": BOOLEAN,
                             "pictures": BOOLEAN, "video": BOOLEAN, "reactions": array(enum(REACTION_KINDS))}),
    })


def _parts() -> Schema:
    url = obj({"url": STRING})
    return obj({
        "text": obj({"body": STRING}), "video": url, "picture": url,
        "link": obj({"url": STRING, "name": STRING, "caption": STRING, "description": STRING}),
        "uploads": array(obj({"name": STRING}), "The files' names (their data is not echoed)."),
        "flags": obj({"enable_tracking": integer(enum=[0, 1])}),
    }, optional=("text", "video", "picture", "link", "uploads"), description="The message parts as stored.")


def _publication() -> Schema:
    return obj({
        "provider": STRING, "user_token": STRING, "identity_token": STRING, "date_publication": RFC2822,
        "status": obj({"flag": enum(("success", "error", "pending")), "code": INTEGER, "message": STRING}),
        "publication_token": STRING, "post_url": NULL_STRING,
        "shorturls": listed(ref("TrackedUrl")),
    }, optional=("shorturls",), description="One post on one network; `shorturls` when tracking made any.")


def _message_summary() -> Schema:
    return obj({"sharing_message_token": STRING, "date_creation": RFC2822, "date_last_published": RFC2822})


def _message(publications_as_array: bool = False) -> Schema:
    summary = _message_summary()["properties"]
    publications = array(ref("Publication")) if publications_as_array else listed(ref("Publication"))
    return obj({**summary, "parts": ref("MessageParts"), "publications": publications})


def _shorturl(details: bool = False) -> Schema:
    properties: dict[str, Schema] = {
        "shorturl_token": STRING, "original_url": STRING, "short_url": STRING, "date_creation": RFC2822,
        "date_last_referral": {**RFC2822, "description": "Only after a first referral."}, "num_referrals": INTEGER,
    }
    if details:
        referral = obj({"page": NULL_STRING, "ip_address": NULL_STRING, "date_creation": RFC2822})
        properties.update({"referrals": paged(referral), "num_bot_referrals": INTEGER,
                           "num_unfurler_referrals": INTEGER})
    return obj(properties, optional=("date_last_referral",))


def _snapshot(kind: str) -> Schema:
    """`initiated` (201/207), `summary` (lists) or `details` (read)."""
    properties: dict[str, Schema] = {"sharing_analytics_snapshot_token": STRING, "date_initiated": RFC2822}
    optional: tuple[str, ...] = ()
    if kind != "initiated":
        properties.update({"status": enum((SCHEDULED, PROCESSING, PROCESSED)), "date_finished": RFC2822})
        optional = ("date_finished",)
    properties["sharing_message"] = ref("MessageSummary")
    if kind == "details":
        properties["publication_snapshots"] = listed(ref("PublicationSnapshotEntry"))
        properties["progress"] = obj({"publications": INTEGER, "processed": INTEGER})
        optional = (*optional, "publication_snapshots", "progress")
    return obj(properties, optional=optional)


def _publication_snapshot_entry() -> Schema:
    publication = obj({"provider": STRING, "user_token": STRING, "identity_token": STRING,
                       "date_publication": NULL_RFC2822,
                       "shorturls": listed(obj({"shorturl_token": STRING, "short_url": STRING,
                                                "original_url": STRING}))})
    url = obj({"target": STRING, "num_referrals": INTEGER, "short_url": STRING, "num_bot_referrals": INTEGER,
               "num_unfurler_referrals": INTEGER})
    reaction_list = ref("ReactionList")
    snapshot = obj({
        "date_processed": RFC2822,
        "status": obj({"flag": enum(("success", "error")), "code": INTEGER, "info": STRING}),
        "urls": listed(url), "likes": reaction_list, "comments": reaction_list, "retweets": reaction_list,
        "quotes": reaction_list,
    }, optional=("likes", "comments", "retweets", "quotes"),
        description="What was read for the publication; reaction lists only when the network could be read.")
    return obj({"publication": publication, "publication_snapshot": snapshot})


def _reaction_list() -> Schema:
    reaction = obj({"username": STRING, "profileUrl": STRING, "content": STRING, "date": RFC2822,
                    "date_member_since": RFC2822, "num_followers": INTEGER},
                   optional=("content", "date", "date_member_since", "num_followers"))
    return obj({"count": INTEGER, "entries": array(reaction),
                "num_reported": integer("The network's own counter, which may exceed what it lists.")},
               optional=("num_reported",))


def _bodies() -> dict[str, Schema]:
    """Request bodies: what the handlers read (other keys are ignored, so these objects stay open)."""
    def body(name: str, inner: Schema) -> Schema:
        return obj({"request": obj({name: inner}, exact=False)}, exact=False)

    def open_obj(properties: dict[str, Schema], optional: tuple[str, ...] = ()) -> Schema:
        return obj(properties, optional=optional, exact=False)

    text = string(maxLength=4096)
    flag = {"anyOf": [integer(enum=[0, 1]), enum(("0", "1", "true", "false")), BOOLEAN]}
    parts = open_obj({
        "text": open_obj({"body": string(maxLength=100_000)}), "picture": open_obj({"url": text}),
        "video": open_obj({"url": text}),
        "link": open_obj({"url": text, "name": text, "caption": text, "description": string(maxLength=100_000)},
                         ("name", "caption", "description")),
        "uploads": array(open_obj({"name": text, "data": string("Base64 of the file.", contentEncoding="base64")}),
                         maxItems=4),
        "flags": open_obj({"enable_tracking": flag}),
    }, ("text", "picture", "video", "link", "uploads", "flags"))
    target = {
        "publish_for_user": open_obj({"user_token": string(maxLength=64), "providers": {
            "anyOf": [array(string(maxLength=64), minItems=1, maxItems=50), string(maxLength=64)],
            "description": "Provider keys; one plain string is read as a list of one."}}),
        "publish_for_identity": open_obj({"identity_token": string(maxLength=64)}),
    }
    message = {"oneOf": [open_obj({**target, "parts": parts}, ("publish_for_identity",)),
                         open_obj({**target, "parts": parts}, ("publish_for_user",))]}
    providers = {"anyOf": [array(string(maxLength=64), minItems=1, maxItems=50), string(maxLength=64)],
                 "description": "Provider keys; one plain string is read as a list of one."}
    republish = {"oneOf": [open_obj(target, ("publish_for_identity",)), open_obj(target, ("publish_for_user",))]}
    source = open_obj({
        "key": string("The provider: mastodon, bluesky, …", maxLength=64),
        "access_token": open_obj({"key": text, "secret": text}, ("key", "secret")),
        "instance_url": text, "pds_url": text, "base_url": text, "handle": string(maxLength=255),
        "account_id": string(maxLength=255), "app_password": text,
    }, ("access_token", "instance_url", "pds_url", "base_url", "handle", "account_id", "app_password"))
    return {
        "PublishRequest": body("sharing_message", message),
        "RepublishRequest": body("sharing_message", republish),
        "UserPublishRequest": body("message", open_obj({"parts": parts, "providers": providers})),
        "ImportRequest": body("user", open_obj({"user_token": string(maxLength=64),
                                                "identity": open_obj({"source": source})}, ("user_token",))),
        "ShortUrlRequest": body("shorturl", open_obj({"original_url": string(format="uri", maxLength=4096)})),
        "SnapshotRequest": body("analytics", open_obj({"sharing": open_obj({
            "sharing_message_token": string(maxLength=64),
            "pingback_uri": nullable(string(format="uri", maxLength=2048))}, ("pingback_uri",))})),
    }


def schemas() -> dict[str, Schema]:
    status = obj({"flag": enum(("success", "error", "scheduled", "processing")), "code": INTEGER, "info": STRING})
    return {
        "RequestNode": obj({"date": RFC2822, "resource": string("The path requested, without the query."),
                            "status": status}),
        "RequestOnly": obj({"response": obj({"request": ref("RequestNode")})},
                           description="An error (flag `error`, the HTTP code repeated) or a deletion: no result."),
        "Pagination": obj({"current_page": INTEGER, "total_pages": INTEGER,
                           "entries_per_page": integer(minimum=1, maximum=MAX_PER_PAGE), "total_entries": INTEGER,
                           "order": obj({"field": STRING, "direction": enum(("asc", "desc"))})}),
        "Identity": _identity(), "User": _user(), "ImportedUser": _user(with_identity=True),
        "Provider": _provider(), "MessageParts": _parts(), "Publication": _publication(),
        "TrackedUrl": obj({"shorturl_token": STRING, "original_url": STRING, "short_url": STRING}),
        "MessageSummary": _message_summary(), "Message": _message(), "MobileMessage": _message(True),
        "PublishToken": _publish_token(),
        "ShortUrl": _shorturl(), "ShortUrlDetails": _shorturl(details=True),
        "SnapshotInitiated": _snapshot("initiated"), "SnapshotSummary": _snapshot("summary"),
        "SnapshotDetails": _snapshot("details"), "PublicationSnapshotEntry": _publication_snapshot_entry(),
        "ReactionList": _reaction_list(),
        **_bodies(),
    }
