"""Every awe.sm request parameter once, by name: its schema, what it means and an example from the reference
fixtures. The paths (awesm.py) list which parameters each endpoint reads; the same table gives both the query
parameters and the form body, since awe.sm reads either (the body's value wins: docs/decisions)."""

from __future__ import annotations

from typing import Any

from sharelytics.api import wire
from sharelytics.api.awesm.stats.params import FLAGS
from sharelytics.api.openapi.schema import Schema, enum, integer, string
from sharelytics.core.stats.dimensions import ALIASES, DIMENSIONS
from sharelytics.core.stats.model import CONVERSION_TYPES, SORT_TYPES
from sharelytics.core.stats.timeline import STEPS

# http(s) URLs as the core accepts them (absolute, at most 4,096 characters).
HTTP_URL = string(format="uri", pattern=r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[!-~]*)?$", maxLength=4096)
# A JavaScript identifier path, as wire.jsonp_callback accepts it.
CALLBACK = string(pattern=wire._CALLBACK.pattern, maxLength=wire.MAX_CALLBACK)
# `2011-09-01`, `2014-02-02T00:00:00-08:00`, Sharengine's `09/01/2011T00:00:00-08:00`.
STATS_DATE = string(pattern=r"^(\d{4}-\d\d-\d\d|\d\d/\d\d/\d{4})([T ]\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:?\d\d)?)?$")
FLAG = enum(("true", "false", "1", "0"))
DIMENSION = enum((*DIMENSIONS, *ALIASES))
AWESM_ID = string(pattern=r"^[A-Za-z0-9.-]+(_[A-Za-z0-9.-]+)*_[0-9A-Za-z]+$", maxLength=330)

Entry = tuple[Schema, str, Any]

COMMON: dict[str, Entry] = {
    "v": (integer(enum=[2, 3]), ("API version: 3. A missing `v` is taken as 3; `v=2` is accepted with the txt format "
                                "only (node-awesm sends it)."), 3),
    "callback": (CALLBACK, ("JSON-P: wrap the JSON answer (errors too) in a call to this function. Requires the json "
                           "format."), "handleLink"),
    "format": (enum(wire.FORMATS), ("The answer's format when the path has no suffix (`/url` with `format=json`). "
                                   "A suffix wins over this parameter."), "json"),
}

CREATE: dict[str, Entry] = {
    "tool": (string(maxLength=64), ("The tool key (6 characters): the creation method. Never returned; the tool's "
                                   "label is."), "mKU7uN"),
    "url": (HTTP_URL, "The address of the page being shared, subject to redirection patterns.",
            "http://developers.awe.sm/"),
    "domain": (string(maxLength=255), "One of the project's link domains; default the project's default domain.",
               "demo.awe.sm"),
    "channel": (string(maxLength=255), ("Where the link will be shared (`twitter`, `facebook-post`, `email`, …). "
                                       "Unknown channels are accepted."), "twitter"),
    "parent": (string(maxLength=330), "The awesm_id of the link whose click led to this share.", "awe.sm_s5d99"),
    "sharer_id": (string(maxLength=255), "Who shared.", None),
    "service_userid": (string(maxLength=255), "`service:user id` on the network shared to.", "twitter:13263"),
    "service_postid": (string(maxLength=255), ("`service:post id` of the post carrying the link (a bare id is "
                                              "accepted)."), "twitter:13003"),
    "service_postid_shared_at": (string(maxLength=64), ("When the post went out: ISO 8601, a Twitter `created_at` or "
                                                       "a Facebook date."), "Wed Aug 27 13:08:45 +0000 2008"),
    "service_postid_reach": (integer(minimum=0, maximum=10**12), "Followers or friends who saw the post.", 1),
    "campaign": (string(maxLength=255), "Campaign label; a human-readable value is stubified and kept as the name.",
                 "spring-launch"),
    "campaign_name": (string(maxLength=255), "Human-readable campaign name. Requires campaign.", None),
    "campaign_description": (string(maxLength=1024), "Campaign description. Requires campaign.", None),
    "user_id": (string(maxLength=255), "The sharing user's id in the calling site.", "23291"),
    "user_id_username": (string(maxLength=255), "Requires user_id.", "jhstrauss"),
    "user_id_profile_url": (string(maxLength=1024), "Requires user_id.", "http://plancast.com/user/23291"),
    "user_id_icon_url": (string(maxLength=1024), "Requires user_id.", None),
    "tag": (string(maxLength=255), "Free label.", "190498288"),
    "notes": (string(maxLength=256), "Free text, at most 256 characters.", "cute on me right?"),
    "tag[]": ({"type": "array", "items": string(maxLength=255), "minItems": 1, "maxItems": 100},
              ("url/batch: one link per element (PHP-style, brackets raw or as %5B%5D). Any one metadata field "
               "may be the array (`channel[]`, `url[]`, …), and `channel` or `url` may be comma-separated instead; "
               "two arrays are refused."), ["190498288", "371635480"]),
    "destination": (HTTP_URL, ("Where to send the visitor: every `AWESM_URL` (url/share) or `AWESM_TEXT` "
                              "(url/retweet) is replaced by the new link or text. The redirect is a 302."),
                    "http://twitter.com/intent/tweet?text=This+is+the+coolest+API+evar!%26url=AWESM_URL%26via=awesm"),
    "errors": (FLAG, ("url/share: answer an error instead of redirecting with the page URL when creation fails. "
                     "Default false."), "false"),
    "text": (string(maxLength=10000), "url/retweet: the text whose http:// and https:// links become awe.sm links.",
             "Look http://developers.awe.sm/ now"),
}

