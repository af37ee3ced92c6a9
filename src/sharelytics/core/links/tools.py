"""Applications and tools: a tool key (6 characters) names how a link was created; its label is
stub(application)-stub(tool) and is what responses and stats show."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from sharelytics.core.links.stubs import stubify
from sharelytics.core.projects.model import Project
from sharelytics.core.secrets import new_base62
from sharelytics.storage.tables import applications, tools


class ToolError(Exception):
    pass


@dataclass(frozen=True)
class Tool:
    id: int
    project_id: int
    key: str
    name: str
    label: str
    application: str  # the application's label
    application_name: str


def _tool_query():  # type: ignore[no-untyped-def]
    return select(
        tools.c.id,
        tools.c.project_id,
        tools.c.key,
        tools.c.name,
        tools.c.label,
        applications.c.label.label("application"),
        applications.c.name.label("application_name"),
    ).join(applications, applications.c.id == tools.c.application_id)


MAX_NAME = 200  # applications.name, applications.label, tools.name


def create_tool(engine: Engine, project: Project, application_name: str, tool_name: str) -> Tool:
    app_label, tool_stub = stubify(application_name), stubify(tool_name)
    if not app_label or not tool_stub:
        raise ToolError("application and tool names need at least one letter or digit")
    if max(len(application_name.strip()), len(tool_name.strip())) > MAX_NAME:
        raise ToolError(f"application and tool names have at most {MAX_NAME} characters")
    label = f"{app_label}-{tool_stub}"
    with engine.begin() as conn:
        app_id = conn.execute(
            select(applications.c.id).where(applications.c.project_id == project.id, applications.c.label == app_label)
        ).scalar()
        if app_id is None:
            app_id = conn.execute(
                applications.insert().values(project_id=project.id, name=application_name.strip(), label=app_label)
            ).inserted_primary_key[0]
        if conn.execute(select(tools.c.id).where(tools.c.project_id == project.id, tools.c.label == label)).first():
            raise ToolError(f"the tool {label} already exists in this project")
        for _ in range(10):  # 62**6 keys: a collision is rare, a retry settles it
            key = new_base62(6)
            try:
                with conn.begin_nested():
                    conn.execute(
                        tools.insert().values(
                            project_id=project.id, application_id=app_id, key=key, name=tool_name.strip(), label=label
                        )
                    )
                break
            except IntegrityError:
                continue
        else:
            raise ToolError("could not allocate a tool key")
    found = tool_by_key(engine, project, key)
    assert found is not None
    return found


def tool_by_key(engine: Engine, project: Project, key: str) -> Tool | None:
    with engine.connect() as conn:
        row = conn.execute(_tool_query().where(tools.c.project_id == project.id, tools.c.key == key)).mappings().first()
    return Tool(**row) if row else None


def list_tools(engine: Engine, project: Project) -> list[Tool]:
    with engine.connect() as conn:
        rows = conn.execute(_tool_query().where(tools.c.project_id == project.id).order_by(tools.c.id)).mappings()
        return [Tool(**r) for r in rows]
