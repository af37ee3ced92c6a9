"""The sandbox's world: accounts, posts, likes and reposts, media and tokens of every network, in memory and
optionally mirrored to a JSON file after every change. All access goes through one lock (the server is threaded
when tests drive it from several clients)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sharelytics.sandbox import ids

Network = Literal["mastodon", "bluesky", "twitter", "facebook", "linkedin"]
NETWORKS: tuple[Network, ...] = ("mastodon", "bluesky", "twitter", "facebook", "linkedin")
TOKEN_NETWORKS = ("mastodon", "twitter", "facebook", "linkedin")  # accounts act with a bearer token
LINKEDIN_KINDS = ("person", "organization")
FIRST_ID = 113_000_000_000_000_000  # Mastodon IDs are 18-digit snowflakes in practice


class SandboxError(ValueError):
    """A reference to something that does not exist, or a request the fake refuses."""


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Account:
    id: str  # Mastodon, X, Facebook: numeric string; Bluesky: DID; LinkedIn: person or organization URN
    username: str  # Mastodon, X: username; Bluesky: handle; Facebook: page username; LinkedIn: vanity name
    display_name: str
    password: str
    created_at: datetime
    followers_count: int = 0
    following_count: int = 0
    note: str = ""
    revoked: bool = False
    kind: str = ""  # LinkedIn: person or organization


@dataclass
class Post:
    id: str  # Mastodon, X: numeric string; Bluesky: at-uri; Facebook: <page>_<n>; LinkedIn: urn:li:share:<n>
    seq: int  # global order, for pagination
    author_id: str
    text: str
    created_at: datetime
    cid: str = ""
    reply_to: str | None = None
    quote_of: str | None = None
    media_ids: list[str] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)  # Bluesky: the record; others: network-only fields
    idempotency_key: str | None = None
    deleted: bool = False


@dataclass
class Interaction:
    id: int
    kind: Literal["like", "repost"]
    post_id: str
    account_id: str
    created_at: datetime
    uri: str = ""  # Bluesky: the like/repost record
    detail: str = ""  # Facebook: the reaction type (LIKE, LOVE, ...)


@dataclass
class Media:
    id: str  # Mastodon: numeric string; Bluesky: blob CID
    owner_id: str
    mime_type: str
    size: int
    description: str = ""


@dataclass
class Token:
    value: str
    account_id: str
    kind: Literal["access", "refresh"] = "access"
    expires_at: float | None = None


@dataclass
class NetworkState:
    accounts: dict[str, Account] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    interactions: list[Interaction] = field(default_factory=list)
    media: dict[str, Media] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)


_TYPES = {"accounts": Account, "posts": Post, "media": Media, "tokens": Token}


class SandboxState:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else None
        self.lock = threading.RLock()
        self.networks: dict[str, NetworkState] = {n: NetworkState() for n in NETWORKS}
        self.seq = 0
        self.next_id = FIRST_ID
        if self.path and self.path.exists():
            self._load(self.path)

    def net(self, network: str) -> NetworkState:
        try:
            return self.networks[network]
        except KeyError:
            raise SandboxError(f"unknown network {network!r}; use one of {', '.join(NETWORKS)}") from None

    def new_seq(self) -> int:
        with self.lock:
            self.seq += 1
            return self.seq

    def new_id(self) -> str:
        with self.lock:
            self.next_id += 1 + self.seq % 7  # gaps, as real snowflakes have
            return str(self.next_id)

    # -- accounts -----------------------------------------------------------------------------------------------

    def create_account(self, network: str, username: str, *, display_name: str = "", password: str = "",
                       followers_count: int = 0, following_count: int = 0,
                       created_at: datetime | None = None, kind: str = "") -> Account:
        username = username.strip().lstrip("@")
        if network == "bluesky" and "." not in username:
            username = f"{username}.sandbox.test"  # handles are domain names
        if not username:
            raise SandboxError("a username is required")
        with self.lock:
            net = self.net(network)
            if any(a.username.lower() == username.lower() for a in net.accounts.values()):
                raise SandboxError(f"{network} account {username!r} exists")
            kind = _kind(network, kind)
            account = Account(id=self._account_id(network, username, kind), username=username,
                              display_name=display_name or username.split(".")[0],
                              password=password or ids.app_password(), created_at=created_at or now(),
                              followers_count=followers_count, following_count=following_count, kind=kind)
            net.accounts[account.id] = account
            self.save()
            return account

    def _account_id(self, network: str, username: str, kind: str) -> str:
        if network == "bluesky":
            return ids.did_for(username)
        if network == "linkedin":
            return f"urn:li:{kind}:{self.new_id() if kind == 'organization' else _member_id(username)}"
        return self.new_id()

    def account(self, network: str, ref: str) -> Account:
        """By id, username / handle (with or without `@`, the Bluesky suffix optional)."""
        ref = ref.strip().lstrip("@")
        with self.lock:
            accounts = self.net(network).accounts
            if ref in accounts:
                return accounts[ref]
            for account in accounts.values():
                if account.username.lower() in (ref.lower(), f"{ref.lower()}.sandbox.test"):
                    return account
        raise SandboxError(f"no {network} account {ref!r}")

    def issue_token(self, network: str, account_id: str, value: str | None = None, *, kind: str = "access",
                    expires_at: float | None = None) -> Token:
        with self.lock:
            token = Token(value or ids.opaque_token(), account_id, kind, expires_at)  # type: ignore[arg-type]
            self.net(network).tokens[token.value] = token
            self.save()
            return token

    def token_account(self, network: str, value: str, kind: str = "access") -> tuple[Token, Account] | None:
        with self.lock:
            net = self.net(network)
            token = net.tokens.get(value)
            if token is None or token.kind != kind:
                return None
            account = net.accounts.get(token.account_id)
            return None if account is None or account.revoked else (token, account)

    def revoke(self, network: str, ref: str) -> Account:
        """The user disconnected the app: every token dies and logins fail until `restore`."""
        with self.lock:
            account = self.account(network, ref)
            account.revoked = True
            net = self.net(network)
            for value in [v for v, t in net.tokens.items() if t.account_id == account.id]:
                del net.tokens[value]
            self.save()
            return account

    def restore(self, network: str, ref: str) -> Account:
        with self.lock:
            account = self.account(network, ref)
            account.revoked = False
            self.save()
            return account

    # -- posts and reactions ------------------------------------------------------------------------------------

    def add_post(self, network: str, post: Post) -> Post:
        with self.lock:
            self.net(network).posts[post.id] = post
            self.save()
            return post

    def post(self, network: str, post_id: str, *, include_deleted: bool = False) -> Post:
        with self.lock:
            post = self.net(network).posts.get(post_id)
        if post is None or (post.deleted and not include_deleted):
            raise SandboxError(f"no {network} post {post_id!r}")
        return post

    def find_idempotent(self, network: str, account_id: str, key: str) -> Post | None:
        with self.lock:
            for post in self.net(network).posts.values():
                if post.author_id == account_id and post.idempotency_key == key and not post.deleted:
                    return post
        return None

    def delete_post(self, network: str, post_id: str) -> Post:
        with self.lock:
            post = self.post(network, post_id)
            post.deleted = True
            self.save()
            return post

    def visible_posts(self, network: str) -> list[Post]:
        with self.lock:
            return sorted((p for p in self.net(network).posts.values() if not p.deleted), key=lambda p: p.seq)

    def replies(self, network: str, post_id: str) -> list[Post]:
        return [p for p in self.visible_posts(network) if p.reply_to == post_id]

    def quotes(self, network: str, post_id: str) -> list[Post]:
        return [p for p in self.visible_posts(network) if p.quote_of == post_id]

    def descendants(self, network: str, post_id: str) -> list[Post]:
        """The whole reply subtree, depth first, each branch in posting order (Mastodon's `descendants`)."""
        found: list[Post] = []
        for reply in self.replies(network, post_id):
            found.append(reply)
            found.extend(self.descendants(network, reply.id))
        return found

    def interact(self, network: str, kind: str, post_id: str, account_id: str, uri: str = "",
                 detail: str = "") -> Interaction:
        """A like or repost; the same account liking twice keeps the first (both networks are idempotent here)."""
        with self.lock:
            self.post(network, post_id)
            net = self.net(network)
            for existing in net.interactions:
                if (existing.kind, existing.post_id, existing.account_id) == (kind, post_id, account_id):
                    return existing
            interaction = Interaction(self.new_seq(), kind, post_id, account_id, now(), uri,  # type: ignore[arg-type]
                                      detail)
            net.interactions.append(interaction)
            self.save()
            return interaction

    def remove_interaction(self, network: str, uri: str) -> None:
        with self.lock:
            net = self.net(network)
            net.interactions = [i for i in net.interactions if i.uri != uri]
            self.save()

    def interactions(self, network: str, kind: str, post_id: str) -> list[Interaction]:
        """Newest first, as both networks list them."""
        with self.lock:
            found = [i for i in self.net(network).interactions if i.kind == kind and i.post_id == post_id]
        return sorted(found, key=lambda i: i.id, reverse=True)

    def add_media(self, network: str, media: Media) -> Media:
        with self.lock:
            self.net(network).media[media.id] = media
            self.save()
            return media

    # -- persistence --------------------------------------------------------------------------------------------

    def save(self) -> None:
        if self.path is None:
            return
        with self.lock:
            payload = {"seq": self.seq, "next_id": self.next_id,
                       "networks": {n: _dump_network(s) for n, s in self.networks.items()}}
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            tmp.write_text(json.dumps(payload, default=_json_default, indent=1))
            tmp.replace(self.path)  # never a half-written file

    def _load(self, path: Path) -> None:
        payload = json.loads(path.read_text())
        self.seq, self.next_id = payload["seq"], payload["next_id"]
        for network, data in payload["networks"].items():
            net = self.net(network)
            for name, cls in _TYPES.items():
                getattr(net, name).update({k: _build(cls, v) for k, v in data[name].items()})
            net.interactions = [_build(Interaction, v) for v in data["interactions"]]


def _member_id(username: str) -> str:
    """A LinkedIn member id: ten URL-safe characters, stable per vanity name (the `sub` userinfo answers)."""
    return base64.urlsafe_b64encode(hashlib.sha256(username.lower().encode()).digest()).decode()[:10]


def _kind(network: str, kind: str) -> str:
    if network != "linkedin":
        return kind
    kind = kind or "person"
    if kind not in LINKEDIN_KINDS:
        raise SandboxError(f"a LinkedIn account is one of {', '.join(LINKEDIN_KINDS)}")
    return kind


def _dump_network(net: NetworkState) -> dict[str, Any]:
    dumped = {name: {k: dataclasses.asdict(v) for k, v in getattr(net, name).items()} for name in _TYPES}
    dumped["interactions"] = [dataclasses.asdict(i) for i in net.interactions]  # type: ignore[assignment]
    return dumped


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def _build(cls: type, values: dict[str, Any]) -> Any:
    for f in dataclasses.fields(cls):
        if f.name in ("created_at",) and isinstance(values.get(f.name), str):
            values[f.name] = datetime.fromisoformat(values[f.name])
    return cls(**values)
