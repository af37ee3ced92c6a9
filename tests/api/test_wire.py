"""Property tests of the shared parameter reader: whatever a client encodes comes back as it was sent."""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from sharelytics.api import wire

# Names without the PHP array brackets; any text without NUL for values ("undefined" means unset).
names = st.text(st.characters(blacklist_characters="\x00[]", blacklist_categories=("Cs",)), min_size=1, max_size=20)
values = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40).filter(
    lambda v: v != wire.UNSET
)
pairs = st.lists(st.tuples(names, values), max_size=12)
# Multipart field names travel in a quoted header: keep them to a safe alphabet.
form_names = st.text("abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=12)


def _read(query: bytes, body: bytes, content_type: str | None) -> wire.Params:
    headers = [(b"content-type", content_type.encode())] if content_type else []
    scope = {"type": "http", "method": "POST", "path": "/", "query_string": query, "headers": headers}
    chunks = [body[: len(body) // 2], body[len(body) // 2 :]]

    async def receive() -> dict:
        chunk = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    return asyncio.run(wire.read_params(Request(scope, receive), 10_000_000))


def _expected(items: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in items:
        out.setdefault(key, []).append(value)
    return out


def _multipart(items: list[tuple[str, str]], boundary: str = "sl-b0undary-7f3a9c") -> bytes:
    parts = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in items)
    return (parts + f"--{boundary}--\r\n").encode()


@settings(max_examples=150, deadline=None)
@given(pairs)
def test_urlencoded_round_trip(items):
    assert wire.parse_urlencoded(urlencode(items).encode()) == items


@settings(max_examples=80, deadline=None)
@given(pairs)
def test_query_string_round_trip(items):
    params = _read(urlencode(items).encode(), b"", None)
    assert params.values == {k: v for k, v in _expected(items).items()}


@settings(max_examples=80, deadline=None)
@given(pairs, st.sampled_from([None, "application/x-www-form-urlencoded", "text/plain"]))
def test_body_round_trip_with_or_without_content_type(items, content_type):
    params = _read(b"", urlencode(items).encode(), content_type)
    assert params.values == _expected(items)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(form_names, values.filter(lambda v: "\r" not in v and "\n" not in v)), max_size=8))
def test_multipart_round_trip(items):
    params = _read(b"", _multipart(items), "multipart/form-data; boundary=sl-b0undary-7f3a9c")
    assert params.values == {k: v for k, v in _expected(items).items() if v}


@settings(max_examples=80, deadline=None)
@given(pairs, pairs)
def test_body_names_replace_query_names(query_items, body_items):
    params = _read(urlencode(query_items).encode(), urlencode(body_items).encode(), None)
    expected = {**_expected(query_items), **_expected(body_items)}
    assert params.values == expected


@settings(max_examples=80, deadline=None)
@given(form_names, st.lists(values.filter(bool), min_size=1, max_size=6), st.sampled_from(["[]", "%5B%5D", "%5b%5d"]))
def test_php_arrays_raw_or_escaped(name, items, brackets):
    query = "&".join(f"{quote(name)}{brackets}={quote(v, safe='')}" for v in items).encode()
    params = _read(query, b"", None)
    assert params.getlist(name) == items and params.is_array(name)
    with pytest.raises(wire.BadParameter):
        params.get(name)


def test_undefined_is_unset_and_repeated_scalars_take_the_last():
    params = _read(b"group_by=undefined&sort_order=undefined&page=1&page=2", b"", None)
    assert params.get("group_by") is None and params.get("sort_order") is None and "group_by" not in params.values
    assert params.get("page") == "2" and params.is_array("page")


@pytest.mark.parametrize("raw", [b"a=%FF", b"a=%C3", b"%80=1", b"a=\xff", b"a=1%00", b"a%00=1"])
def test_undecodable_input_is_a_bad_parameter(raw):
    with pytest.raises(wire.BadParameter):
        wire.parse_urlencoded(raw)


awesm_ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9.\-]{0,30}(_[a-z0-9]{1,4})?_[0-9A-Za-z]{1,8}\Z")


@settings(max_examples=150, deadline=None)
@given(awesm_ids, st.sampled_from(["json", "txt", "xml", "JSON", "php"]))
def test_suffix_splits_off_an_awesm_id(awesm_id, fmt):
    assert wire.split_format(f"{awesm_id}.{fmt}") == (awesm_id, fmt)
    assert wire.split_format(awesm_id) == (awesm_id, None)


@pytest.mark.parametrize(
    ("suffix", "given", "expected"),
    [("json", None, "json"), ("txt", "json", "txt"), (None, "txt", "txt"), (None, None, "json"), ("JSON", None, "json")],
)
def test_response_format(suffix, given, expected):
    params = wire.Params({"format": [given]} if given else {})
    assert wire.response_format(suffix, params) == expected


@pytest.mark.parametrize(("suffix", "given"), [("xml", None), (None, "xml"), ("", None), ("json ", None)])
def test_bad_formats(suffix, given):
    with pytest.raises(wire.BadFormat):
        wire.response_format(suffix, wire.Params({"format": [given]} if given else {}))


def test_body_limit_counts_chunked_bodies():
    with pytest.raises(wire.BodyTooLarge):
        asyncio.run(
            wire.read_body(
                Request({"type": "http", "method": "POST", "headers": []}, _chunks([b"x" * 600, b"x" * 600])), 1000
            )
        )


def _chunks(parts: list[bytes]):
    parts = list(parts)

    async def receive() -> dict:
        chunk = parts.pop(0) if parts else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(parts)}

    return receive
