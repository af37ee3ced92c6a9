"""Link domains: the service's shared default domain and each project's own, with root and not-found redirects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import IntegrityError

from sharelytics.core.clock import utcnow
from sharelytics.core.links.changes import record_domain_changed
from sharelytics.core.projects.model import Project
from sharelytics.storage.tables import domains


class DomainError(Exception):
    pass


class DomainTaken(DomainError):
    pass


class DomainNotAllowed(DomainError):
    """The project may not create links on that domain (unknown, or another project's)."""


@dataclass(frozen=True)
class Domain:
    id: int
    project_id: int | None
    hostname: str
    scheme: str
    root_redirect: str | None
    not_found_redirect: str | None

    @property
    def host_key(self) -> str:
        return self.hostname.lower()

    @property
    def id_prefix(self) -> str:
        """`dom.ai/n` -> `dom.ai_n`: the awesm_id form of the domain."""
        return self.hostname.replace("/", "_")

    def awesm_url(self, path: str) -> str:
        return f"{self.scheme}://{self.hostname}/{path}"

    def awesm_id(self, path: str) -> str:
        return f"{self.id_prefix}_{path}"

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Domain":
        return cls(
            id=row["id"],
            project_id=row["project_id"],
            hostname=row["hostname"],
            scheme=row["scheme"],
            root_redirect=row["root_redirect"],
            not_found_redirect=row["not_found_redirect"],
        )


MAX_HOSTNAME = 255  # domains.hostname and host_key

# host[:port] then optional path-prefix segments (`dom.ai/n`). No `_`: it separates domain and path in awesm_ids.
_LINK_DOMAIN = re.compile(r"(?:[^\W_](?:[^\W_]|[.-])*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?(?:/(?:[^\W_]|[.~-])+)*")


def normalise_hostname(hostname: str) -> tuple[str, str]:
    """Split an optional scheme off and drop trailing slashes: `https://Dom.ai/n/` -> (`https`, `Dom.ai/n`)."""
    given = hostname
    scheme = "http"
    hostname = hostname.strip()
    if "://" in hostname:
        scheme, hostname = hostname.split("://", 1)
        scheme = scheme.lower()
    hostname = hostname.strip("/")
    if scheme not in ("http", "https") or not _LINK_DOMAIN.fullmatch(hostname):
        raise DomainError(
            f"not a usable link domain: {given!r} (expected host[:port][/prefix], e.g. shl.by or dom.ai/n)"
        )
    if len(hostname) > MAX_HOSTNAME:
        raise DomainError(f"not a usable link domain: longer than {MAX_HOSTNAME} characters")
    return scheme, hostname


def check_redirect_target(url: str | None, what: str) -> str | None:
    """A root or not-found redirect must be an absolute http(s) URL; '' or None means none."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url.strip()):
        raise DomainError(f"the {what} must be an absolute http or https URL, not {url!r}")
    return url.strip()


def add_domain(
    engine: Engine,
    hostname: str,
    project: Project | None = None,
    *,
    root_redirect: str | None = None,
    not_found_redirect: str | None = None,
) -> Domain:
    scheme, hostname = normalise_hostname(hostname)
    root_redirect = check_redirect_target(root_redirect, "root redirect")
    not_found_redirect = check_redirect_target(not_found_redirect, "not-found redirect")
    try:
        with engine.begin() as conn:
            domain_id = conn.execute(
                domains.insert().values(
                    project_id=project.id if project else None,
                    hostname=hostname,
                    host_key=hostname.lower(),
                    scheme=scheme,
                    root_redirect=root_redirect,
                    not_found_redirect=not_found_redirect,
                    created_at=utcnow(),
                )
            ).inserted_primary_key[0]
            record_domain_changed(conn, hostname)  # a host cached as "no link domain" becomes one
    except IntegrityError as exc:
        raise DomainTaken(f"the domain {hostname} is already registered") from exc
    return get_domain(engine, domain_id)


def ensure_shared_domain(engine: Engine, hostname: str) -> Domain:
    """The service's default domain (project NULL), created on first start."""
    _, bare = normalise_hostname(hostname)
    found = domain_by_host_key(engine, bare.lower())
    if found is not None:
        return found
    try:
        return add_domain(engine, hostname)
    except DomainTaken:  # another process created it meanwhile
        found = domain_by_host_key(engine, bare.lower())
        assert found is not None
        return found


def get_domain(engine: Engine, domain_id: int) -> Domain:
    with engine.connect() as conn:
        row = conn.execute(select(domains).where(domains.c.id == domain_id)).mappings().one()
    return Domain.from_row(row)


def domain_by_host_key(engine: Engine, host_key: str) -> Domain | None:
    with engine.connect() as conn:
        row = conn.execute(select(domains).where(domains.c.host_key == host_key)).mappings().first()
    return Domain.from_row(row) if row else None


def find_domain(engine: Engine, hostname: str) -> Domain | None:
    """The registered domain `hostname` names, written as for `add_domain`: scheme, case and end slashes ignored."""
    _, bare = normalise_hostname(hostname)
    return domain_by_host_key(engine, bare.lower())


def list_domains(engine: Engine, project: Project | None = None) -> list[Domain]:
    query = select(domains).order_by(domains.c.id)
    if project is not None:
        query = query.where(or_(domains.c.project_id == project.id, domains.c.project_id.is_(None)))
    with engine.connect() as conn:
        return [Domain.from_row(r) for r in conn.execute(query).mappings()]


def configure_domain(
    engine: Engine, domain: Domain, *, root_redirect: str | None = None, not_found_redirect: str | None = None
) -> Domain:
    values = {}
    if root_redirect is not None:  # '' clears
        values["root_redirect"] = check_redirect_target(root_redirect, "root redirect")
    if not_found_redirect is not None:
        values["not_found_redirect"] = check_redirect_target(not_found_redirect, "not-found redirect")
    if values:
        with engine.begin() as conn:
            conn.execute(update(domains).where(domains.c.id == domain.id).values(**values))
            record_domain_changed(conn, domain.host_key)
    return get_domain(engine, domain.id)


def domain_for_create(engine: Engine, project: Project, requested: str | None, shared_default: Domain) -> Domain:
    """The domain a new link goes on: the requested one if the project may use it, else the project's default."""
    if requested:
        found = domain_by_host_key(engine, requested.strip().strip("/").lower().replace("_", "/"))
        if found is None or found.project_id not in (None, project.id):
            raise DomainNotAllowed(f"the domain {requested} is not one of this project's domains")
        return found
    if project.default_domain_id is not None:
        return get_domain(engine, project.default_domain_id)
    return shared_default
