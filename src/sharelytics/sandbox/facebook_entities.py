"""Graph API objects as the fake renders them: pages, posts, reactions and comments with the requested `fields`
(including `edge.summary(total_count).limit(0)` expansions), cursor paging, Graph dates and error bodies."""

from __future__ import annotations

import base64
import math
import re
import secrets
from datetime import datetime
from typing import Any

from sharelytics.sandbox.state import Account, Interaction, Post, SandboxState

NET = "facebook"
WEB = "https://www.facebook.com"
_MODIFIER = re.compile(r"\.(\w+)\(([^)]*)\)")


class GraphError(Exception):
    def __init__(self, status: int, code: int, message: str, *, subcode: int | None = None,
                 kind: str = "OAuthException") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.subcode, self.kind = status, code, message, subcode, kind

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.kind, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        error["fbtrace_id"] = trace_id()
        return {"error": error}


def trace_id() -> str:
    return secrets.token_urlsafe(8)[:11]


def missing(object_id: str) -> GraphError:
    return GraphError(400, 100, f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
                      "loaded due to missing permissions, or does not support this operation. Please read the Graph "
                      "API documentation at https://developers.facebook.com/docs/graph-api",
                      subcode=33, kind="GraphMethodException")


def graph_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def split_fields(raw: str) -> list[str]:
    """Top-level comma-separated fields; commas inside `{…}` or `(…)` belong to the field."""
    fields, depth, current = [], 0, ""
    for char in raw:
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        if char == "," and depth == 0:
            fields.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        fields.append(current.strip())
    return fields


def field_name(field: str) -> str:
    return re.split(r"[.{(]", field, maxsplit=1)[0]


def subfields(field: str, default: tuple[str, ...]) -> set[str]:
    match = re.search(r"\{(.*)\}", field)
    return {f.strip() for f in match.group(1).split(",")} if match else set(default)


def modifiers(field: str) -> dict[str, str]:
    return {name: value for name, value in _MODIFIER.findall(field)}


def page(account: Account, wanted: list[str]) -> dict[str, Any]:
    values = {"id": account.id, "name": account.display_name, "username": account.username,
              "link": f"{WEB}/{account.username}", "followers_count": account.followers_count,
              "fan_count": account.followers_count}
    return {f: values[f] for f in (field_name(w) for w in wanted or ["id", "name"]) if f in values}


def permalink(post: Post) -> str:
    owner, _, number = post.id.partition("_")
    return f"{WEB}/{owner}/posts/{number}"


def post(state: SandboxState, item: Post, wanted: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for field in wanted or ["created_time", "message", "id"]:
        name = field_name(field)
        if name == "id":
            body["id"] = item.id
        elif name == "message" and item.text:
            body["message"] = item.text
        elif name == "created_time":
            body["created_time"] = graph_time(item.created_at)
        elif name == "permalink_url":
            body["permalink_url"] = permalink(item)
        elif name == "shares":
            shares = len(state.interactions(NET, "repost", item.id))
            if shares:  # Graph leaves `shares` out until someone shares
                body["shares"] = {"count": shares}
        elif name in ("reactions", "comments"):
            body[name] = _summary_edge(state, item, name, modifiers(field))
        elif name == "from":
            body["from"] = person(state.net(NET).accounts[item.author_id], subfields(field, ("name", "id")))
    return body


def _summary_edge(state: SandboxState, item: Post, edge: str, options: dict[str, str]) -> dict[str, Any]:
    if edge == "reactions":
        count = len(state.interactions(NET, "like", item.id))
        summary: dict[str, Any] = {"total_count": count, "viewer_reaction": "NONE"}
    else:
        stream = options.get("filter") == "stream"
        count = len(state.descendants(NET, item.id) if stream else state.replies(NET, item.id))
        summary = {"order": "ranked", "total_count": count, "can_comment": True}
    body: dict[str, Any] = {"data": []}
    if "summary" in options:
        body["summary"] = summary
    return body


def person(account: Account, wanted: set[str]) -> dict[str, Any]:
    values = {"id": account.id, "name": account.display_name, "link": f"{WEB}/{account.username}"}
    return {k: v for k, v in values.items() if k in wanted}


def reaction(account: Account, interaction: Interaction, wanted: set[str]) -> dict[str, Any]:
    values = {"id": account.id, "name": account.display_name, "type": interaction.detail or "LIKE",
              "link": f"{WEB}/{account.username}", "profile_type": "user"}
    return {k: v for k, v in values.items() if k in wanted}


def comment(state: SandboxState, item: Post, wanted: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for field in wanted or ["created_time", "from", "message", "id"]:
        name = field_name(field)
        if name == "id":
            body["id"] = item.id
        elif name == "message":
            body["message"] = item.text
        elif name == "created_time":
            body["created_time"] = graph_time(item.created_at)
        elif name == "from":
            body["from"] = person(state.net(NET).accounts[item.author_id], subfields(field, ("name", "id")))
    return body


def cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"c{key}".encode()).decode().rstrip("=")


def cursor_key(value: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        return int(raw[1:]) if raw.startswith("c") else None
    except (ValueError, UnicodeDecodeError):
        return None


def usage_headers(percent: int, regain_seconds: float) -> list[tuple[str, str]]:
    """`X-App-Usage` and the page's `X-Business-Use-Case-Usage` (page tokens are counted per page)."""
    share = str(min(max(percent, 0), 100))
    regain = math.ceil(max(regain_seconds, 0) / 60) if percent >= 100 else 0
    app = '{"call_count":%s,"total_cputime":%s,"total_time":%s}' % (share, min(int(share), 25), min(int(share), 25))
    buc = ('{"0":[{"type":"pages","call_count":%s,"total_cputime":%s,"total_time":%s,'
           '"estimated_time_to_regain_access":%d}]}' % (share, min(int(share), 25), min(int(share), 25), regain))
    return [("x-app-usage", app), ("x-business-use-case-usage", buc)]
