"""The redirect: pure ASGI in front of the API router, answering short links in microseconds of app time.

Routing is by `Host` (lower-cased, port kept), never by a route table:
- the API's own host (in the single-host default it is also the shared link domain) redirects only single-segment
  `[0-9A-Za-z]+` paths that are not reserved API words, so `/url.json`, `/stats/...` and `/` reach the API;
- any other host that is a link domain redirects every GET/HEAD path; `dom.ai/n/12345` is path `12345` on the
  path-prefix domain `dom.ai/n`;
- hosts that are no link domain, other methods and other scope types go to the API untouched.

A GET that finds a link appends the click's raw facts to the journal (a copy into a mapped file: no system call, no
database, no network); a HEAD is answered the same and not counted (link checkers, unfurlers and monitors send HEAD;
people click with GET).
A cache miss reads the database in a worker thread. See docs/decisions/2026-11-23-redirect-hot-path.md.
"""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sharelytics.core.links.cache import MISS, DomainEntry, LinkEntry, location_header
from sharelytics.core.links.create import RESERVED_PATHS
from sharelytics.core.links.patterns import fill_click_time
from sharelytics.metrics import count_redirect

if TYPE_CHECKING:
    from sharelytics.app import Services

log = logging.getLogger("sharelytics.redirect")

REDIRECT_METHODS: Final = frozenset({"GET", "HEAD"})
SHORT_PATH: Final = re.compile(r"[0-9A-Za-z]+")
# Every click must reach us to be counted: no shared cache may keep the answer, and a browser must ask again (this
# matters for 301, which browsers otherwise keep forever).
CACHE_CONTROL: Final = (b"cache-control", b"private, max-age=0")
NO_BODY: Final = (b"content-length", b"0")
NOT_FOUND_BODY: Final = b"Not Found\n"
DB_READERS: Final = 8  # concurrent cache-miss reads; more would only queue on the connection pool


