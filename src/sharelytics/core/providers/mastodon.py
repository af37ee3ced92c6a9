"""Mastodon: publish through `POST /api/v1/statuses` (with `Idempotency-Key`), read reactions from
favourited_by, reblogged_by, context descendants and quotes (API version 7, Mastodon 4.5+)."""

from __future__ import annotations

import threading
from typing import Any, Iterator

from sharelytics.core.clock import utcnow
from sharelytics.core.providers.base import Capabilities
from sharelytics.core.providers.fetch import MediaFetcher
from sharelytics.core.providers.http import ProviderHttp, error_text
from sharelytics.core.providers.model import (AccountInfo, Credentials, InvalidPost, PostGone, PostParts, Published,
                                              ProviderUnavailable, Reaction, ReactionKind, Reactions, Upload)
from sharelytics.core.providers.registry import ProviderRegistry
from sharelytics.core.providers.text import compose_text, html_to_text, parse_datetime

QUOTES_API_VERSION = 7  # `GET /api/v1/statuses/:id/quotes` and `quotes_count` arrived with Mastodon 4.5.0
MAX_PAGES = 1000  # a safety stop against a server that keeps sending the same `next` link
MEDIA_POLLS = 30


class MastodonProvider:
    key = "mastodon"
    name = "Mastodon"
    capabilities = Capabilities(credential_fields=("base_url", "access_token"), max_text_length=500, max_media=4,
                                link_cards=True, pictures=True, video=True,
                                reactions=("like", "comment", "repost", "quote"))

    def __init__(self, http: ProviderHttp, media_fetcher: MediaFetcher | None = None) -> None:
        self._http = http
        self._fetch_media = media_fetcher
        self._api_versions: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- publishing ---------------------------------------------------------------------------------------------

    def publish(self, credentials: Credentials, parts: PostParts, idempotency_key: str) -> Published:
        if parts.is_empty():
            raise InvalidPost("nothing to publish")
        uploads, unattached = self._collect_media(parts)
        media_ids = [self._upload(credentials, upload) for upload in uploads]
        form: dict[str, Any] = {"status": compose_text(parts, unattached), "visibility": "public"}
        if media_ids:
            form["media_ids[]"] = media_ids
        response = self._call(credentials, "POST", "/api/v1/statuses", data=form,
                              headers={"Idempotency-Key": idempotency_key})
        status = self._json_or_invalid(response)
        return Published(post_id=str(status["id"]), post_url=status.get("url") or status.get("uri", ""),
                         published_at=parse_datetime(status.get("created_at")) or utcnow(),
                         reach=status.get("account", {}).get("followers_count"))

    def _collect_media(self, parts: PostParts) -> tuple[list[Upload], tuple[str, ...]]:
        """Uploads first, then the picture/video URLs fetched; URLs we cannot fetch go into the text instead."""
        uploads, unattached = list(parts.uploads), []
        for url in (parts.picture_url, parts.video_url):
            if not url:
                continue
            if self._fetch_media is None:
                unattached.append(url)
            else:
                uploads.append(self._fetch_media(url))
        if len(uploads) > self.capabilities.max_media:
            raise InvalidPost(f"Mastodon takes at most {self.capabilities.max_media} media per post")
        return uploads, tuple(unattached)

    def _upload(self, credentials: Credentials, upload: Upload) -> str:
        # An upload is not idempotent, but a repeated one only leaves an unattached file the server cleans up.
        files = {"file": (upload.name or "upload", upload.data, upload.mime_type)}
        data = {"description": upload.alt} if upload.alt else {}
        response = self._call(credentials, "POST", "/api/v2/media", files=files, data=data)
        media = self._json_or_invalid(response)
        if response.status_code == 202 or not media.get("url"):
            self._await_media(credentials, str(media["id"]))
        return str(media["id"])

    def _await_media(self, credentials: Credentials, media_id: str) -> None:
        """202: the server is still processing (video); `GET /api/v1/media/:id` answers 206 until it is done."""
        for attempt in range(MEDIA_POLLS):
            response = self._call(credentials, "GET", f"/api/v1/media/{media_id}")
            if response.status_code == 200 and response.json().get("url"):
                return
            self._http.pause(min(2.0 ** attempt * 0.25, 5.0))
        raise ProviderUnavailable(f"media {media_id} is still processing")

    # -- reading ------------------------------------------------------------------------------------------------

    def reactions(self, credentials: Credentials, post_id: str) -> Reactions:
        status = self._call(credentials, "GET", f"/api/v1/statuses/{post_id}").json()
        path = f"/api/v1/statuses/{post_id}"
        likes = [self._from_account("like", a) for a in self._pages(credentials, f"{path}/favourited_by", 80)]
        reposts = [self._from_account("repost", a) for a in self._pages(credentials, f"{path}/reblogged_by", 80)]
        context = self._call(credentials, "GET", f"{path}/context").json()
        comments = [self._from_status("comment", s) for s in context.get("descendants", [])]
        quotes: list[Reaction] = []
        if self._supports_quotes(credentials):
            quotes = [self._from_status("quote", s) for s in self._pages(credentials, f"{path}/quotes", 40)]
        return Reactions(likes=tuple(likes), comments=tuple(comments), reposts=tuple(reposts), quotes=tuple(quotes),
                         like_count=status.get("favourites_count"), comment_count=status.get("replies_count"),
                         repost_count=status.get("reblogs_count"), quote_count=status.get("quotes_count"))

    def verify(self, credentials: Credentials) -> AccountInfo:
        account = self._call(credentials, "GET", "/api/v1/accounts/verify_credentials").json()
        return AccountInfo(account_id=str(account["id"]), username=account.get("acct", ""),
                           display_name=account.get("display_name", ""), profile_url=account.get("url") or "",
                           followers_count=account.get("followers_count"),
                           created_at=parse_datetime(account.get("created_at")))

    def _pages(self, credentials: Credentials, path: str, limit: int) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, following `Link: <...max_id=...>; rel="next"` to the last page."""
        url: str | None = f"{credentials.base_url}{path}"
        params: dict[str, Any] | None = {"limit": limit}
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            if url is None or url in seen:
                return
            seen.add(url)
            response = self._http.request("GET", url, identity=credentials.identity, params=params,
                                          headers=_auth(credentials))
            self._raise_for_refusal(response)
            yield from response.json()
            url, params = response.links.get("next", {}).get("url"), None  # the next link carries every parameter

    def _supports_quotes(self, credentials: Credentials) -> bool:
        with self._lock:
            known = self._api_versions.get(credentials.base_url)
        if known is None:
            try:
                instance = self._call(credentials, "GET", "/api/v2/instance").json()
            except PostGone:  # a server older than 4.0 has no v2 instance endpoint, hence no quotes either
                instance = {}
            known = int(instance.get("api_versions", {}).get("mastodon", 0) or 0)
            with self._lock:
                self._api_versions[credentials.base_url] = known
        return known >= QUOTES_API_VERSION

    @staticmethod
    def _from_account(kind: ReactionKind, account: dict[str, Any], **extra: Any) -> Reaction:
        return Reaction(kind=kind, username=account.get("acct") or account.get("username", ""),
                        profile_url=account.get("url") or account.get("uri") or "",
                        date_member_since=parse_datetime(account.get("created_at")),
                        num_followers=account.get("followers_count"), **extra)

    def _from_status(self, kind: ReactionKind, status: dict[str, Any]) -> Reaction:
        return self._from_account(kind, status.get("account", {}), content=html_to_text(status.get("content", "")),
                                  date=parse_datetime(status.get("created_at")))

    # -- plumbing -----------------------------------------------------------------------------------------------

    def _call(self, credentials: Credentials, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**_auth(credentials), **kwargs.pop("headers", {})}
        response = self._http.request(method, f"{credentials.base_url}{path}", identity=credentials.identity,
                                      headers=headers, **kwargs)
        self._raise_for_refusal(response)
        return response

    @staticmethod
    def _raise_for_refusal(response: Any) -> None:
        if response.status_code >= 400:  # 400/413/422: the network refused the content or the parameters
            raise InvalidPost(error_text(response) or f"refused ({response.status_code})")

    @staticmethod
    def _json_or_invalid(response: Any) -> dict[str, Any]:
        body = response.json()
        if not isinstance(body, dict) or "id" not in body:
            raise ProviderUnavailable("unexpected answer from the instance")
        return body


def _auth(credentials: Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.access_token}"}


def register(registry: ProviderRegistry) -> None:
    registry.register(MastodonProvider(registry.http, registry.media_fetcher))
