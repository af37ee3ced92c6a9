"""X (Twitter) API v2: publish with `POST /2/tweets` (pictures through `POST /2/media/upload`), read reactions
from `public_metrics`, liking_users, retweeted_by, quote_tweets and a recent search on `conversation_id`.

X has no idempotency header: `publish_once` remembers each key's attempt and, after a lost answer, looks among
the user's tweets since the attempt for the text it sent before posting again. X refuses an identical recent
tweet with 403 "duplicate content", which the same look turns into the earlier post when it was ours.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

import httpx

from sharelytics.core.clock import utcnow
from sharelytics.core.providers.base import Capabilities
from sharelytics.core.providers.fetch import MediaFetcher, gather_images
from sharelytics.core.providers.http import ProviderHttp
from sharelytics.core.providers.idempotency import IdempotencyStore, MemoryIdempotencyStore
from sharelytics.core.providers.model import (AccountInfo, AuthRevoked, Credentials, InvalidPost, PostGone,
                                              PostParts, ProviderUnavailable, Published, Reaction, ReactionKind,
                                              Reactions, Upload)
from sharelytics.core.providers.network_call import NetworkCall, SentOnce
from sharelytics.core.providers.publish_once import OutcomeUnknown, publish_once
from sharelytics.core.providers.registry import ProviderRegistry
from sharelytics.core.providers.text import compose_text, parse_datetime
from sharelytics.core.providers.twitter_text import (MAX_WEIGHT, expanded_text, is_not_found, problem_text,
                                                     rate_aliases, same_text, weighted_length)

PAGE = 100  # the largest max_results every endpoint used here accepts
MAX_PAGES = 1000
USER_FIELDS = "created_at,public_metrics,username,name"
TWEET_FIELDS = "created_at,author_id,conversation_id,entities,public_metrics"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


class TwitterProvider:
    key = "twitter"
    name = "X (Twitter)"
    capabilities = Capabilities(credential_fields=("access_token",), max_text_length=MAX_WEIGHT, max_media=4,
                                link_cards=True, pictures=True, video=False,
                                reactions=("like", "comment", "repost", "quote"))

    def __init__(self, http: ProviderHttp, media_fetcher: MediaFetcher | None = None,
                 store: IdempotencyStore | None = None, web_url: str = "https://x.com") -> None:
        self._http = http
        self._fetch_media = media_fetcher
        self._store = store or MemoryIdempotencyStore()
        self._web = web_url.rstrip("/")

    # -- publishing ---------------------------------------------------------------------------------------------

    def publish(self, credentials: Credentials, parts: PostParts, idempotency_key: str) -> Published:
        if parts.is_empty():
            raise InvalidPost("nothing to publish")
        uploads, unattached = self._collect_media(parts)
        text = compose_text(parts, unattached)
        if weighted_length(text) > MAX_WEIGHT:
            raise InvalidPost(f"X takes at most {MAX_WEIGHT} characters (links count 23)")
        me: dict[str, Any] = {}

        def account() -> dict[str, Any]:
            if not me:
                me.update(self._me(credentials))
            return me

        return publish_once(self._store, credentials.identity, idempotency_key,
                            lambda: self._create(credentials, text, uploads, account()),
                            lambda since, skip: self._find(credentials, text, account(), since, skip))

    def _create(self, credentials: Credentials, text: str, uploads: list[Upload], me: dict[str, Any]) -> Published:
        body: dict[str, Any] = {"text": text}
        media_ids = [self._upload(credentials, upload) for upload in uploads]
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        hook = self._hook(credentials, once=True)
        try:
            response = self._http.request("POST", f"{credentials.base_url}/2/tweets", identity=credentials.identity,
                                          json=body, auth=hook, retry_server_errors=False)
        except SentOnce as exc:
            raise OutcomeUnknown(str(exc)) from None
        except ProviderUnavailable as exc:  # a 5xx after sending: X may have posted
            raise OutcomeUnknown(str(exc)) from None
        except AuthRevoked:
            detail = problem_text(hook.body)
            if "duplicate" in detail.lower():
                raise OutcomeUnknown(detail, duplicate=True) from None
            raise AuthRevoked(detail or "X refused the access token") from None
        if response.status_code >= 400:
            raise InvalidPost(problem_text(hook.body) or f"X refused the post ({response.status_code})")
        return self._published(str(response.json()["data"]["id"]), utcnow(), me)

    def _find(self, credentials: Credentials, text: str, me: dict[str, Any], since: datetime,
              skip: frozenset[str]) -> Published | None:
        """The user's own tweet with this text posted since `since` (newest first; retweets and replies left out)."""
        params = {"start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ"), "max_results": PAGE,
                  "tweet.fields": "created_at,entities", "exclude": "retweets,replies"}
        for tweet in self._items(credentials, f"/2/users/{me['id']}/tweets", params, "pagination_token"):
            if tweet["id"] not in skip and same_text(expanded_text(tweet), text):
                return self._published(str(tweet["id"]), parse_datetime(tweet.get("created_at")) or utcnow(), me)
        return None

    def _published(self, tweet_id: str, at: datetime, me: dict[str, Any]) -> Published:
        return Published(post_id=tweet_id, post_url=f"{self._web}/{me.get('username', 'i')}/status/{tweet_id}",
                         published_at=at, reach=(me.get("public_metrics") or {}).get("followers_count"))

    def _collect_media(self, parts: PostParts) -> tuple[list[Upload], tuple[str, ...]]:
        """Uploads and the fetched picture are attached; a video URL (X video needs the chunked upload) and a
        picture we cannot fetch go into the text as links."""
        return gather_images(parts, self._fetch_media, lambda mime: mime in IMAGE_TYPES, self.capabilities.max_media, "X")

    def _upload(self, credentials: Credentials, upload: Upload) -> str:
        # Not idempotent, but a repeated upload only leaves an unused media id that X expires within a day.
        files = {"media": (upload.name or "upload", upload.data, upload.mime_type)}
        data = {"media_category": "tweet_gif" if upload.mime_type == "image/gif" else "tweet_image"}
        response, body = self._call(credentials, "POST", "/2/media/upload", files=files, data=data)
        if response.status_code >= 400 or "data" not in body:
            raise InvalidPost(problem_text(body) or "X refused the picture")
        return str(body["data"]["id"])

    # -- reading ------------------------------------------------------------------------------------------------

    def reactions(self, credentials: Credentials, post_id: str) -> Reactions:
        _, tweet = self._call(credentials, "GET", f"/2/tweets/{post_id}", params={"tweet.fields": TWEET_FIELDS})
        if is_not_found(tweet):
            raise PostGone(f"tweet {post_id}: {problem_text(tweet)}")
        metrics = tweet["data"].get("public_metrics") or {}
        path, users = f"/2/tweets/{post_id}", {"user.fields": USER_FIELDS, "max_results": PAGE}
        likes = [self._from_user("like", u) for u in self._items(credentials, f"{path}/liking_users", users)]
        reposts = [self._from_user("repost", u) for u in self._items(credentials, f"{path}/retweeted_by", users)]
        expanded = {**users, "tweet.fields": TWEET_FIELDS, "expansions": "author_id"}
        quotes = self._from_tweets("quote", credentials, f"{path}/quote_tweets", expanded, "pagination_token")
        replies = self._from_tweets("comment", credentials, "/2/tweets/search/recent",
                                    {**expanded, "query": f"conversation_id:{post_id}"}, "next_token")
        return Reactions(likes=tuple(likes), reposts=tuple(reposts), quotes=tuple(r for _, r in quotes),
                         comments=tuple(reaction for tweet_id, reaction in replies if tweet_id != post_id),
                         like_count=metrics.get("like_count"), repost_count=metrics.get("retweet_count"),
                         comment_count=metrics.get("reply_count"), quote_count=metrics.get("quote_count"))

    def verify(self, credentials: Credentials) -> AccountInfo:
        user = self._me(credentials)
        return AccountInfo(account_id=str(user["id"]), username=user.get("username", ""),
                           display_name=user.get("name", ""), profile_url=self.profile_url(user.get("username", "")),
                           followers_count=(user.get("public_metrics") or {}).get("followers_count"),
                           created_at=parse_datetime(user.get("created_at")))

    def profile_url(self, username: str) -> str:
        return f"{self._web}/{username}"

    def _me(self, credentials: Credentials) -> dict[str, Any]:
        response, body = self._call(credentials, "GET", "/2/users/me", params={"user.fields": USER_FIELDS})
        if response.status_code >= 400 or "data" not in body:
            raise ProviderUnavailable(f"X did not describe the account: {problem_text(body)}")
        return dict(body["data"])

    def _items(self, credentials: Credentials, path: str, params: dict[str, Any],
               token_param: str = "pagination_token", users: dict[str, dict[str, Any]] | None = None
               ) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, following `meta.next_token`; `users` collects `includes.users`."""
        token: str | None = None
        for _ in range(MAX_PAGES):
            response, body = self._call(credentials, "GET", path, params={**params, **({token_param: token}
                                                                                      if token else {})})
            if is_not_found(body):
                raise PostGone(f"{path}: {problem_text(body)}")
            if response.status_code >= 400:
                raise ProviderUnavailable(f"{path}: {problem_text(body) or response.status_code}")
            if users is not None:
                users.update({u["id"]: u for u in (body.get("includes") or {}).get("users", [])})
            yield from body.get("data") or []
            next_token = (body.get("meta") or {}).get("next_token")
            if not next_token or next_token == token or not body.get("data"):
                return
            token = next_token

    def _from_tweets(self, kind: ReactionKind, credentials: Credentials, path: str, params: dict[str, Any],
                     token_param: str) -> list[tuple[str, Reaction]]:
        users: dict[str, dict[str, Any]] = {}
        tweets = list(self._items(credentials, path, params, token_param, users))
        return [(str(t["id"]), self._from_user(kind, users.get(t.get("author_id", ""), {}),
                                                 content=expanded_text(t), date=parse_datetime(t.get("created_at"))))
                for t in tweets]

    def _from_user(self, kind: ReactionKind, user: dict[str, Any], **extra: Any) -> Reaction:
        username = user.get("username", "")
        return Reaction(kind=kind, username=username, profile_url=self.profile_url(username) if username else "",
                        date_member_since=parse_datetime(user.get("created_at")),
                        num_followers=(user.get("public_metrics") or {}).get("followers_count"), **extra)

    # -- plumbing -----------------------------------------------------------------------------------------------

    @staticmethod
    def _hook(credentials: Credentials, *, once: bool = False) -> NetworkCall:
        return NetworkCall(credentials.access_token, rates=rate_aliases, once=once)

    def _call(self, credentials: Credentials, method: str, path: str, **kwargs: Any) -> tuple[httpx.Response, Any]:
        """One call with X's token and rate headers; 401/403 → AuthRevoked and 404 → PostGone, with X's text."""
        hook = self._hook(credentials)
        try:
            response = self._http.request(method, f"{credentials.base_url}{path}", identity=credentials.identity,
                                          auth=hook, **kwargs)
        except AuthRevoked:
            raise AuthRevoked(problem_text(hook.body) or "X refused the access token") from None
        except PostGone:
            raise PostGone(problem_text(hook.body) or f"{path} not found") from None
        return response, hook.body if isinstance(hook.body, dict) else {}


def register(registry: ProviderRegistry) -> None:
    registry.register(TwitterProvider(registry.http, registry.media_fetcher, registry.idempotency))
