"""Project value objects and errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import orjson

PRIVACY_MODES = ("full", "truncated", "hashed", "none")
REDIRECT_STATUSES = (301, 302)


class ProjectError(Exception):
    """Base of project errors."""


class ProjectNameTaken(ProjectError):
    pass


class ProjectNotFound(ProjectError):
    pass


class InvalidSetting(ProjectError):
    pass


@dataclass(frozen=True)
class Project:
    id: int
    name: str
    oneall_subdomain: str
    oneall_public_key: str
    redirect_status: int
    privacy_mode: str
    default_domain_id: int | None
    create_rate_limit: int | None
    conversions_enabled: bool
    conversion_domains: tuple[str, ...]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Project":
        return cls(
            id=row["id"],
            name=row["name"],
            oneall_subdomain=row["oneall_subdomain"],
            oneall_public_key=row["oneall_public_key"],
            redirect_status=row["redirect_status"],
            privacy_mode=row["privacy_mode"],
            default_domain_id=row["default_domain_id"],
            create_rate_limit=row["create_rate_limit"],
            conversions_enabled=bool(row["conversions_enabled"]),
            conversion_domains=tuple(orjson.loads(row["conversion_domains"] or "[]")),
        )


@dataclass(frozen=True)
class ProjectKeys:
    """Secrets printed once at creation; only their hashes are stored."""

    awesm_api_key: str
    oneall_subdomain: str
    oneall_public_key: str
    oneall_private_key: str

