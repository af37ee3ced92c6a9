"""Facebook Pages through the Graph API: publish to the page feed (`POST /{page-id}/feed` with `message` and
`link`; one picture through `POST /{page-id}/photos`, several as unpublished photos attached to a feed post), read
the post's `shares`, reactions and comments (cursor paging).

Graph has no idempotency header: `publish_once` remembers each key's attempt and, after a lost answer, looks
among the page's posts since the attempt for the message it sent. Graph refuses a repeated message with code 506,
which the same look turns into the earlier post when it was ours.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Iterator

import httpx

from sharelytics.core.clock import utcnow
from sharelytics.core.providers.base import Capabilities
from sharelytics.core.providers.facebook_graph import GRAPH_VERSION, GraphError, graph_error, rate_aliases
from sharelytics.core.providers.http import ProviderHttp
from sharelytics.core.providers.idempotency import IdempotencyStore, MemoryIdempotencyStore
from sharelytics.core.providers.model import (AccountInfo, AuthRevoked, Credentials, InvalidPost, PostGone,
                                              PostParts, ProviderUnavailable, Published, RateLimited, Reaction,
                                              ReactionKind, Reactions, Upload)
from sharelytics.core.providers.network_call import NetworkCall, SentOnce
from sharelytics.core.providers.publish_once import OutcomeUnknown, publish_once
from sharelytics.core.providers.registry import ProviderRegistry
from sharelytics.core.providers.text import parse_datetime
from sharelytics.core.providers.twitter_text import same_text

PAGE = 100
MAX_PAGES = 1000
THROTTLE_ATTEMPTS = 3  # a throttled call is sent again after the budget's wait, at most this often
MAX_PHOTOS = 10
PAGE_FIELDS = "id,name,username,link,followers_count,fan_count"
POST_COUNTS = "shares,reactions.summary(total_count).limit(0),comments.filter(stream).summary(total_count).limit(0)"
MAX_MESSAGE = 63206


class FacebookProvider:
    key = "facebook"
    name = "Facebook"
    capabilities = Capabilities(credential_fields=("account_id", "access_token"), max_text_length=MAX_MESSAGE,
                                max_media=MAX_PHOTOS, link_cards=True, pictures=True, video=False,
                                reactions=("like", "comment"))

    def __init__(self, http: ProviderHttp, store: IdempotencyStore | None = None,
                 version: str = GRAPH_VERSION) -> None:
        self._http = http
        self._store = store or MemoryIdempotencyStore()
        self._version = version

    # -- publishing ---------------------------------------------------------------------------------------------

    def publish(self, credentials: Credentials, parts: PostParts, idempotency_key: str) -> Published:
        if parts.is_empty():
            raise InvalidPost("nothing to publish")
        photos = [*([parts.picture_url] if parts.picture_url else []), *parts.uploads]
        if len(photos) > MAX_PHOTOS:
            raise InvalidPost(f"a Facebook post takes at most {MAX_PHOTOS} photos")
        message = _message(parts, with_link=bool(photos))
        if len(message) > MAX_MESSAGE:
            raise InvalidPost(f"a Facebook post takes at most {MAX_MESSAGE} characters")
        return publish_once(self._store, credentials.identity, idempotency_key,
                            lambda: self._create(credentials, parts, message, photos),
                            lambda since, skip: self._find(credentials, message, since, skip))

    def _create(self, credentials: Credentials, parts: PostParts, message: str,
                photos: list[str | Upload]) -> Published:
        page = credentials.account_id
        if len(photos) == 1:  # Graph fetches a picture URL itself; an upload goes as multipart `source`
            body = self._send_create(credentials, f"/{page}/photos", _photo(photos[0], message=message))
            post_id = str(body.get("post_id") or f"{page}_{body['id']}")
        else:
            form: dict[str, Any] = {"message": message}
            if parts.link and not photos:
                form["link"] = parts.link.url
            for index, photo in enumerate(photos):
                form[f"attached_media[{index}]"] = json.dumps({"media_fbid": self._unpublished(credentials, photo)})
            post_id = str(self._send_create(credentials, f"/{page}/feed", {"data": form})["id"])
        return self._published(credentials, post_id)

    def _send_create(self, credentials: Credentials, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response, hook = self._call(credentials, "POST", path, once=True, retry_server_errors=False, **payload)
        except (SentOnce, ProviderUnavailable) as exc:  # sent, answer lost or 5xx: Facebook may have posted
            raise OutcomeUnknown(str(exc)) from None
        error = graph_error(hook.body)
        if error is not None and error.code == 506:
            raise OutcomeUnknown(str(error), duplicate=True)
        if response.status_code >= 400 or not isinstance(hook.body, dict) or "id" not in hook.body:
            raise InvalidPost(str(error) if error else f"Facebook refused the post ({response.status_code})")
        return hook.body

    def _unpublished(self, credentials: Credentials, photo: str | Upload) -> str:
        # Not idempotent, but an unpublished photo nobody attaches never shows on the page.
        response, hook = self._call(credentials, "POST", f"/{credentials.account_id}/photos",
                                    **_photo(photo, published="false"))
        if response.status_code >= 400 or "id" not in (hook.body or {}):
            raise InvalidPost(str(graph_error(hook.body) or "Facebook refused the photo"))
        return str(hook.body["id"])

    def _published(self, credentials: Credentials, post_id: str, post: dict[str, Any] | None = None) -> Published:
        if post is None:
            post = self._get(credentials, f"/{post_id}", {"fields": "id,created_time,permalink_url"})
        page = self._get(credentials, f"/{credentials.account_id}", {"fields": PAGE_FIELDS})
        return Published(post_id=post_id, post_url=post.get("permalink_url") or f"https://www.facebook.com/{post_id}",
                         published_at=parse_datetime(post.get("created_time")) or utcnow(),
                         reach=page.get("followers_count", page.get("fan_count")))

    def _find(self, credentials: Credentials, message: str, since: datetime,
              skip: frozenset[str]) -> Published | None:
        """The page's own post with this message, published since `since` (newest first)."""
        params = {"fields": "id,message,created_time,permalink_url", "since": _unix(since), "limit": 25}
        for post in self._items(credentials, f"/{credentials.account_id}/posts", params):
            if post["id"] not in skip and same_text(post.get("message", ""), message):
                return self._published(credentials, str(post["id"]), post)
        return None

    # -- reading ------------------------------------------------------------------------------------------------

    def reactions(self, credentials: Credentials, post_id: str) -> Reactions:
        post = self._get(credentials, f"/{post_id}", {"fields": f"id,{POST_COUNTS}"})
        likes = [_reaction("like", r) for r in self._items(
            credentials, f"/{post_id}/reactions", {"fields": "id,name,type,link", "limit": PAGE})]
        comments = [_reaction("comment", c.get("from") or {}, content=c.get("message", ""),
                              date=parse_datetime(c.get("created_time")))
                    for c in self._items(credentials, f"/{post_id}/comments",
                                         {"fields": "id,message,created_time,from{id,name,link}", "filter": "stream",
                                          "order": "chronological", "limit": PAGE})]
        return Reactions(likes=tuple(likes), comments=tuple(comments),
                         like_count=_summary(post, "reactions"), comment_count=_summary(post, "comments"),
                         repost_count=int((post.get("shares") or {}).get("count", 0)))

    def verify(self, credentials: Credentials) -> AccountInfo:
        page = self._get(credentials, f"/{credentials.account_id}", {"fields": PAGE_FIELDS})
        return AccountInfo(account_id=str(page["id"]), username=page.get("username") or page.get("name", ""),
                           display_name=page.get("name", ""),
                           profile_url=page.get("link") or f"https://www.facebook.com/{page['id']}",
                           followers_count=page.get("followers_count", page.get("fan_count")), created_at=None)

    def _items(self, credentials: Credentials, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every item of an edge, following `paging.cursors.after` while `paging.next` says there is more.
        The `next` URL itself is not fetched: it would carry the token to whatever host it names."""
        after: str | None = None
        for _ in range(MAX_PAGES):
            body = self._get(credentials, path, {**params, **({"after": after} if after else {})})
            yield from body.get("data") or []
            paging = body.get("paging") or {}
            cursor = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not cursor or cursor == after or not body.get("data"):
                return
            after = cursor

    # -- plumbing -----------------------------------------------------------------------------------------------

    def _get(self, credentials: Credentials, path: str, params: dict[str, Any]) -> dict[str, Any]:
        response, hook = self._call(credentials, "GET", path, params=params)
        error = graph_error(hook.body)
        if error is not None or response.status_code >= 400 or not isinstance(hook.body, dict):
            raise ProviderUnavailable(f"{path}: {error or response.status_code}")
        return hook.body

    def _call(self, credentials: Credentials, method: str, path: str, *, once: bool = False,
              **kwargs: Any) -> tuple[httpx.Response, NetworkCall]:
        """One Graph call. Throttling answers set the identity's budget to the announced wait (see
        `facebook_graph.rate_aliases`), so sending again waits in the budget or raises RateLimited."""
        url = f"{credentials.base_url}/{self._version}{path}"
        for _ in range(THROTTLE_ATTEMPTS):
            hook = NetworkCall(credentials.access_token, rates=rate_aliases, once=once)
            try:
                response = self._http.request(method, url, identity=credentials.identity, auth=hook, **kwargs)
            except (AuthRevoked, PostGone):
                response = None
            error = graph_error(hook.body)
            if error is not None and error.throttled:
                continue
            _raise_refusal(error, hook, path)
            assert response is not None
            return response, hook
        raise RateLimited(utcnow() + timedelta(seconds=60), f"Facebook keeps throttling {path}")


def _raise_refusal(error: GraphError | None, hook: NetworkCall, path: str) -> None:
    if error is not None and error.token_refused:
        raise AuthRevoked(str(error))
    if error is not None and error.gone:
        raise PostGone(f"{path}: {error}")
    if hook.status in (401, 403):
        raise AuthRevoked(str(error) if error else "Facebook refused the access token")
    if hook.status in (404, 410):
        raise PostGone(f"{path}: {error or 'not found'}")


def _message(parts: PostParts, *, with_link: bool) -> str:
    """The text; the link rides in `link` (Graph builds the preview) unless photos take the post, and a video
    URL always goes into the text (page videos need the resumable upload)."""
    message = parts.text.strip()
    extra = [parts.video_url] + ([parts.link.url] if parts.link and with_link else [])
    for url in extra:
        if url and url not in message:
            message = f"{message}\n\n{url}" if message else url
    return message


def _photo(photo: str | Upload, **fields: str) -> dict[str, Any]:
    if isinstance(photo, str):
        return {"data": {"url": photo, **fields}}
    return {"data": fields, "files": {"source": (photo.name or "photo", photo.data, photo.mime_type)}}


def _reaction(kind: ReactionKind, person: dict[str, Any], **extra: Any) -> Reaction:
    # Graph gives reactors' and commenters' names and page-scoped ids, never their follower counts or join dates.
    link = person.get("link") or (f"https://www.facebook.com/{person['id']}" if person.get("id") else "")
    return Reaction(kind=kind, username=person.get("name", ""), profile_url=link, **extra)


def _summary(post: dict[str, Any], edge: str) -> int | None:
    total = ((post.get(edge) or {}).get("summary") or {}).get("total_count")
    return int(total) if total is not None else None


def _unix(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds())


def register(registry: ProviderRegistry) -> None:
    registry.register(FacebookProvider(registry.http, registry.idempotency))
