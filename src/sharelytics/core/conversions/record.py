"""Recording a conversion (awe.sm conversions/new) and counting it in the hourly rollup, in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from sharelytics.core.clicks.privacy import protect_ip
from sharelytics.storage.upsert import add_counts
from sharelytics.core.clock import utcnow
from sharelytics.core.projects.model import Project
from sharelytics.core.stats.model import CONVERSION_TYPES
from sharelytics.storage.tables import conversion_hours, conversions, links

MAX_ACCOUNT_FIELD = 50


class ConversionError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConversionsDisabled(ConversionError):
    pass


class UnknownLink(ConversionError):
    pass


@dataclass(frozen=True)
class NewConversion:
    awesm_id: str
    type: str
    value: int = 0
    converted_at: datetime | None = None
    account_conversionid: str | None = None
    account_userid: str | None = None
    ip: str | None = None
    language: str | None = None
    referrer: str | None = None
    user_agent: str | None = None
    href: str | None = None
    session_id: str | None = None
    clicker_id: str | None = None


@dataclass(frozen=True)
class Conversion(NewConversion):
    id: str = ""
    project_id: int = 0
    link_id: int = 0


def _checked(new: NewConversion) -> NewConversion:
    if new.type not in CONVERSION_TYPES:
        raise ConversionError("conversion_type must be pageview or goal_1 .. goal_10", "conversion_type")
    if new.value < 0:
        raise ConversionError("conversion_value cannot be negative", "conversion_value")
    for name in ("account_conversionid", "account_userid"):
        value = getattr(new, name)
        if value is not None and len(value) > MAX_ACCOUNT_FIELD:
            raise ConversionError(f"{name} is longer than {MAX_ACCOUNT_FIELD} characters", name)
    return new


def record_conversion(engine: Engine, project: Project, new: NewConversion, secret: str) -> Conversion:
    if not project.conversions_enabled:
        raise ConversionsDisabled("conversion tracking is not enabled for this project")
    new = _checked(new)
    value = 0 if new.type == "pageview" else new.value  # "ignored when type=pageview"
    at = (new.converted_at or utcnow()).replace(microsecond=0)
    conversion_id = str(uuid.uuid4())
    with engine.begin() as conn:
        link_id = conn.execute(
            select(links.c.id).where(links.c.project_id == project.id, links.c.awesm_id == new.awesm_id)
        ).scalar()
        if link_id is None:
            raise UnknownLink(f"{new.awesm_id} is not a link of this project", "awesm_url")
        ip = protect_ip(new.ip, project.privacy_mode, secret)
        conn.execute(conversions.insert().values(
            id=conversion_id, project_id=project.id, link_id=link_id, type=new.type, value=value, converted_at=at,
            account_conversionid=new.account_conversionid, account_userid=new.account_userid, ip=ip,
            language=new.language, referrer=new.referrer, user_agent=new.user_agent, href=new.href,
            session_id=new.session_id, clicker_id=new.clicker_id, created_at=utcnow(),
        ))
        row = {"link_id": link_id, "hour": at.replace(minute=0, second=0), "type": new.type,
               "project_id": project.id, "conversions": 1, "value": value}
        add_counts(conn, conversion_hours, ("link_id", "hour", "type"), ("conversions", "value"), [row])
    fields = {**new.__dict__, "value": value, "converted_at": at, "ip": ip}
    return Conversion(**fields, id=conversion_id, project_id=project.id, link_id=link_id)
