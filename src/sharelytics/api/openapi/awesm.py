"""The awe.sm API (Create, Stats, Conversions) as an OpenAPI 3.1 document.

Every endpoint takes GET and POST (url/share: GET only) with the same parameters in the query string or in a form
body (urlencoded or multipart), and the format either as a path suffix (`/url.json`) or, without one, as the
`format` parameter; each variant is its own path here, as the router has it. What OpenAPI cannot say (a body
without a Content-Type, unencoded share URLs, "exactly one array field") is written in the descriptions and in
docs/decisions/2026-11-23-openapi-documents.md.
"""

from __future__ import annotations

from typing import Any

from sharelytics.api import wire
from sharelytics.api.awesm.fields import METADATA_FIELDS
from sharelytics.api.openapi import awesm_schemas
from sharelytics.api.openapi.awesm_params import (
    COMMON,
    CONVERSION,
    CREATE,
    FILTERS,
    PATH,
    STATS,
    Entry,
)
from sharelytics.api.openapi.schema import (
    INTEGER,
    STRING,
    Schema,
    content,
    document,
    enum,
    header,
    parameter,
    ref,
    response,
)

CREATE_TAG, STATS_TAG, CONVERSIONS_TAG = "Create", "Stats", "Conversions"
CREATE_FORMATS, JSON_ONLY = wire.FORMATS, ("json",)
FILTER_NAMES = tuple(f"filter:{name}" for name in FILTERS)
# Which parameters each family of endpoints reads (`name!` = required).
METADATA = tuple(name for name in METADATA_FIELDS if name != "channel")
LINK_PARAMS = ("v", "callback", "tool!", "domain", *METADATA)
STATS_COMMON = ("v", "callback", "start_date", "end_date", "with_conversions", "with_metadata", "with_zeros",
                "with_bots", "with_uniques")
REPORT_PARAMS = (*STATS_COMMON, "group_by", "pivot", "sort_type", "sort_order", "pivot_sort_type",
                 "pivot_sort_order", "page", "per_page", "offset", *FILTER_NAMES)


def _entry(name: str) -> tuple[str, Entry]:
    if name.startswith("filter:"):
        return name.partition(":")[2], FILTERS[name.partition(":")[2]]
    for table in (COMMON, CREATE, CONVERSION, STATS, PATH):
        if name in table:
            return name, table[name]
    raise KeyError(name)


class Builder:
    """Collects components while the paths are written, so each parameter, form and response exists once."""

    def __init__(self) -> None:
        self.parameters: dict[str, Schema] = {}
        self.schemas: dict[str, Schema] = awesm_schemas.schemas()
        self.paths: dict[str, dict[str, Any]] = {}

    def param(self, spec: str, where: str = "query") -> Schema:
        required = spec.endswith("!")
        name, (schema, description, example) = _entry(spec.rstrip("!"))
        key = spec.rstrip("!").replace(":", "_").replace("[]", "_array") + ("_required" if required else "")
        if key not in self.parameters:
            extra: dict[str, Any] = {"style": "form", "explode": True} if schema.get("type") == "array" else {}
            self.parameters[key] = parameter(name, where, schema, description, required=required, example=example,
                                             **extra)
        return ref(key, "parameters")

    def form(self, name: str, specs: tuple[str, ...]) -> Schema:
        """The POST body: the same parameters as a form (none required there: each may come in the query)."""
        properties = {}
        for spec in specs:
            field, (schema, description, _example) = _entry(spec.rstrip("!"))
            properties[field] = {**schema, "description": description}
        self.schemas[name] = {"type": "object", "properties": properties, "additionalProperties": False,
                              "description": "The parameters in a form body; a name given here replaces the query's "
                                             "values for it. `key` may be sent here too."}
        form = ref(name)
        return {"content": {"application/x-www-form-urlencoded": {"schema": form},
                            "multipart/form-data": {"schema": form}}}

    def endpoint(self, path: str, name: str, summary: str, tag: str, specs: tuple[str, ...],
                 responses: dict[str, Schema], *, formats: tuple[str, ...], methods: tuple[str, ...] = ("get", "post"),
                 path_param: str | None = None, description: str = "") -> None:
        """`path` and `path.{format}`, each with its methods; `path_param` names a `{…}` segment of `path`."""
        form = self.form(name + "Form", (*specs, "format")) if "post" in methods else None
        for suffixed in (False, True) if formats else (False,):
            full = path + (".{format}" if suffixed else "")
            params = [self.param(spec) for spec in specs]
            if path_param:
                params.insert(0, self.param(path_param + "!", "path"))
            if suffixed:
                params.insert(len(params) if not path_param else 1, self._format(formats, "path"))
            elif formats:
                params.append(self._format(formats, "query"))
            item: dict[str, Any] = {"parameters": params}  # shared by GET and POST
            for method in methods:
                op: dict[str, Any] = {
                    "operationId": f"{name}{'Suffixed' if suffixed else ''}_{method}", "tags": [tag],
                    "summary": summary, "responses": responses,
                }
                if description:
                    op["description"] = description
                if method == "post" and form:
                    op["requestBody"] = form
                item[method] = op
            self.paths[full] = item

    def _format(self, formats: tuple[str, ...], where: str) -> Schema:
        key = f"format_{'_'.join(formats)}_{where}"
        if key not in self.parameters:
            what = "The format suffix." if where == "path" else COMMON["format"][1]
            self.parameters[key] = parameter("format", where, enum(formats), what, example="json")
        return ref(key, "parameters")


