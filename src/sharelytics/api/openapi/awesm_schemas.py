"""The awe.sm API's response shapes as JSON Schema components: the link object, the Create and Stats answers and
the two error shapes. Enumerations come from the code that produces the values (error tables, dimensions, sort
types, conversion types), so a new code or dimension cannot go undocumented.
"""

from __future__ import annotations

from typing import Any

from sharelytics.api.awesm.errors import ERRORS, INTERNAL
from sharelytics.api.awesm.stats.errors import STATUSES
from sharelytics.api.openapi.schema import (
    BOOLEAN,
    INTEGER,
    NULL_STRING,
    NUMBER,
    STRING,
    Schema,
    array,
    const,
    enum,
    integer,
    nullable,
    obj,
    ref,
    string,
)
from sharelytics.core.stats.dimensions import DIMENSIONS
from sharelytics.core.stats.model import CONVERSION_TYPES, SORT_TYPES
from sharelytics.core.stats.timeline import STEPS

DATE_TIME = string(format="date-time", pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
NULL_DATE_TIME = nullable(DATE_TIME)
CREATE_CODES = sorted({kind.code for kind in ERRORS.values()} | {INTERNAL.code})
STATS_STATUSES = sorted({status for status, _ in STATUSES.values()} | {500})

# The gem's create fixture (reference/awesm-api.md §3.1), in the cuteonme key order with `username` (§3.1 note).
LINK_EXAMPLE: dict[str, Any] = {
    "awesm_url": "http://demo.awe.sm/K5s", "awesm_id": "demo.awe.sm_K5s", "domain": "demo.awe.sm", "path": "K5s",
    "created_at": "2011-10-04T18:00:57Z", "original_url": "http://developers.awe.sm/",
    "redirect_url": "http://developers.awe.sm/", "channel": "facebook-post", "service": "facebook",
    "tool": "test-main", "application": "test", "parent": None, "sharer_id": None, "username": None,
    "service_userid": None, "service_postid": None, "service_postid_metadata": {"reach": None, "shared_at": None},
    "campaign": None, "campaign_metadata": {"description": None, "name": None}, "user_id": None,
    "user_id_metadata": {"icon_url": None, "username": None, "profile_url": None}, "tag": None, "notes": None,
}
CREATE_ERROR_EXAMPLE = {
    "request": {"action": "create", "awesm_url": "awe.sm_5WXHo", "controller": "url",
                "key": "badkeyabcdefghijklmnopqrstuvwxyz1234567890"},
    "error": {"code": 1000, "message": "Invalid API key"},
}
STATS_ERROR_EXAMPLE = {"error": 403, "error_message": "Invalid API key specified"}
# reference/awesm-api.md §5.2 (gem stats fixture) and §5.4 (stats/{awesm_id}).
REPORT_EXAMPLE = {
    "end_date": "2011-10-01T00:00:00Z", "filters": [], "group_by": None, "groups": [], "last_offset": 0,
    "offset": 0, "page": None, "per_page": 10, "pivot": None, "pivot_sort_order": None, "pivot_sort_type": None,
    "sort_order": None, "sort_type": None, "start_date": "2011-09-01T00:00:00Z", "total_results": 0,
    "totals": {"clicks": 166, "clicks_per_share": 2.5538, "shares": 65},
    "with_conversions": False, "with_metadata": False, "with_zeros": False,
}
SINGLE_LINK_EXAMPLE = {
    "awesm_id": "demo.awe.sm_K7e", "clicks": 5, "end_date": None, "interval": "none", "start_date": None,
    "with_conversions": False, "with_metadata": False, "with_zeros": False,
}
CONVERSION_EXAMPLE = {
    "request": {"action": "new", "awesm_url": "awe.sm_5WXHo", "controller": "conversion",
                "conversion_type": "goal_1", "conversion_value": "1230",
                "key": "f2d8aa4ad28ee7a9cdd1a4e2e1b6a4c1c8a2dd5f7a5a8bbf2d9a0f4e6b3ce6ee"},
    "response": {"conversion": {
        "account_conversionid": None, "account_id": "12", "account_userid": None, "awesm_url": "awe.sm_5WXHo",
        "clicker_id": None, "converted_at": 1317850014, "href": None, "id": "238ea66b-e267-45cf-85a6-e0c21580f1e6",
        "ip_address": None, "language": None, "redirection_id": None, "referrer": None, "session_id": None,
        "type": "goal_1", "user_agent": None, "value": 1230}},
}


def _link() -> Schema:
    return obj({
        "awesm_url": string("The short URL.", format="uri"),
        "awesm_id": string("`%domain%_%path%`: the awesm_url with `/` swapped for `_`."),
        "domain": STRING, "path": STRING, "created_at": DATE_TIME,
        "original_url": string("The page shared, as given (after canonicalisation by a redirection pattern)."),
        "redirect_url": string("Where a click goes: the original_url through the project's redirection pattern."),
        "channel": STRING, "service": STRING,
        "tool": string("The tool's label (`application-tool`), never its key."),
        "application": STRING, "parent": NULL_STRING, "sharer_id": NULL_STRING,
        "username": string("Mirrors user_id_metadata.username.", type=["string", "null"]),
        "service_userid": NULL_STRING, "service_postid": NULL_STRING,
        "service_postid_metadata": obj({"reach": NULL_STRING, "shared_at": NULL_DATE_TIME}),
        "campaign": NULL_STRING,
        "campaign_metadata": obj({"description": NULL_STRING, "name": NULL_STRING}),
        "user_id": NULL_STRING,
        "user_id_metadata": ref("UserMetadata"),
        "tag": NULL_STRING, "notes": NULL_STRING,
    }, description="The create object: flat, in awe.sm's key order, every value a string or null.")


def _with(extra: dict[str, Schema], description: str) -> Schema:
    """The link object plus trailing keys (static's `new`, update's `updated_at`)."""
    base = _link()
    return obj({**base["properties"], **extra}, description=description)


def _metrics() -> dict[str, Schema]:
    return {
        "clicks": integer("Human clicks."), "clicks_per_share": NUMBER, "shares": INTEGER,
        "bot_clicks": integer("Only with `with_bots=true`."),
        "unfurler_clicks": integer("Link-preview fetches; only with `with_bots=true`."),
        "unique_clicks": integer("Only with `with_uniques=true`."),
        "conversions": ref("Conversions"),
    }


METRIC_OPTIONAL = ("bot_clicks", "unfurler_clicks", "unique_clicks", "conversions")
FLAG_PROPERTIES = {"with_conversions": BOOLEAN, "with_metadata": BOOLEAN, "with_zeros": BOOLEAN,
                   "with_bots": const(True, "Present only when asked for."),
                   "with_uniques": const(True, "Present only when asked for.")}


def _link_metrics() -> dict[str, Schema]:
    """A single link's metrics: no shares (the link is one share)."""
    return {k: v for k, v in _metrics().items() if k not in ("shares", "clicks_per_share")}


def _bucket(metrics: dict[str, Schema]) -> Schema:
    return obj({"start_date": DATE_TIME, "end_date": DATE_TIME, **metrics}, optional=METRIC_OPTIONAL)


def _group() -> Schema:
    """A group (or pivot): its value under the group_by (pivot) name, then metrics, metadata, pivots, intervals."""
    dimensions = {name: string(f"The group's {name}.", type=["string", "null"]) for name in DIMENSIONS}
    return obj({
        **dimensions, **_metrics(),
        "metadata": ref("GroupMetadata"),
        "pivots": array(ref("Group"), "With `pivot`: the group split by the pivot dimension."),
        "intervals": array(ref("Bucket")),
    }, optional=(*DIMENSIONS, *METRIC_OPTIONAL, "metadata", "pivots", "intervals"),
        description="One group: exactly one of the dimension keys (the group_by or pivot name) holds its value.")


def _report() -> Schema:
    totals = obj({**_metrics(), "intervals": array(ref("Bucket"))}, optional=(*METRIC_OPTIONAL, "intervals"))
    sort = nullable(enum(SORT_TYPES))
    order = nullable(enum(("asc", "desc")))
    return obj({
        "end_date": NULL_DATE_TIME,
        "filters": array(obj({"name": enum(DIMENSIONS), "values": array(STRING)})),
        "group_by": nullable(enum(DIMENSIONS)), "groups": array(ref("Group")),
        "interval": enum(tuple(STEPS), "Only on range/intervals."),
        "last_offset": INTEGER, "offset": INTEGER, "page": nullable(INTEGER), "per_page": INTEGER,
        "pivot": nullable(enum(DIMENSIONS)), "pivot_sort_order": order, "pivot_sort_type": sort,
        "sort_order": order, "sort_type": sort, "start_date": NULL_DATE_TIME,
        "total_results": INTEGER, "totals": totals, **FLAG_PROPERTIES,
    }, optional=("interval", "with_bots", "with_uniques"),
        description="stats/range, range/intervals, totals and active: the recorded top-level keys, alphabetical.")


def _single_link() -> Schema:
    return obj({
        "awesm_id": STRING, **_link_metrics(), "end_date": NULL_DATE_TIME, "interval": const("none"),
        "start_date": NULL_DATE_TIME, **FLAG_PROPERTIES, "metadata": ref("Link"),
    }, optional=(*METRIC_OPTIONAL, "with_bots", "with_uniques", "metadata"))


def _link_intervals() -> Schema:
    return obj({
        "awesm_id": STRING, "start_date": DATE_TIME, "end_date": DATE_TIME, "interval": enum(tuple(STEPS)),
        **FLAG_PROPERTIES, **_link_metrics(), "last_clicked_at": NULL_DATE_TIME, "metadata": ref("Link"),
        "intervals": array(ref("LinkBucket"), "The link's buckets; quiet ones only with `with_zeros=true`."),
    }, optional=(*METRIC_OPTIONAL, "with_bots", "with_uniques", "metadata"))


def _batch_stats() -> Schema:
    item = obj({
        "awesm_id": STRING, "clicks": INTEGER, "last_clicked_at": NULL_DATE_TIME,
        "metadata": nullable(ref("Link")), "intervals": array(ref("LinkBucket")),
    }, optional=("metadata", "intervals"), description="One per awesm_id asked for, in the order asked; an unknown id "
                                                       "has 0 clicks and null metadata.")
    return obj({"awesm_ids": array(item)})


def _conversion() -> Schema:
    echoed = {name: STRING for name in ("awesm_url", "conversion_type", "conversion_value", "key")}
    record = obj({
        "account_conversionid": NULL_STRING, "account_id": STRING, "account_userid": NULL_STRING,
        "awesm_url": STRING, "clicker_id": NULL_STRING, "converted_at": integer("UNIX seconds."),
        "href": NULL_STRING, "id": STRING, "ip_address": NULL_STRING, "language": NULL_STRING,
        "redirection_id": {"type": "null"}, "referrer": NULL_STRING, "session_id": NULL_STRING,
        "type": enum(CONVERSION_TYPES), "user_agent": NULL_STRING, "value": INTEGER,
    })
    return obj({
        "request": obj({"action": const("new"), **echoed, "controller": const("conversion")}, optional=tuple(echoed)),
        "response": obj({"conversion": record}),
    })


def _create_error() -> Schema:
    echo = {"type": "object", "required": ["action", "controller"],
            "additionalProperties": {"anyOf": [STRING, array(STRING)]},
            "description": "The request's parameters as read (values cut to 256 characters), with `action`, "
                           "`controller` and, for updates, the path's `awesm_id`; sorted by name."}
    return obj({"request": echo, "error": obj({"code": integer(enum=CREATE_CODES), "message": STRING})},
               description="The Create API and conversions/new error shape (docs/errors.md).")


def _stats_error() -> Schema:
    return obj({"error": integer("The HTTP status, repeated.", enum=STATS_STATUSES), "error_message": STRING},
               description="The Stats API error shape (docs/errors.md).")


def _goal() -> Schema:
    return obj({"count": INTEGER, "value": INTEGER})


def schemas() -> dict[str, Schema]:
    user_metadata = obj({"icon_url": NULL_STRING, "username": NULL_STRING, "profile_url": NULL_STRING})
    return {
        "Link": _link(),
        "StaticLink": _with({"new": BOOLEAN}, "url/static: the link object and whether it was just created."),
        "UpdatedLink": _with({"updated_at": NULL_DATE_TIME}, "url/update: the link object and when it changed."),
        "LinkBatch": obj({"awesm_urls": array(ref("Link"), "One link per element of the array field.")}),
        "Retweet": obj({"text": string("The text with every http(s) link replaced by its awesm_url."),
                        "awesm_urls": array(ref("Link"))}),
        "UserMetadata": user_metadata,
        "CreateError": _create_error(),
        "Conversion": _conversion(),
        "Conversions": obj({name: ref("Goal") for name in (*CONVERSION_TYPES, "goal_total")},
                           description="With `with_conversions=true`: count and value per type."),
        "Goal": _goal(),
        "Bucket": _bucket(_metrics()),
        "LinkBucket": _bucket(_link_metrics()),
        "Group": _group(),
        "GroupMetadata": {"anyOf": [
            ref("Link"),
            obj({"description": NULL_STRING, "name": NULL_STRING}, description="campaign"),
            ref("UserMetadata"),
            obj({"application": STRING, "application_name": STRING, "tool_name": STRING}, description="tool"),
            obj({"icon_url": {"type": "null"}, "title": {"type": "null"}}, description="original_url"),
            {"type": "null"},
        ], "description": "With `with_metadata=true`: what is known about the group's value (null when nothing)."},
        "Report": _report(),
        "SingleLink": _single_link(),
        "LinkIntervals": _link_intervals(),
        "BatchStats": _batch_stats(),
        "StatsError": _stats_error(),
    }
