"""Bluesky: publish an `app.bsky.feed.post` record under a record key derived from the idempotency key, read
reactions from getLikes, getRepostedBy, getPostThread and getQuotes, and follower counts from getProfiles."""

from __future__ import annotations

from typing import Any, Iterator

import httpx

from sharelytics.core.clock import utcnow
from sharelytics.core.providers.base import Capabilities
from sharelytics.core.providers.bluesky_session import SessionCache
from sharelytics.core.providers.bluesky_text import post_record, record_key
from sharelytics.core.providers.fetch import MediaFetcher, gather_images
from sharelytics.core.providers.http import ProviderHttp, error_name, error_text
from sharelytics.core.providers.model import (AccountInfo, Credentials, InvalidPost, PostGone, PostParts, Published,
                                              ProviderUnavailable, Reaction, ReactionKind, Reactions, Upload)
from sharelytics.core.providers.registry import ProviderRegistry
from sharelytics.core.providers.text import compose_text, parse_datetime

POST = "app.bsky.feed.post"
PAGE = 100
PROFILES_BATCH = 25
MAX_PAGES = 1000
THREAD_DEPTH = 1000
NOT_FOUND_ERRORS = {"NotFound", "RecordNotFound"}


class BlueskyProvider:
    key = "bluesky"
    name = "Bluesky"
    capabilities = Capabilities(credential_fields=("base_url", "handle", "app_password"), max_text_length=300,
                                max_media=4, link_cards=True, pictures=True, video=False,
                                reactions=("like", "comment", "repost", "quote"))

    def __init__(self, http: ProviderHttp, media_fetcher: MediaFetcher | None = None,
                 web_url: str = "https://bsky.app") -> None:
        self._http = http
        self._fetch_media = media_fetcher
        self._web = web_url.rstrip("/")
        self.sessions = SessionCache(http)

    # -- publishing ---------------------------------------------------------------------------------------------

    def publish(self, credentials: Credentials, parts: PostParts, idempotency_key: str) -> Published:
        if parts.is_empty():
            raise InvalidPost("nothing to publish")
        session = self.sessions.get(credentials)
        rkey = record_key(idempotency_key)
        existing = self._existing(credentials, session.did, rkey)
        if existing is None:
            existing = self._create(credentials, session.did, rkey, parts)
        uri, record = existing
        return Published(post_id=uri, post_url=self.post_url(session.handle, uri),
                         published_at=parse_datetime(record.get("createdAt")) or utcnow(),
                         reach=self._profile(credentials, session.did).get("followersCount"))

    def _create(self, credentials: Credentials, did: str, rkey: str, parts: PostParts) -> tuple[str, dict[str, Any]]:
        uploads, unattached = self._collect_media(parts)
        images = [self._upload(credentials, upload) for upload in uploads]
        record = post_record(compose_text(parts, unattached), utcnow(), embed=_embed(parts, images))
        body = {"repo": did, "collection": POST, "rkey": rkey, "validate": True, "record": record}
        try:
            # A 5xx here may mean "a record already has this key" (the reference PDS answers 500 for that), so it
            # is not retried blindly: look for the record first.
            response = self.sessions.call(credentials, "POST", "com.atproto.repo.createRecord", json=body,
                                          retry_server_errors=False)
        except ProviderUnavailable:
            found = self._existing(credentials, did, rkey)
            if found is None:
                raise
            return found
        if response.status_code >= 400:
            found = self._existing(credentials, did, rkey)  # newer PDSs name the conflict; any 4xx gets one look
            if found is not None:
                return found
            raise InvalidPost(error_text(response) or f"refused ({response.status_code})")
        return response.json()["uri"], record

    def _existing(self, credentials: Credentials, did: str, rkey: str) -> tuple[str, dict[str, Any]] | None:
        try:
            response = self.sessions.call(credentials, "GET", "com.atproto.repo.getRecord",
                                          params={"repo": did, "collection": POST, "rkey": rkey})
        except PostGone:
            return None
        if response.status_code >= 400:  # 400 RecordNotFound
            return None
        body = response.json()
        return body["uri"], body.get("value", {})

    def _collect_media(self, parts: PostParts) -> tuple[list[Upload], tuple[str, ...]]:
        """Uploads and the fetched picture become images; a video URL (Bluesky video needs its own service) and
        anything we cannot fetch go into the text as links."""
        return gather_images(parts, self._fetch_media, lambda mime: mime.startswith("image/"), self.capabilities.max_media, "Bluesky")

    def _upload(self, credentials: Credentials, upload: Upload) -> dict[str, Any]:
        response = self.sessions.call(credentials, "POST", "com.atproto.repo.uploadBlob", content=upload.data,
                                      headers={"Content-Type": upload.mime_type})
        if response.status_code >= 400:
            raise InvalidPost(error_text(response) or "image refused")
        return {"alt": upload.alt, "image": response.json()["blob"]}

    # -- reading ------------------------------------------------------------------------------------------------

    def reactions(self, credentials: Credentials, post_id: str) -> Reactions:
        thread = self._thread(credentials, post_id)
        post = thread["post"]
        likes = list(self._pages(credentials, "app.bsky.feed.getLikes", post_id, "likes"))
        reposters = list(self._pages(credentials, "app.bsky.feed.getRepostedBy", post_id, "repostedBy"))
        quotes = list(self._pages(credentials, "app.bsky.feed.getQuotes", post_id, "posts"))
        replies = list(_replies(thread))
        actors = [x["actor"] for x in likes] + reposters + [p["author"] for p in replies + quotes]
        profiles = self._profiles(credentials, [a["did"] for a in actors])
        return Reactions(
            likes=tuple(self._reaction("like", x["actor"], profiles, date=x.get("createdAt")) for x in likes),
            reposts=tuple(self._reaction("repost", actor, profiles) for actor in reposters),
            comments=tuple(self._post_reaction("comment", p, profiles) for p in replies),
            quotes=tuple(self._post_reaction("quote", p, profiles) for p in quotes),
            like_count=post.get("likeCount"), repost_count=post.get("repostCount"),
            comment_count=post.get("replyCount"), quote_count=post.get("quoteCount"))

    def verify(self, credentials: Credentials) -> AccountInfo:
        session = self.sessions.get(credentials)
        profile = self._profile(credentials, session.did)
        return AccountInfo(account_id=session.did, username=profile.get("handle", session.handle),
                           display_name=profile.get("displayName", ""),
                           profile_url=self.profile_url(profile.get("handle", session.handle)),
                           followers_count=profile.get("followersCount"),
                           created_at=parse_datetime(profile.get("createdAt")))

    def profile_url(self, handle: str) -> str:
        return f"{self._web}/profile/{handle}"

    def post_url(self, handle: str, uri: str) -> str:
        return f"{self.profile_url(handle)}/post/{uri.rsplit('/', 1)[-1]}"

    def _thread(self, credentials: Credentials, uri: str) -> dict[str, Any]:
        response = self.sessions.call(credentials, "GET", "app.bsky.feed.getPostThread",
                                      params={"uri": uri, "depth": THREAD_DEPTH, "parentHeight": 0})
        _raise_for(response, uri)
        thread = response.json().get("thread", {})
        if thread.get("$type") != "app.bsky.feed.defs#threadViewPost":
            raise PostGone(f"{uri} is {'blocked' if thread.get('blocked') else 'not found'}")
        return thread

    def _pages(self, credentials: Credentials, nsid: str, uri: str, key: str) -> Iterator[dict[str, Any]]:
        """Every item, following `cursor` until a page comes back without one."""
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            params = {"uri": uri, "limit": PAGE, **({"cursor": cursor} if cursor else {})}
            response = self.sessions.call(credentials, "GET", nsid, params=params)
            _raise_for(response, uri)
            body = response.json()
            yield from body.get(key, [])
            next_cursor = body.get("cursor")
            if not next_cursor or next_cursor == cursor or not body.get(key):
                return
            cursor = next_cursor

    def _profiles(self, credentials: Credentials, dids: list[str]) -> dict[str, dict[str, Any]]:
        """profileViewDetailed by DID: likers and reposters come without follower counts."""
        unique = list(dict.fromkeys(dids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(unique), PROFILES_BATCH):
            batch = unique[start:start + PROFILES_BATCH]
            response = self.sessions.call(credentials, "GET", "app.bsky.actor.getProfiles", params={"actors": batch})
            _raise_for(response, "profiles")
            found.update({p["did"]: p for p in response.json().get("profiles", [])})
        return found

    def _profile(self, credentials: Credentials, actor: str) -> dict[str, Any]:
        response = self.sessions.call(credentials, "GET", "app.bsky.actor.getProfile", params={"actor": actor})
        _raise_for(response, actor)
        return response.json()

    def _reaction(self, kind: ReactionKind, actor: dict[str, Any], profiles: dict[str, dict[str, Any]],
                  **extra: Any) -> Reaction:
        profile = profiles.get(actor["did"], {})
        handle = actor.get("handle") or actor["did"]
        date = extra.pop("date", None)
        return Reaction(kind=kind, username=handle, profile_url=self.profile_url(handle),
                        date=parse_datetime(date),
                        date_member_since=parse_datetime(profile.get("createdAt") or actor.get("createdAt")),
                        num_followers=profile.get("followersCount"), **extra)

    def _post_reaction(self, kind: ReactionKind, post: dict[str, Any],
                       profiles: dict[str, dict[str, Any]]) -> Reaction:
        record = post.get("record", {})
        return self._reaction(kind, post["author"], profiles, content=record.get("text", ""),
                              date=record.get("createdAt") or post.get("indexedAt"))


def _embed(parts: PostParts, images: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Images when there are any (a post has one embed); otherwise the link as an external card."""
    if images:
        return {"$type": "app.bsky.embed.images", "images": images}
    if parts.link:
        return {"$type": "app.bsky.embed.external",
                "external": {"uri": parts.link.url, "title": parts.link.name or parts.link.url,
                             "description": parts.link.description or parts.link.caption}}
    return None


def _replies(thread: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every reply in the subtree (Mastodon's `descendants` are the whole subtree too), parents first."""
    for reply in thread.get("replies", []) or []:
        if reply.get("$type") == "app.bsky.feed.defs#threadViewPost":
            yield reply["post"]
            yield from _replies(reply)


def _raise_for(response: httpx.Response, what: str) -> None:
    if response.status_code < 400:
        return
    if error_name(response) in NOT_FOUND_ERRORS or "not found" in error_text(response).lower():
        raise PostGone(f"{what}: {error_text(response)}")
    raise ProviderUnavailable(f"{what}: {error_text(response) or response.status_code}")


def register(registry: ProviderRegistry) -> None:
    registry.register(BlueskyProvider(registry.http, registry.media_fetcher))