def _ok(schema: str | None, formats: tuple[str, ...], example: Any, text: str = "") -> Schema:
    body = content(ref(schema), example) if schema else {}
    body.update(content(STRING, media_type="application/javascript"))
    if "txt" in formats:
        body.update(content(STRING, media_type="text/plain"))
    description = "The answer (json); JSON-P with `callback`." + (f" txt: {text}" if text else "")
    return response(description, body, {name: ref(name, "headers") for name in RATE_HEADERS})


RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
CREATE_ERRORS = {"400": "A parameter is missing or invalid (error codes in docs/errors.md).",
                 "403": "A bot or link-preview User-Agent (url/share, url/retweet), or conversions not enabled.",
                 "404": "url/update: the awesm_id is not a link of this project.",
                 "413": "The request is larger than SHARELYTICS_MAX_BODY_BYTES.",
                 "429": "The key's Create API budget for the hour is spent.",
                 "500": "Internal error (a bug: it is logged)."}
STATS_ERRORS = {"400": "A parameter is missing or invalid.", "403": "Invalid API key specified.",
                "404": "The awesm_id is not a link of the given projects.",
                "413": "The request is larger than SHARELYTICS_MAX_BODY_BYTES.",
                "500": "Internal error (a bug: it is logged)."}


def _errors(kind: str, codes: str) -> dict[str, Schema]:
    return {code: ref(f"{kind}{code}", "responses") for code in codes.split()}


def _error_responses() -> dict[str, Schema]:
    out: dict[str, Schema] = {}
    for kind, table, schema, example in (("CreateError", CREATE_ERRORS, "CreateError",
                                          awesm_schemas.CREATE_ERROR_EXAMPLE),
                                         ("StatsError", STATS_ERRORS, "StatsError",
                                          awesm_schemas.STATS_ERROR_EXAMPLE)):
        for code, description in table.items():
            body = {**content(ref(schema), example if code in ("400", "403") else None),
                    **content(STRING, media_type="application/javascript")}
            headers = {name: ref(name, "headers") for name in (*RATE_HEADERS, "Retry-After")} if code == "429" else None
            out[f"{kind}{code}"] = response(description, body, headers)
    out["Redirect"] = response("The redirect (302) to the destination.", None,
                               {"Location": header("The destination with the placeholder filled in.", required=True)})
    return out


def _create(b: Builder) -> None:
    errors = _errors("CreateError", "400 413 429 500")
    link = ("url!", "channel!", *LINK_PARAMS)
    b.endpoint("/url", "createLink", "Create a link", CREATE_TAG, link,
               {"200": _ok("Link", CREATE_FORMATS, awesm_schemas.LINK_EXAMPLE, "the awesm_url alone."), **errors},
               formats=CREATE_FORMATS)
    b.endpoint("/url/batch", "createLinks", "Create one link per element of an array field", CREATE_TAG,
               ("url!", "channel!", *LINK_PARAMS, "tag[]"),
               {"200": _ok("LinkBatch", CREATE_FORMATS, {"awesm_urls": [awesm_schemas.LINK_EXAMPLE]},
                           "the awesm_urls, one per line."), **errors}, formats=CREATE_FORMATS,
               description="Exactly one field may be an array: `tag[]=A&tag[]=B` (any metadata field, or `url`), "
                           "a repeated parameter, or a comma-separated `channel` or `url`. No array gives one link.")
    b.endpoint("/url/static", "staticLink", "The project's link for this url and metadata, found or created",
               CREATE_TAG, ("url!", "channel", *LINK_PARAMS),
               {"200": _ok("StaticLink", CREATE_FORMATS, {**awesm_schemas.LINK_EXAMPLE, "new": True},
                           "the awesm_url alone."), **errors}, formats=CREATE_FORMATS)
    b.endpoint("/url/update/{awesm_id}", "updateLink", "Add share metadata to a link of the last 30 days",
               CREATE_TAG, ("channel", *LINK_PARAMS),
               {"200": _ok("UpdatedLink", CREATE_FORMATS,
                           {**awesm_schemas.LINK_EXAMPLE, "updated_at": "2011-10-04T18:52:55Z"},
                           "the awesm_url alone."), **_errors("CreateError", "400 404 413 429 500")},
               formats=CREATE_FORMATS, path_param="awesm_id",
               description="original_url, redirect_url and created_at never change; fields left out stay as they "
                           "are. The tool must be one of the project's; the link keeps the tool it was made with.")
    b.endpoint("/url/share", "shareLink", "Create a link, then redirect to the destination with it", CREATE_TAG,
               ("destination!", "url", "channel!", "errors", *LINK_PARAMS),
               {"302": ref("Redirect", "responses"), **_errors("CreateError", "400 403 413 429 500")},
               formats=(), methods=("get",),
               description="`url` defaults to the Referer. With `errors` false a failed creation still redirects, "
                           "with the page URL for AWESM_URL; an invalid key or destination is always an error. "
                           "Bots and link-preview fetchers create nothing (403). Values may arrive unencoded.")
    b.endpoint("/url/retweet", "retweetText", "Replace every link of a text with a new awe.sm link", CREATE_TAG,
               ("text!", "channel!", "destination", *LINK_PARAMS),
               {"200": _ok("Retweet", CREATE_FORMATS, None, "the new text alone."),
                "302": ref("Redirect", "responses"), **_errors("CreateError", "400 403 413 429 500")},
               formats=CREATE_FORMATS,
               description="With `destination` (GET only; refused by POST) the answer is a 302 there with every "
                           "AWESM_TEXT replaced by the new text. Bots and link-preview fetchers are refused (403).")


