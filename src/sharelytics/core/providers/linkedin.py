"""LinkedIn through the versioned REST Posts API: publish with `POST /rest/posts` (the new post's URN comes back in
`x-restli-id`; pictures through the Images API), read likes and comments through Social Actions (`start`/`count`
paging) and their totals from the social actions summary.

LinkedIn has no idempotency header: `publish_once` remembers each key's attempt and, after a lost answer, looks
among the author's posts (`q=author`) since the attempt for the commentary it sent. LinkedIn refuses a repeated
post with 422 "duplicate", which the same look turns into the earlier post when it was ours.

Tokens need `w_member_social` + `r_member_social` + `openid profile` for a member, or `w_organization_social` +
`r_organization_social` + `rw_organization_admin` for an organization page.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Iterator
from urllib.parse import quote

import httpx

from sharelytics.core.clock import from_timestamp, utcnow
from sharelytics.core.providers.base import Capabilities
from sharelytics.core.providers.fetch import MediaFetcher, gather_images
from sharelytics.core.providers.http import ProviderHttp, error_text
from sharelytics.core.providers.idempotency import IdempotencyStore, MemoryIdempotencyStore
from sharelytics.core.providers.model import (AccountInfo, AuthRevoked, Credentials, InvalidPost, PostParts,
                                              ProviderUnavailable, Published, Reaction, ReactionKind, Reactions,
                                              Upload)
from sharelytics.core.providers.network_call import NetworkCall, SentOnce
from sharelytics.core.providers.publish_once import OutcomeUnknown, publish_once
from sharelytics.core.providers.registry import ProviderRegistry
from sharelytics.core.providers.text import compose_text
from sharelytics.core.providers.twitter_text import same_text

# LinkedIn serves each monthly version for at least a year; move this forward when a new one is adopted.
API_VERSION = "202510"
PAGE = 100
MAX_PAGES = 1000
FIND_PAGES = 5  # the author's latest 250 posts cover any retry window
MAX_COMMENTARY = 3000
MAX_IMAGES = 20
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif")
# "little text format": these characters are markup in `commentary` and must be escaped to appear as typed.
_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")


def escape_commentary(text: str) -> str:
    return _RESERVED.sub(r"\\\1", text)


def urn_path(urn: str) -> str:
    return quote(urn, safe="")


class LinkedInProvider:
    key = "linkedin"
    name = "LinkedIn"
    capabilities = Capabilities(credential_fields=("account_id", "access_token"), max_text_length=MAX_COMMENTARY,
                                max_media=MAX_IMAGES, link_cards=True, pictures=True, video=False,
                                reactions=("like", "comment"))

    def __init__(self, http: ProviderHttp, media_fetcher: MediaFetcher | None = None,
                 store: IdempotencyStore | None = None, version: str = API_VERSION,
                 web_url: str = "https://www.linkedin.com") -> None:
        self._http = http
        self._fetch_media = media_fetcher
        self._store = store or MemoryIdempotencyStore()
        self._version = version
        self._web = web_url.rstrip("/")

    # -- publishing ---------------------------------------------------------------------------------------------

    def publish(self, credentials: Credentials, parts: PostParts, idempotency_key: str) -> Published:
        if parts.is_empty():
            raise InvalidPost("nothing to publish")
        uploads, unattached = self._collect_media(parts)
        in_text = unattached + ((parts.link.url,) if parts.link and uploads else ())
        commentary = escape_commentary(compose_text(PostParts(text=parts.text), in_text))
        if len(commentary) > MAX_COMMENTARY:
            raise InvalidPost(f"LinkedIn takes at most {MAX_COMMENTARY} characters of commentary")
        return publish_once(self._store, credentials.identity, idempotency_key,
                            lambda: self._create(credentials, parts, commentary, uploads),
                            lambda since, skip: self._find(credentials, commentary, since, skip))

    def _create(self, credentials: Credentials, parts: PostParts, commentary: str,
                uploads: list[Upload]) -> Published:
        body: dict[str, Any] = {
            "author": credentials.account_id, "commentary": commentary, "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False}
        content = self._content(credentials, parts, uploads)
        if content:
            body["content"] = content
        hook = self._hook(credentials, once=True)
        try:
            response = self._http.request("POST", f"{credentials.base_url}/rest/posts", identity=credentials.identity,
                                          json=body, auth=hook, retry_server_errors=False)
        except (SentOnce, ProviderUnavailable) as exc:  # sent, answer lost or 5xx: LinkedIn may have posted
            raise OutcomeUnknown(str(exc)) from None
        if response.status_code == 422 and "duplicate" in error_text(response).lower():
            raise OutcomeUnknown(error_text(response), duplicate=True)
        urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id")
        if response.status_code >= 400 or not urn:
            raise InvalidPost(error_text(response) or f"LinkedIn refused the post ({response.status_code})")
        return self._published(urn, utcnow())

    def _content(self, credentials: Credentials, parts: PostParts, uploads: list[Upload]) -> dict[str, Any] | None:
        """Pictures when there are any (a post has one content), else the link as an article."""
        images = [{"id": self._upload(credentials, upload), "altText": upload.alt} for upload in uploads]
        if len(images) == 1:
            return {"media": images[0]}
        if images:
            return {"multiImage": {"images": images}}
        if parts.link:
            article = {"source": parts.link.url, "title": parts.link.name or parts.link.url}
            description = parts.link.description or parts.link.caption
            return {"article": {**article, **({"description": description} if description else {})}}
        return None

    def _collect_media(self, parts: PostParts) -> tuple[list[Upload], tuple[str, ...]]:
        return gather_images(parts, self._fetch_media, lambda mime: mime in IMAGE_TYPES, MAX_IMAGES, "LinkedIn")

    def _upload(self, credentials: Credentials, upload: Upload) -> str:
        """Images API: initializeUpload names an upload URL and the image URN, then the bytes go there."""
        response = self._call(credentials, "POST", "/rest/images", params={"action": "initializeUpload"},
                              json={"initializeUploadRequest": {"owner": credentials.account_id}})
        value = response.json().get("value") or {}
        if not value.get("uploadUrl") or not value.get("image"):
            raise ProviderUnavailable("LinkedIn did not offer an upload URL")
        # The upload URL is LinkedIn's own (dms-uploads); it takes the same bearer token.
        put = self._http.request("PUT", value["uploadUrl"], identity=credentials.identity, content=upload.data,
                                 auth=self._hook(credentials), headers={"Content-Type": upload.mime_type})
        if put.status_code >= 400:
            raise InvalidPost(error_text(put) or "LinkedIn refused the picture")
        return str(value["image"])

    def _find(self, credentials: Credentials, commentary: str, since: datetime,
              skip: frozenset[str]) -> Published | None:
        """The author's post with this commentary created since `since` (latest first)."""
        query = f"q=author&author={urn_path(credentials.account_id)}&sortBy=LAST_MODIFIED"
        for post in self._elements(credentials, f"/rest/posts?{query}", FIND_PAGES, count=50):
            created = from_timestamp(int(post.get("createdAt", 0)) / 1000)
            if post.get("id") not in skip and created >= since and same_text(post.get("commentary", ""), commentary):
                return self._published(str(post["id"]), created.replace(microsecond=0))
        return None

    def _published(self, urn: str, at: datetime) -> Published:
        return Published(post_id=urn, post_url=f"{self._web}/feed/update/{urn}/", published_at=at, reach=None)

    # -- reading ------------------------------------------------------------------------------------------------

    def reactions(self, credentials: Credentials, post_id: str) -> Reactions:
        path = f"/rest/socialActions/{urn_path(post_id)}"
        summary = self._call(credentials, "GET", path).json()
        likes = [self._reaction("like", like) for like in self._elements(credentials, f"{path}/likes")]
        comments = [self._reaction("comment", c, content=(c.get("message") or {}).get("text", ""))
                    for c in self._elements(credentials, f"{path}/comments")]
        return Reactions(likes=tuple(likes), comments=tuple(comments),
                         like_count=(summary.get("likesSummary") or {}).get("totalLikes"),
                         comment_count=(summary.get("commentsSummary") or {}).get("aggregatedTotalComments"))

    def verify(self, credentials: Credentials) -> AccountInfo:
        author = credentials.account_id
        kind, _, entity_id = author.rpartition(":")
        if kind.endswith(":organization"):
            org = self._call(credentials, "GET", f"/rest/organizations/{entity_id}").json()
            sizes = self._call(credentials, "GET", f"/rest/networkSizes/{urn_path(author)}",
                               params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}).json()
            return AccountInfo(account_id=author, username=org.get("vanityName") or entity_id,
                               display_name=org.get("localizedName", ""), profile_url=self.profile_url(author),
                               followers_count=sizes.get("firstDegreeSize"), created_at=None)
        member = self._call(credentials, "GET", "/v2/userinfo").json()
        if member.get("sub") != entity_id:
            raise AuthRevoked(f"the access token belongs to urn:li:person:{member.get('sub')}, not {author}")
        return AccountInfo(account_id=author, username=author, display_name=member.get("name", ""),
                           profile_url="", followers_count=None, created_at=None)

    def profile_url(self, urn: str) -> str:
        """Organizations have a page by id; members' pages need their vanity name, which the API does not give."""
        kind, _, entity_id = urn.rpartition(":")
        return f"{self._web}/company/{entity_id}/" if kind.endswith(":organization") else ""

    def _reaction(self, kind: ReactionKind, action: dict[str, Any], **extra: Any) -> Reaction:
        # Social Actions name the actor by URN only; names and follower counts need the restricted People API.
        actor = str(action.get("actor", ""))
        created = (action.get("created") or {}).get("time")
        return Reaction(kind=kind, username=actor, profile_url=self.profile_url(actor),
                        date=from_timestamp(int(created) / 1000).replace(microsecond=0) if created else None, **extra)

    def _elements(self, credentials: Credentials, path: str, max_pages: int = MAX_PAGES,
                  count: int = PAGE) -> Iterator[dict[str, Any]]:
        """Every element of a collection, `start`/`count` paging until a short page or `paging.total`."""
        joiner = "&" if "?" in path else "?"
        for page in range(max_pages):
            body = self._call(credentials, "GET", f"{path}{joiner}start={page * count}&count={count}").json()
            elements = body.get("elements") or []
            yield from elements
            total = (body.get("paging") or {}).get("total")
            if len(elements) < count or (total is not None and (page + 1) * count >= int(total)):
                return

    # -- plumbing -----------------------------------------------------------------------------------------------

    def _hook(self, credentials: Credentials, *, once: bool = False) -> NetworkCall:
        return NetworkCall(credentials.access_token, once=once,
                           headers={"LinkedIn-Version": self._version, "X-Restli-Protocol-Version": "2.0.0"})

    def _call(self, credentials: Credentials, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """401/403 → AuthRevoked, 404/410 → PostGone (ProviderHttp, with LinkedIn's `message`); other refusals of a
        read mean the API changed under us."""
        response = self._http.request(method, f"{credentials.base_url}{path}", identity=credentials.identity,
                                      auth=self._hook(credentials), **kwargs)
        if response.status_code >= 400:
            raise ProviderUnavailable(f"{path.split('?')[0]}: {error_text(response) or response.status_code}")
        return response


def register(registry: ProviderRegistry) -> None:
    registry.register(LinkedInProvider(registry.http, registry.media_fetcher, registry.idempotency))
