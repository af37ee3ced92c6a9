"""Create, find and configure projects."""

from __future__ import annotations

import re
import uuid

import orjson
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from sharelytics.core.clock import utcnow
from sharelytics.core.links.changes import record_project_changed
from sharelytics.core.projects.model import (
    PRIVACY_MODES,
    REDIRECT_STATUSES,
    InvalidSetting,
    Project,
    ProjectError,
    ProjectKeys,
    ProjectNameTaken,
    ProjectNotFound,
)
from sharelytics.core.secrets import hash_key, new_hex_key, same_hash
from sharelytics.storage.tables import projects


def _subdomain_for(name: str) -> str:
    stub = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "site"
    return f"{stub}-{uuid.uuid4().hex[:6]}"


MAX_NAME = 200  # projects.name


def _new_keys(name: str) -> ProjectKeys:
    return ProjectKeys(
        awesm_api_key=new_hex_key(32),
        oneall_subdomain=_subdomain_for(name),
        oneall_public_key=str(uuid.uuid4()),
        oneall_private_key=str(uuid.uuid4()),
    )


def create_project(engine: Engine, name: str) -> tuple[Project, ProjectKeys]:
    name = name.strip()
    if not name:
        raise InvalidSetting("a project needs a name")
    if len(name) > MAX_NAME:
        raise InvalidSetting(f"a project name has at most {MAX_NAME} characters")
    for _ in range(3):  # a clash of random keys or subdomains is astronomically rare; a fresh draw settles it
        try:
            project_id = _insert_project(engine, name, keys := _new_keys(name))
        except IntegrityError as exc:
            with engine.connect() as conn:
                if conn.execute(select(projects.c.id).where(projects.c.name == name)).first() is not None:
                    raise ProjectNameTaken(f"a project named {name!r} already exists") from exc
            continue
        return get_project(engine, project_id), keys
    raise ProjectError("could not allocate unique keys for the project")


def _insert_project(engine: Engine, name: str, keys: ProjectKeys) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                projects.insert().values(
                    name=name,
                    awesm_key_hash=hash_key(keys.awesm_api_key),
                    oneall_subdomain=keys.oneall_subdomain,
                    oneall_public_key=keys.oneall_public_key,
                    oneall_private_key_hash=hash_key(keys.oneall_private_key),
                    redirect_status=302,
                    privacy_mode="truncated",
                    conversions_enabled=False,
                    conversion_domains="[]",
                    created_at=utcnow(),
                )
            ).inserted_primary_key[0]
        )


def get_project(engine: Engine, project_id: int) -> Project:
    with engine.connect() as conn:
        row = conn.execute(select(projects).where(projects.c.id == project_id)).mappings().first()
    if row is None:
        raise ProjectNotFound(f"no project with id {project_id}")
    return Project.from_row(row)


def find_project(engine: Engine, name_or_id: str) -> Project:
    with engine.connect() as conn:
        query = select(projects).where(projects.c.name == name_or_id)
        row = conn.execute(query).mappings().first()
        if row is None and name_or_id.isdigit():
            row = conn.execute(select(projects).where(projects.c.id == int(name_or_id))).mappings().first()
    if row is None:
        raise ProjectNotFound(f"no project named {name_or_id!r}")
    return Project.from_row(row)


def list_projects(engine: Engine) -> list[Project]:
    with engine.connect() as conn:
        rows = conn.execute(select(projects).order_by(projects.c.id)).mappings().all()
    return [Project.from_row(r) for r in rows]


def project_by_awesm_key(engine: Engine, api_key: str) -> Project | None:
    """The project whose awe.sm API key this is, or None. Compared in constant time."""
    if not api_key or len(api_key) > 128:
        return None
    digest = hash_key(api_key)
    with engine.connect() as conn:
        row = conn.execute(select(projects).where(projects.c.awesm_key_hash == digest)).mappings().first()
    if row is None or not same_hash(api_key, row["awesm_key_hash"]):
        return None
    return Project.from_row(row)


def configure_project(
    engine: Engine,
    project: Project,
    *,
    redirect_status: int | None = None,
    privacy_mode: str | None = None,
    create_rate_limit: int | None = None,
    default_domain_id: int | None = None,
    conversions_enabled: bool | None = None,
    conversion_domains: list[str] | None = None,
) -> Project:
    values: dict[str, object] = {}
    if redirect_status is not None:
        if redirect_status not in REDIRECT_STATUSES:
            raise InvalidSetting("redirect status must be 301 or 302")
        values["redirect_status"] = redirect_status
    if privacy_mode is not None:
        if privacy_mode not in PRIVACY_MODES:
            raise InvalidSetting(f"privacy mode must be one of {', '.join(PRIVACY_MODES)}")
        values["privacy_mode"] = privacy_mode
    if create_rate_limit is not None:
        if create_rate_limit < 0:
            raise InvalidSetting("the create rate limit cannot be negative")
        values["create_rate_limit"] = create_rate_limit
    if default_domain_id is not None:
        values["default_domain_id"] = default_domain_id
    if conversions_enabled is not None:
        values["conversions_enabled"] = conversions_enabled
    if conversion_domains is not None:
        values["conversion_domains"] = orjson.dumps([d.lower() for d in conversion_domains]).decode()
    if values:
        with engine.begin() as conn:
            conn.execute(update(projects).where(projects.c.id == project.id).values(**values))
            record_project_changed(conn, project.id)  # every process's redirects (the status) learn of it
    return get_project(engine, project.id)
