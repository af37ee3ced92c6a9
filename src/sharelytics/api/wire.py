"""Protocol glue both APIs share, once: reading parameters from the query string and the body, the format suffix,
JSON-P callbacks, dates, and the small response classes for json / jsonp / txt.

Errors here are plain `WireError`s; each API maps them to its own envelope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, AsyncIterator, Iterable
from urllib.parse import unquote_to_bytes

import orjson
from python_multipart.exceptions import FormParserError
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import Response

FORMATS = ("json", "txt")
MAX_FIELDS = 1000
MAX_CALLBACK = 128
UNSET = "undefined"  # Sharengine sends the literal string for unset values
# `tag[]` or `tag[3]` (PHP arrays); the brackets may arrive raw or as %5B%5D, both decode to this.
_ARRAY_KEY = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<index>\d*)\]$")
# A JavaScript identifier path (`cb`, `jQuery1910_123`, `ns.handlers.done`): nothing that could smuggle code.
_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$")
_JS_RESERVED = frozenset({"eval", "alert", "function", "return", "this", "new", "delete", "void", "typeof"})


class WireError(Exception):
    """A request the protocol layer cannot read; `field` names the parameter when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class BadParameter(WireError):
    """Undecodable or wrongly shaped parameters: invalid UTF-8, NUL bytes, an array where one value is expected."""


class BadFormat(WireError):
    pass


class BadCallback(WireError):
    pass


class BodyTooLarge(WireError):
    pass


@dataclass
class Params:
    """Request parameters by name, in arrival order. A name given in the body replaces the query's values for it
    (PHP's $_REQUEST order: POST over GET). `arrays` holds the names sent PHP-style (`tag[]=`)."""

    values: dict[str, list[str]] = field(default_factory=dict)
    arrays: set[str] = field(default_factory=set)

    def get(self, name: str) -> str | None:
        """The single value of `name` (the last one when repeated, as PHP does); arrays are refused."""
        if name in self.arrays:
            raise BadParameter(f"{name} must be a single value, not an array", name)
        found = self.values.get(name)
        return found[-1] if found else None

    def getlist(self, name: str) -> list[str]:
        return list(self.values.get(name, ()))

    def is_array(self, name: str) -> bool:
        return name in self.arrays or len(self.values.get(name, ())) > 1

    def names(self) -> list[str]:
        return list(self.values)

    def echo(self, limit: int = 256) -> dict[str, Any]:
        """The parameters as an error envelope repeats them, each value cut to `limit` characters."""
        out: dict[str, Any] = {}
        for name, vals in list(self.values.items())[:100]:
            cut = [v[:limit] for v in vals]
            out[name[:limit]] = cut if self.is_array(name) else cut[-1]
        return out


def _check_text(text: str, what: str) -> str:
    if "\x00" in text:
        raise BadParameter(f"{what} contains a NUL byte")
    return text


def _decode(raw: bytes, what: str) -> str:
    try:
        return _check_text(unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8"), what)
    except UnicodeDecodeError as exc:
        raise BadParameter(f"{what} is not valid UTF-8") from exc


def parse_urlencoded(data: bytes) -> list[tuple[str, str]]:
    """`a=1&b=x+y&c` -> pairs, strictly UTF-8 (raw or percent-escaped); `;` is not a separator."""
    pairs: list[tuple[str, str]] = []
    for chunk in data.split(b"&"):
        if not chunk:
            continue
        raw_key, _, raw_value = chunk.partition(b"=")
        key = _decode(raw_key, "a parameter name")
        if key:
            pairs.append((key, _decode(raw_value, f"the value of {key[:64]}")))
        if len(pairs) > MAX_FIELDS:
            raise BadParameter(f"more than {MAX_FIELDS} parameters")
    return pairs


def _add(target: dict[str, list[str]], arrays: set[str], pairs: Iterable[tuple[str, str]]) -> None:
    for key, value in pairs:
        match = _ARRAY_KEY.match(key)
        name = match.group("name") if match else key
        if match:
            arrays.add(name)
        values = target.setdefault(name, [])
        if value != UNSET:
            values.append(value)


def merge_params(query: Iterable[tuple[str, str]], body: Iterable[tuple[str, str]]) -> Params:
    """Query pairs, then body pairs replacing the query's values for any name the body also gives."""
    q_values: dict[str, list[str]] = {}
    b_values: dict[str, list[str]] = {}
    arrays: set[str] = set()
    _add(q_values, arrays, query)
    _add(b_values, arrays, body)
    merged = {**q_values, **b_values}
    return Params({k: v for k, v in merged.items() if v}, {a for a in arrays if merged.get(a)})


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, chunked or not, refusing more than `limit` bytes before reading them where it can."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"the request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _once(body: bytes) -> AsyncIterator[bytes]:
    yield body


async def parse_multipart(headers: Headers, body: bytes, limit: int) -> list[tuple[str, str]]:
    parser = MultiPartParser(headers, _once(body), max_files=0, max_fields=MAX_FIELDS, max_part_size=limit)
    try:
        form = await parser.parse()
    except (MultiPartException, FormParserError, ValueError) as exc:
        raise BadParameter(f"unreadable multipart body: {exc}") from exc
    pairs: list[tuple[str, str]] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):  # max_files=0 refuses them; kept as a guard
            raise BadParameter("file uploads are not accepted", key)
        pairs.append((_check_text(key, "a parameter name"), _check_text(value, f"the value of {key[:64]}")))
    return pairs


