"""Small builders for OpenAPI 3.1 / JSON Schema 2020-12 fragments, so the documents read as tables of fields.

Objects are exact by default (`additionalProperties: false`): the wire shapes are pinned field by field, and a
document that allowed extra keys would let an unannounced field slip out unnoticed. Nullable values are
`type: [<type>, "null"]`, as 3.1 spells it.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
NULL_STRING: Schema = {"type": ["string", "null"]}
NULL_INTEGER: Schema = {"type": ["integer", "null"]}


def ref(name: str, kind: str = "schemas") -> Schema:
    return {"$ref": f"#/components/{kind}/{name}"}


def nullable(schema: Schema) -> Schema:
    """`schema` or null: a `type` list when the schema has a plain type, else `anyOf` with null."""
    if isinstance(schema.get("type"), str) and "$ref" not in schema:
        out = {**schema, "type": [schema["type"], "null"]}
        if "enum" in out:  # an enum lists every allowed value: null too
            out["enum"] = [*out["enum"], None]
        return out
    return {"anyOf": [schema, {"type": "null"}]}


def string(description: str | None = None, **extra: Any) -> Schema:
    return _described({"type": "string", **extra}, description)


def integer(description: str | None = None, **extra: Any) -> Schema:
    return _described({"type": "integer", **extra}, description)


def const(value: Any, description: str | None = None) -> Schema:
    kind = {bool: "boolean", int: "integer", str: "string"}[type(value)]
    return _described({"type": kind, "const": value}, description)


def enum(values: tuple[str, ...] | list[str], description: str | None = None) -> Schema:
    return _described({"type": "string", "enum": list(values)}, description)


def array(items: Schema, description: str | None = None, **extra: Any) -> Schema:
    return _described({"type": "array", "items": items, **extra}, description)


def obj(properties: dict[str, Schema], *, optional: tuple[str, ...] = (), exact: bool = True,
        description: str | None = None) -> Schema:
    """An object whose every property is required unless named in `optional`."""
    unknown = set(optional) - set(properties)
    assert not unknown, f"optional names no property: {sorted(unknown)}"
    out: Schema = {"type": "object", "properties": properties,
                   "required": [name for name in properties if name not in optional]}
    if exact:
        out["additionalProperties"] = False
    return _described(out, description)


def _described(schema: Schema, description: str | None) -> Schema:
    return {**schema, "description": description} if description else schema


def parameter(name: str, where: str, schema: Schema, description: str, *, required: bool = False,
              example: Any = None, **extra: Any) -> Schema:
    out: Schema = {"name": name, "in": where, "description": description, "schema": schema}
    if required or where == "path":
        out["required"] = True
    if example is not None:
        out["example"] = example
    return {**out, **extra}


def content(schema: Schema, example: Any = None, media_type: str = "application/json") -> Schema:
    entry: Schema = {"schema": schema}
    if example is not None:
        entry["example"] = example
    return {media_type: entry}


def response(description: str, body: Schema | None = None, headers: dict[str, Schema] | None = None) -> Schema:
    out: Schema = {"description": description}
    if headers:
        out["headers"] = headers
    if body:
        out["content"] = body
    return out


def header(description: str, schema: Schema = STRING, *, required: bool = False) -> Schema:
    out: Schema = {"description": description, "schema": schema}
    if required:
        out["required"] = True
    return out


def document(title: str, description: str, *, paths: dict[str, Any], components: dict[str, Any],
             security: list[dict[str, list[str]]], tags: list[dict[str, str]], server: str) -> Schema:
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "3", "description": description,
                 "license": {"name": "MIT", "identifier": "MIT"}},
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": server}],
        "tags": tags,
        "security": security,
        "paths": paths,
        "components": components,
    }