class RedirectApp:
    """`RedirectApp(api, services)`: short links answered here, everything else passed to `api`."""

    def __init__(self, api: ASGIApp, services: "Services") -> None:
        self.api = api
        self.cache = services.link_cache
        self.journal = services.journal
        self.api_host = _host_of(services.settings.effective_public_url)
        self._api_host_raw = self.api_host.encode("latin-1")
        self._readers: anyio.CapacityLimiter | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in REDIRECT_METHODS:
            await self.api(scope, self._warming(receive) if scope["type"] == "lifespan" else receive, send)
            return
        # One C-level pass over the headers (a browser sends a dozen); a repeated name keeps its last value.
        headers = dict(scope["headers"])
        raw_host = headers.get(b"host")
        if raw_host is None:
            await self.api(scope, receive, send)
            return
        # The API's host as sent (the usual case) reuses our own string: no decoding, and its hash is already known.
        host = self.api_host if raw_host == self._api_host_raw else raw_host.decode("latin-1").lower()
        # The hot path, answered in this coroutine: a cached link on the API's host needs no other path check (no
        # link's path is ever an API word), only one segment: `host/a/b` would be link `b` of a domain `host/a`, and
        # that is not what the API's host serves. The key is `link_key(host, path)`, built with one concatenation.
        # Everything else is resolved by `_resolve`.
        path: str = scope["path"]
        link = self.cache.peek(host + path) if host == self.api_host and path.count("/") == 1 else MISS
        if link is None or link is MISS:
            try:
                link = await self._resolve(scope, send, host, link)
            except SQLAlchemyError:
                log.exception("link look-up failed for %s", scope["path"])
                await _plain(send, scope, 503, b"Service Unavailable\n")
                return
            if link is None:
                await self.api(scope, receive, send)
                return
            if link is ANSWERED:
                return
        raw_referrer = headers.get(b"referer")
        referrer = raw_referrer.decode("latin-1") if raw_referrer is not None else None
        location = link.location
        if link.template is not None:
            location = location_header(fill_click_time(link.template, _referrer_host(referrer)))
        if scope["method"] == "GET":
            client = scope.get("client")
            user_agent = headers.get(b"user-agent")
            accept_language = headers.get(b"accept-language")
            self.journal.append(
                link.link_id, link.project_id, time.time(),
                user_agent.decode("latin-1") if user_agent is not None else None, client[0] if client else None,
                referrer,
                accept_language.decode("latin-1") if accept_language is not None else None,
            )
        count_redirect(link.status)
        await send({"type": "http.response.start", "status": link.status,
                    "headers": [(b"location", location), CACHE_CONTROL, NO_BODY]})
        await send({"type": "http.response.body", "body": b""})

    def _warming(self, receive: Receive) -> Receive:
        """The lifespan `receive`, filling the link cache before startup completes: a (re)started process then
        meets its traffic warm instead of with one database read per distinct link."""

        async def receive_and_warm() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                started = time.perf_counter()
                try:
                    count = await anyio.to_thread.run_sync(self.cache.warm)
                    log.info("redirect cache warmed: %d links in %.1fs", count, time.perf_counter() - started)
                except SQLAlchemyError:  # not fatal: every miss still reads the database
                    log.exception("redirect cache warm-up failed")
            return message

        return receive_and_warm

    async def _resolve(self, scope: Scope, send: Send, host: str, found: object) -> LinkEntry | _Answered | None:
        """The link to answer with; ANSWERED when a root, not-found or plain answer was sent; None hands the request
        to the API. `found` is the API host's `peek_link` answer (None or MISS), MISS on any other host."""
        path: str = scope["path"]
        if host == self.api_host:
            short = path[1:]
            if not short:
                domain = await self._domain(host)
                return _answered(domain is not None and await _to_root(send, scope, domain, fallback=False))
            if not SHORT_PATH.fullmatch(short) or short.lower() in RESERVED_PATHS:
                return None
            link = await self._found_link(host, short, found)
            if link is None:
                domain = await self._domain(host)
                return _answered(domain is not None and await _to_not_found(send, scope, domain))
            return link
        prefix, _, short = path[1:].rstrip("/").rpartition("/")
        domain_key = f"{host}/{prefix.lower()}" if prefix else host
        domain = await self._domain(domain_key)
        if domain is None:
            return _answered(await self._elsewhere(send, scope, host, domain_key, short))
        if not short:
            return _answered(await _to_root(send, scope, domain, fallback=True))
        link = await self._found_link(domain_key, short, self.cache.peek_link(domain_key, short))
        if link is None:
            return _answered(await _to_not_found(send, scope, domain))
        return link

    async def _elsewhere(self, send: Send, scope: Scope, host: str, domain_key: str, short: str) -> bool:
        """The path names no domain: `/n` may be the root of path-prefix domain `host/n`, and a deeper path on a
        link domain is one of its unknown paths; anything else is the API's."""
        if domain_key == host:
            if short and host != self.api_host and (prefixed := await self._domain(f"{host}/{short.lower()}")):
                return await _to_root(send, scope, prefixed, fallback=True)
            return False
        domain = await self._domain(host)
        return domain is not None and await _to_not_found(send, scope, domain)

    async def _domain(self, host_key: str) -> DomainEntry | None:
        found = self.cache.peek_domain(host_key)
        if found is MISS:
            return await anyio.to_thread.run_sync(self.cache.load_domain, host_key, limiter=self._limiter())
        return found  # type: ignore[return-value]

    async def _found_link(self, host_key: str, path: str, found: object) -> LinkEntry | None:
        """`found` (a `peek_link` answer), or on a MISS the database's."""
        if found is MISS:
            return await anyio.to_thread.run_sync(self.cache.load_link, host_key, path, limiter=self._limiter())
        return found  # type: ignore[return-value]

    def _limiter(self) -> anyio.CapacityLimiter:
        # Made on first use: a limiter belongs to the event loop that runs the server.
        if self._readers is None:
            self._readers = anyio.CapacityLimiter(DB_READERS)
        return self._readers


class _Answered:
    """`_resolve` sent the answer itself (a root, not-found or plain response)."""


ANSWERED: Final = _Answered()


def _answered(handled: bool) -> _Answered | None:
    return ANSWERED if handled else None


def _host_of(url: str) -> str:
    """`http://127.0.0.1:8000/x` -> `127.0.0.1:8000`: the Host header clients send to reach the API."""
    return urlsplit(url).netloc.lower()


def _referrer_host(referrer: str | None) -> str | None:
    if not referrer:
        return None
    try:
        return urlsplit(referrer).hostname or None
    except ValueError:  # e.g. an unbalanced "[" in a hostile Referer
        return None


async def _to_root(send: Send, scope: Scope, domain: DomainEntry, *, fallback: bool) -> bool:
    """The root of a link domain: its root_redirect; else a 404, or (on the API host) the API's own `/`."""
    if domain.root_redirect:
        await _plain_redirect(send, domain.root_redirect)
        return True
    if fallback:
        await _plain(send, scope, 404, NOT_FOUND_BODY)
    return fallback


async def _to_not_found(send: Send, scope: Scope, domain: DomainEntry) -> bool:
    if domain.not_found_redirect:
        await _plain_redirect(send, domain.not_found_redirect)
    else:
        await _plain(send, scope, 404, NOT_FOUND_BODY)
    return True


async def _plain_redirect(send: Send, url: str) -> None:
    """Root and not-found redirects: 302, so an operator's change takes effect at once; never counted as clicks."""
    count_redirect(302)
    await send({"type": "http.response.start", "status": 302,
                "headers": [(b"location", location_header(url)), CACHE_CONTROL, NO_BODY]})
    await send({"type": "http.response.body", "body": b""})


async def _plain(send: Send, scope: Scope, status: int, body: bytes) -> None:
    count_redirect(status)
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               CACHE_CONTROL]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