def _conversions(b: Builder) -> None:
    b.endpoint("/conversions/new", "newConversion", "Record a goal or pageview for the link that drove the visit",
               CONVERSIONS_TAG, ("v", "callback", "awesm_url!", "conversion_type!",
                                *(name for name in CONVERSION if name not in ("awesm_url", "conversion_type"))),
               {"200": _ok("Conversion", (), awesm_schemas.CONVERSION_EXAMPLE),
                **_errors("CreateError", "400 403 413 500")}, formats=JSON_ONLY,
               description="Errors use the Create shape with `controller` `conversion` and `action` `new`.")


def _stats(b: Builder) -> None:
    ok = {"200": _ok("Report", (), awesm_schemas.REPORT_EXAMPLE), **_errors("StatsError", "400 403 413 500")}
    intervals = (*REPORT_PARAMS, "interval")
    for path, name, summary, specs in (
        ("/stats/range", "statsRange", "Project-wide stats for a period: filter, group, pivot, sort", REPORT_PARAMS),
        ("/stats/range/intervals", "statsRangeIntervals", "The same, in intervals of an hour, day or week", intervals),
        ("/stats/totals", "statsTotals", "All-time totals of the links created in a period", REPORT_PARAMS),
        ("/stats/active", "statsActive", "Updated totals of the links active in a period", REPORT_PARAMS),
    ):
        b.endpoint(path, name, summary, STATS_TAG, specs, ok, formats=JSON_ONLY)
    link_errors = _errors("StatsError", "400 403 404 413 500")
    b.endpoint("/stats/awesm_ids/batch", "statsBatch", "Clicks of up to 100 links", STATS_TAG,
               ("awesm_ids!", *STATS_COMMON),
               {"200": _ok("BatchStats", (), None), **_errors("StatsError", "400 403 413 500")}, formats=JSON_ONLY)
    b.endpoint("/stats/awesm_ids/batch/intervals", "statsBatchIntervals", "Clicks of up to 100 links, in intervals",
               STATS_TAG, ("awesm_ids!", *STATS_COMMON, "interval"),
               {"200": _ok("BatchStats", (), None), **_errors("StatsError", "400 403 413 500")}, formats=JSON_ONLY)
    b.endpoint("/stats/{awesm_id}", "statsLink", "One link's clicks", STATS_TAG, STATS_COMMON,
               {"200": _ok("SingleLink", (), awesm_schemas.SINGLE_LINK_EXAMPLE), **link_errors},
               formats=JSON_ONLY, path_param="awesm_id")
    b.endpoint("/stats/{awesm_id}/intervals", "statsLinkIntervals", "One link's clicks, in intervals", STATS_TAG,
               (*STATS_COMMON, "interval"), {"200": _ok("LinkIntervals", (), None), **link_errors},
               formats=JSON_ONLY, path_param="awesm_id")


def awesm_document(server: str) -> dict[str, Any]:
    b = Builder()
    _create(b)
    _conversions(b)
    _stats(b)
    rate = "Create API budget: {} (absent when the project is unlimited)."
    components = {
        "securitySchemes": {"key": {
            "type": "apiKey", "in": "query", "name": "key",
            "description": "The project's API key, in the query or the form body. Stats take up to 50 keys "
                           "(repeated, `key[]`, or comma-separated)."}},
        "parameters": b.parameters,
        "schemas": b.schemas,
        "responses": _error_responses(),
        "headers": {
            **{name: header(rate.format(name.partition("-")[2].lower()), INTEGER) for name in RATE_HEADERS},
            "Retry-After": header("Seconds until the budget allows a request again.", INTEGER),
        },
    }
    return document(
        "sharelytics: awe.sm API", "The awe.sm v3 Create, Stats and Conversions APIs as sharelytics serves them "
        "(reference/awesm-api.md). Short-link redirects are not part of this document.",
        paths=b.paths, components=components, security=[{"key": []}], server=server,
        tags=[{"name": CREATE_TAG, "description": "Create links (rate limited per key)."},
              {"name": STATS_TAG, "description": "Read clicks, shares and conversions."},
              {"name": CONVERSIONS_TAG, "description": "Record conversions."}],
    )