CONVERSION: dict[str, Entry] = {
    "awesm_url": (string(maxLength=330), ("The awesm_id of the link that led to the conversion (kept in the "
                                         "`_awesmsession` cookie by widgets.js)."), "awe.sm_5WXHo"),
    "conversion_type": (enum(CONVERSION_TYPES), "pageview or goal_1 … goal_10.", "goal_1"),
    "conversion_value": (integer(minimum=0, maximum=10**15), "An integer, in cents recommended; ignored for pageview.",
                         1230),
    "converted_at": (integer(minimum=0, maximum=2**31), "UNIX seconds; default now.", 1317850014),
    **{name: (string(maxLength=50), "At most 50 characters.", None) for name in ("account_conversionid",
                                                                                  "account_userid")},
    **{name: (string(maxLength=1024), f"The visitor's {label}; default this request's own.", None)
       for name, label in (("ip_address", "IP address"), ("language", "Accept-Language"),
                           ("referrer", "referrer"), ("user_agent", "User-Agent"))},
    **{name: (string(maxLength=1024), "Recorded as given.", None) for name in ("href", "session_id", "clicker_id")},
}

STATS: dict[str, Entry] = {
    "start_date": (STATS_DATE, ("Start of the period, rounded down to the hour; required on the intervals "
                               "endpoints and stats/active, with end_date. Without both: all time."), "2011-09-01"),
    "end_date": (STATS_DATE, "End of the period, rounded up to the hour.", "2011-10-01"),
    "interval": (enum(tuple(STEPS)), "Interval length (at most 500 intervals). Default day.", "day"),
    **{name: (FLAG, "Default false.", "false") for name in FLAGS},
    "group_by": (DIMENSION, "Group by this dimension (not one filtered on).", "original_url"),
    "pivot": (DIMENSION, "Split each group by this second dimension; requires group_by.", "tag"),
    "sort_type": (enum(SORT_TYPES), "Sort groups by.", "clicks"),
    "sort_order": (enum(("asc", "desc")), "Default desc.", "desc"),
    "pivot_sort_type": (enum(SORT_TYPES), "Sort pivots by.", None),
    "pivot_sort_order": (enum(("asc", "desc")), "Pivot order.", None),
    "page": (integer(minimum=1, maximum=10**9), "Page number, from 1.", 1),
    "per_page": (integer(minimum=1, maximum=10**9), ("Groups per page; default 10, at most 1,000 (a larger value is "
                                                    "served and echoed as 1,000)."), 25),
    "offset": (integer(minimum=0, maximum=10**9), ("Position of the first group; overrides page (send the previous "
                                             "page's last_offset)."), None),
    "awesm_ids": (string(pattern=r"^[^,]+(,[^,]+){0,99}$"), "Comma-separated awesm_ids (repeatable), at most 100.",
                  "demo.awe.sm_K7e,demo.awe.sm_KD7,demo.awe.sm_K8E"),
}

PATH: dict[str, Entry] = {
    "awesm_id": (AWESM_ID, ("The link's awesm_id (`%domain%_%path%`); the format suffix, when there is one, follows "
                           "it in the same segment."), "demo.awe.sm_K7e"),
}

# Stats filters: every dimension is a parameter of its own (repeatable); the names overlap the Create metadata, so
# their components get their own keys (`filter_<name>`).
FILTERS: dict[str, Entry] = {
    name: (string(maxLength=1024), f"Filter: only links (or clicks) whose {name} is this value (repeatable).", None)
    for name in DIMENSIONS
}
