"""What a redirect needs, kept in process: a bounded LRU with a TTL, in front of read-only database look-ups.

Two maps, both keyed by lower-cased host key (`sl.test`, `127.0.0.1:8000`, `dom.ai/n`):
- links, by `host_key/path` (`link_key`: the short URL without its scheme): the link id, its project, the
  redirect_url or click-time template, and the project's redirect status;
- domains, by host_key: whether the host is a link domain, and its root and not-found redirects.

A miss is a *read* (`load_link`, `load_domain`), never a write; the redirect calls it off the event loop. Misses
are cached too (an unknown path, a host that is no link domain), for a short while and in a separate, smaller LRU,
so a scan of random paths can neither reach the database every time nor push the hot links out.

Changes made by any process (a link deleted, a project switched to 301, a new not-found redirect) reach this one
through the change log (core/links/changes.py), within about a second. Entries also expire after `ttl` seconds, a
safety net; an expired link is answered for one more TTL while a background thread checks it against the database
in a batch, so expiry never stalls a busy link. `warm()` fills the cache at startup (expiries
spread over the second half of the TTL). Changes made in this process call `forget*` and are seen at once.
The map itself (expiry, second-chance eviction, the lock-free hit) is `lru.py`.
See docs/decisions/2026-11-23-redirect-hot-path.md, 2026-11-23-mapped-click-journal.md and
2026-11-24-redirect-hot-path-without-locks.md.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
from time import monotonic, sleep
from dataclasses import dataclass, replace
from typing import Any, Final
from urllib.parse import quote

from sqlalchemy import Engine, Select, func, select

from sharelytics.core.links.lru import MISS, Lru, Miss
from sharelytics.storage.engine import read_only
from sharelytics.storage.tables import domains, links, projects

log = logging.getLogger("sharelytics.redirect")

NEGATIVE_TTL: Final = 5.0  # seconds an "unknown" answer is trusted: a new domain or link shows up this fast
NEGATIVE_SHARE: Final = 8  # the negative LRU holds size // NEGATIVE_SHARE entries
DOMAIN_SIZE: Final = 4096  # distinct hosts remembered (link domains and other hosts alike)


def location_header(url: str) -> bytes:
    """`url` as a Location header value: ASCII, with any other character percent-encoded (UTF-8)."""
    try:
        return url.encode("ascii")
    except UnicodeEncodeError:
        return quote(url, safe="!#$%&'()*+,-./:;=?@[]_~").encode("ascii")


@dataclass(frozen=True, slots=True)
class LinkEntry:
    """Only what a redirect sends and journals: every cached link costs memory in every process."""

    link_id: int
    project_id: int
    status: int  # the project's redirect status, 301 or 302
    location: bytes  # the stored redirect_url as a header value, encoded once
    template: str | None  # set when the target varies per click (see patterns.fill_click_time)

    @classmethod
    def build(cls, link_id: int, project_id: int, status: int, redirect_url: str, template: str | None) -> "LinkEntry":
        return cls(link_id, project_id, status, location_header(redirect_url), template)


def link_key(host_key: str, path: str) -> str:
    """A link's key in the cache: `dom.ai/n` + `12345` -> `dom.ai/n/12345`. One string, not a (host, path) tuple:
    the redirect builds it with one concatenation and the map compares strings only (over 100,000 random links the
    tuple's allocation, hashing and extra object cost about 0.4 µs a look-up). Unambiguous: a path is base-62, so
    the last `/` splits the key back."""
    return f"{host_key}/{path}"


def _link_rows() -> Select[Any]:
    """Every cached field of a link, keyed by its domain's host key and its path: one query shape for a miss, a
    re-read and the warm-up."""
    return (
        select(domains.c.host_key, links.c.path, links.c.id, links.c.project_id, links.c.redirect_url,
               links.c.redirect_template, projects.c.redirect_status)
        .join(domains, domains.c.id == links.c.domain_id)
        .join(projects, projects.c.id == links.c.project_id)
    )


def _entry(row: Any) -> LinkEntry:
    return LinkEntry.build(row.id, row.project_id, int(row.redirect_status), row.redirect_url, row.redirect_template)


@dataclass(frozen=True, slots=True)
class DomainEntry:
    host_key: str
    domain_id: int
    project_id: int | None
    root_redirect: str | None
    not_found_redirect: str | None


class _Refresher:
    """One daemon thread that re-reads stale links in batches, started on first need. Reads only."""

    BATCH = 500
    # Seconds to let a batch gather after its first key. Without it the thread wakes on every key put on the
    # queue and re-reads links one at a time: a query each, and a GIL hand-over with the event loop each.
    GATHER = 0.1

    def __init__(self, cache: "LinkCache") -> None:
        self._cache = cache
        self._stale: queue.SimpleQueue[tuple[str, LinkEntry]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def request(self, key: str, entry: "LinkEntry") -> None:
        self._stale.put((key, entry))
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="sharelytics-link-refresh", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            batch = [self._stale.get()]
            sleep(self.GATHER)
            while len(batch) < self.BATCH:
                try:
                    batch.append(self._stale.get_nowait())
                except queue.Empty:
                    break
            try:
                self._cache.reload_links(batch)
            except Exception:  # the stale entries stay until their grace ends; then a miss reads them inline
                log.exception("refreshing %d cached links failed", len(batch))


class LinkCache:
    """The redirect's view of links and domains. `peek_*` never blocks; `load_*` read the database."""

    def __init__(self, engine: Engine, size: int, ttl: float) -> None:
        # Deferred transactions on SQLite: a look-up must never queue behind the click writer's write lock.
        self.engine = read_only(engine)
        self.ttl = float(ttl)
        self.negative_ttl = min(self.ttl, NEGATIVE_TTL)
        # Look-ups run on the event loop and fills in worker threads: one short, uncontended lock between them.
        self._lock = threading.Lock()
        self._links: Lru[str, LinkEntry] = Lru(size)
        self._absent: Lru[str, None] = Lru(max(size // NEGATIVE_SHARE, 1))
        self._domains: Lru[str, DomainEntry | None] = Lru(DOMAIN_SIZE)
        self._refresher = _Refresher(self)

    # -- the fast side, on the event loop ------------------------------------------------------------------------

    def peek_link(self, host_key: str, path: str) -> LinkEntry | None | Miss:
        """The cached link, None when it is known not to exist, MISS when the database must be asked."""
        return self.peek(link_key(host_key, path))

    def peek(self, key: str) -> LinkEntry | None | Miss:
        """`peek_link` by `link_key` (the redirect's hot path builds the key itself).

        An expired link is still answered for up to one more TTL while a background thread re-reads it, batched
        with others: expiry then never turns a busy link, or a whole warmed cache at once, into inline misses."""
        now = monotonic()
        found = self._links.hit(key, now)  # the common case (a fresh link), without the lock
        if found is not None:
            return found
        with self._lock:
            found, stale = self._links.get_stale(key, now, self.ttl)
            if found is MISS:
                return None if self._absent.get(key, now) is None else MISS
        if stale:
            self._refresher.request(key, found)  # type: ignore[arg-type]
        return found

    def peek_domain(self, host_key: str) -> DomainEntry | None | Miss:
        with self._lock:
            return self._domains.get(host_key, monotonic())

    # -- the slow side, in a worker thread (reads only) ----------------------------------------------------------

    def load_link(self, host_key: str, path: str) -> LinkEntry | None:
        """Read one link by its domain's host key and path, and remember the answer."""
        query = _link_rows().where(domains.c.host_key == host_key, links.c.path == path)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        entry = None if row is None else _entry(row)
        self.put_link(host_key, path, entry)
        return entry

    def reload_links(self, stale: list[tuple[str, LinkEntry]]) -> None:
        """Check a batch of cached links against the database (the refresher's); those gone become negative entries.

        Only two things can change under a cached link: its project's redirect status, and whether it still exists
        (a link's path and target are never updated, reference §3.5). So one grouped query answers the batch with a
        row per project (links still there, the status), and only the links of a project whose count falls short are
        read again, by primary key. Why not read every row: each row fetched is Python work and a GIL hand-over
        (`sqlite3_step` releases it) that the event loop pays for; measured while 100,000 random links refreshed,
        about 32 µs of server CPU per request this way against 38 to 40 µs reading rows (28 µs with no refresh)."""
        by_project: dict[int, list[tuple[str, LinkEntry]]] = {}
        for key, entry in stale:
            by_project.setdefault(entry.project_id, []).append((key, entry))
        query = (
            select(links.c.project_id, projects.c.redirect_status, func.count())
            .join(projects, projects.c.id == links.c.project_id)
            .where(links.c.id.in_([entry.link_id for _key, entry in stale]))
            .group_by(links.c.project_id, projects.c.redirect_status)
        )
        with self.engine.connect() as conn:
            alive = {project_id: (int(status), count) for project_id, status, count in conn.execute(query)}
        fresh: list[tuple[str, LinkEntry | None]] = []
        reread: list[tuple[str, LinkEntry]] = []
        for project_id, cached in by_project.items():
            status, count = alive.get(project_id, (0, 0))
            if count != len(cached):  # some were deleted (or moved): find out which
                reread += cached
                continue
            fresh += [(key, entry if entry.status == status else replace(entry, status=status))
                      for key, entry in cached]
        if reread:
            fresh += self._read_links(reread)
        now = monotonic()
        with self._lock:  # one short hold per batch, not one per link
            for key, entry in fresh:
                self._store(key, entry, now)

    def _read_links(self, cached: list[tuple[str, LinkEntry]]) -> list[tuple[str, LinkEntry | None]]:
        """Read cached links again by link id (the primary key: SQLite would scan the whole table for a
        `(host_key, path) IN (...)` list); None for those gone or, should a path ever be reused, moved."""
        query = _link_rows().where(links.c.id.in_([entry.link_id for _key, entry in cached]))
        with self.engine.connect() as conn:
            found = {r.id: (link_key(r.host_key, r.path), _entry(r)) for r in conn.execute(query)}
        result: list[tuple[str, LinkEntry | None]] = []
        for key, entry in cached:
            row = found.get(entry.link_id)
            result.append((key, row[1] if row is not None and row[0] == key else None))
        return result

    def load_domain(self, host_key: str) -> DomainEntry | None:
        """Read the link domain with this host key (None: not a link domain), and remember the answer."""
        with self.engine.connect() as conn:
            row = conn.execute(select(domains).where(domains.c.host_key == host_key)).mappings().first()
        entry = None if row is None else DomainEntry(
            row["host_key"], row["id"], row["project_id"], row["root_redirect"], row["not_found_redirect"]
        )
        self.put_domain(host_key, entry)
        return entry

    def warm(self) -> int:
        """Fill the cache with every link domain and the most recent links, up to its size; returns how many links.

        Run once at startup: clicks go mostly to recent shares, and a restarted process would otherwise meet its
        traffic with a database read per distinct link. Entries already present (fresher) are kept.
        """
        domain_query = select(domains).limit(DOMAIN_SIZE)
        link_query = _link_rows().order_by(links.c.id.desc()).limit(self._links.size)
        count = 0
        with self.engine.connect() as conn:
            for row in conn.execute(domain_query).mappings():
                entry = DomainEntry(row["host_key"], row["id"], row["project_id"], row["root_redirect"],
                                    row["not_found_redirect"])
                self._put_absent(self._domains, row["host_key"], entry, self.ttl)
            for rows in conn.execution_options(yield_per=2000).execute(link_query).partitions():
                batch = [(link_key(r.host_key, r.path), _entry(r)) for r in rows]
                now = monotonic()
                with self._lock:  # one short hold per batch: the event loop peeks in between
                    for key, entry in batch:
                        if self._links.get(key, 0.0) is MISS:
                            # Spread over the second half of the TTL, so that they do not all go stale at once.
                            self._links.put(key, entry, now + self.ttl * (0.5 + random.random() / 2))
                count += len(batch)
        return count

    def _put_absent(self, lru: "Lru[str, DomainEntry | None]", key: str, entry: DomainEntry, ttl: float) -> None:
        with self._lock:
            if lru.get(key, monotonic()) is MISS:
                lru.put(key, entry, monotonic() + ttl)

    def put_link(self, host_key: str, path: str, entry: LinkEntry | None) -> None:
        with self._lock:
            self._store(link_key(host_key, path), entry, monotonic())

    def _store(self, key: str, entry: LinkEntry | None, now: float) -> None:
        """Remember a link, or that it does not exist (for a short while). The caller holds the lock."""
        if entry is None:
            self._links.pop(key)
            self._absent.put(key, None, now + self.negative_ttl)
        else:
            self._absent.pop(key)
            self._links.put(key, entry, now + self.ttl)

    def put_domain(self, host_key: str, entry: DomainEntry | None) -> None:
        ttl = self.ttl if entry is not None else self.negative_ttl
        with self._lock:
            self._domains.put(host_key, entry, monotonic() + ttl)

    # -- invalidation hooks, for changes made in this process -----------------------------------------------------

    def forget(self, awesm_id: str) -> None:
        """Drop one link (updated or deleted). `dom.ai_n_12345` names host key `dom.ai/n` and path `12345`:
        domain hostnames never contain `_` and paths are base-62, so the split is unambiguous."""
        prefix, _, path = awesm_id.rpartition("_")
        key = link_key(prefix.replace("_", "/").lower(), path)
        with self._lock:
            self._links.pop(key)
            self._absent.pop(key)

    def forget_project(self, project_id: int) -> int:
        """Drop every link of a project (its redirect status changed, or it was deleted); returns how many."""
        with self._lock:
            return self._links.drop_where(lambda _key, entry: entry.project_id == project_id)

    def set_project_status(self, project_id: int, status: int) -> int:
        """A project's redirect status changed: its cached links answer with the new one at once, and stay cached
        (dropping them would turn every link of the project into a database read, all at once). Returns how many
        entries changed."""
        with self._lock:
            return self._links.update_where(lambda _key, entry: entry.project_id == project_id and
                                            entry.status != status, lambda entry: replace(entry, status=status))

    def forget_domain(self, host_key: str) -> None:
        """Drop a domain's entry and the paths remembered as unknown on it (its redirects changed, or it was just
        added). Its links stay: nothing a cached link holds comes from its domain."""
        host_key = host_key.lower()
        with self._lock:
            self._domains.pop(host_key)
            self._absent.drop_where(lambda key, _entry: key.rpartition("/")[0] == host_key)

    def clear(self) -> None:
        with self._lock:
            self._links.clear()
            self._absent.clear()
            self._domains.clear()

    def __len__(self) -> int:
        return len(self._links)
