"""LinkedIn REST objects as the fake renders them: posts, social action summaries, likes and comments (times in
epoch milliseconds), `start`/`count` paging, and LinkedIn's error bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from sharelytics.sandbox.state import Account, Interaction, Post, SandboxState

NET = "linkedin"


class RestliError(Exception):
    def __init__(self, status: int, message: str, *, code: str = "", service_code: int | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.service_code = status, message, code, service_code
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status}
        if self.service_code is not None:
            body["serviceErrorCode"] = self.service_code
        if self.code:
            body["code"] = self.code
        return {**body, "message": self.message, **self.extra}


def invalid_token() -> RestliError:
    return RestliError(401, "Invalid access token", code="INVALID_ACCESS_TOKEN", service_code=65600)


def denied(action: str) -> RestliError:
    return RestliError(403, f"Not enough permissions to access: {action}", code="ACCESS_DENIED", service_code=100)


def not_found(urn: str) -> RestliError:
    return RestliError(404, f"Not Found: {urn} does not exist", code="NOT_FOUND")


def unprocessable(path: str, message: str) -> RestliError:
    return RestliError(422, f"{path} :: {message}", extra={
        "errorDetailType": "com.linkedin.common.error.BadRequest",
        "errorDetails": {"inputErrors": [{"description": message, "input": {"inputPath": {"fieldPath": path}},
                                          "code": "INVALID_VALUE"}]}})


def duplicate(urn: str) -> RestliError:
    return RestliError(422, f"Content is a duplicate of {urn}", extra={
        "errorDetailType": "com.linkedin.common.error.BadRequest",
        "errorDetails": {"inputErrors": [{"description": "Duplicate post is detected", "input": {},
                                          "code": "DUPLICATE_POST"}]}})


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def post(item: Post) -> dict[str, Any]:
    at = millis(item.created_at)
    body = {"id": item.id, "author": item.author_id, "commentary": item.text, "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED", "lifecycleStateInfo": {"isEditedByAuthor": False},
            "isReshareDisabledByAuthor": False, "createdAt": at, "publishedAt": at, "lastModifiedAt": at}
    if item.record.get("content"):
        body["content"] = item.record["content"]
    return body


def summary(state: SandboxState, item: Post) -> dict[str, Any]:
    likes = len(state.interactions(NET, "like", item.id))
    first_level = len(state.replies(NET, item.id))
    return {"commentsSummary": {"selectedComments": [], "totalFirstLevelComments": first_level,
                                "commentsState": "OPEN",
                                "aggregatedTotalComments": len(state.descendants(NET, item.id))},
            "likesSummary": {"selectedLikes": [], "aggregatedTotalLikes": likes, "likedByCurrentUser": False,
                             "totalLikes": likes},
            "target": item.id, "$URN": f"urn:li:socialActivityCounts:{item.id}"}


def like(interaction: Interaction) -> dict[str, Any]:
    stamp = {"actor": interaction.account_id, "time": millis(interaction.created_at)}
    return {"actor": interaction.account_id, "created": stamp, "lastModified": stamp,
            "$URN": f"urn:li:like:({interaction.post_id},{interaction.account_id})", "object": interaction.post_id}


def comment(item: Post) -> dict[str, Any]:
    stamp = {"actor": item.author_id, "time": millis(item.created_at)}
    number = item.id.rsplit(",", 1)[-1].rstrip(")")
    return {"actor": item.author_id, "created": stamp, "lastModified": stamp, "id": number, "commentUrn": item.id,
            "$URN": item.id, "message": {"text": item.text, "attributes": []}, "object": item.reply_to}


def paging(path: str, start: int, count: int, total: int | None, more: bool) -> dict[str, Any]:
    links = [{"type": "application/json", "rel": "next", "href": f"{path}?count={count}&start={start + count}"}]
    body: dict[str, Any] = {"start": start, "count": count, "links": links if more else []}
    if total is not None:
        body["total"] = total
    return body


def organization(account: Account) -> dict[str, Any]:
    number = int(account.id.rsplit(":", 1)[-1])
    return {"id": number, "localizedName": account.display_name, "vanityName": account.username,
            "name": {"localized": {"en_US": account.display_name},
                     "preferredLocale": {"country": "US", "language": "en"}},
            "$URN": account.id}


def userinfo(account: Account) -> dict[str, Any]:
    given, _, family = account.display_name.partition(" ")
    return {"sub": account.id.rsplit(":", 1)[-1], "email_verified": True, "name": account.display_name,
            "locale": {"country": "US", "language": "en"}, "given_name": given, "family_name": family,
            "email": f"{account.username}@sandbox.test"}


def encoded(urn: str) -> str:
    return quote(urn, safe="")