async def read_params(request: Request, limit: int) -> Params:
    """Parameters from the query string and the body: urlencoded, multipart, or no Content-Type at all (read as
    urlencoded, as node-awesm sends it)."""
    query = request.scope.get("query_string", b"")
    if len(query) > limit:
        raise BodyTooLarge(f"the query string is longer than {limit} bytes")
    body = await read_body(request, limit)
    content_type = request.headers.get("content-type", "").lower()
    if not body.strip():
        body_pairs: list[tuple[str, str]] = []
    elif content_type.startswith("multipart/form-data"):
        body_pairs = await parse_multipart(request.headers, body, limit)
    else:
        body_pairs = parse_urlencoded(body)
    return merge_params(parse_urlencoded(query), body_pairs)


def path_text(value: str, what: str = "the path") -> str:
    """A value taken from the URL path, checked as parameters are (PostgreSQL refuses NUL in text)."""
    return _check_text(value, what)


def split_format(segment: str) -> tuple[str, str | None]:
    """`demo.awe.sm_K5s.json` -> (`demo.awe.sm_K5s`, `json`); `CuteOn.Me_2W` -> (itself, None): a suffix is the
    text after the last dot when it holds no `_` (awesm ids end in `_<path>`)."""
    stem, dot, suffix = path_text(segment).rpartition(".")
    if not dot or not stem or "_" in suffix or not suffix:
        return segment, None
    return stem, suffix


def response_format(suffix: str | None, params: Params) -> str:
    """The suffix decides; without one, the `format` parameter; else json. Anything else is a 400."""
    chosen = suffix if suffix is not None else (params.get("format") or "json")
    if chosen.lower() not in FORMATS:
        raise BadFormat(f"invalid format: {chosen[:32]!r} (json or txt)", "format")
    return chosen.lower()


def jsonp_callback(params: Params, fmt: str) -> str | None:
    name = params.get("callback")
    if name is None:
        return None
    if fmt != "json":
        raise BadCallback("callback requires the json format", "callback")
    if len(name) > MAX_CALLBACK or not _CALLBACK.match(name) or name in _JS_RESERVED:
        raise BadCallback("callback must be a JavaScript identifier (letters, digits, _, $ and dots)", "callback")
    return name


def iso_z(moment: datetime | None) -> str | None:
    """Naive UTC -> `2011-10-04T18:00:57Z`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


class JsonResponse(Response):
    """orjson, keeping the key order the renderer built."""

    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class JsonpResponse(Response):
    """`/**/name({...});` — the comment prefix defeats content-sniffing (Rosetta Flash) attacks."""

    media_type = "application/javascript; charset=utf-8"

    def __init__(self, content: Any, callback: str, status_code: int = 200, headers: dict[str, str] | None = None):
        self.callback = callback
        super().__init__(content, status_code, {**(headers or {}), "X-Content-Type-Options": "nosniff"})

    def render(self, content: Any) -> bytes:
        return b"/**/" + self.callback.encode() + b"(" + orjson.dumps(content) + b");"


class TextResponse(Response):
    media_type = "text/plain; charset=utf-8"
