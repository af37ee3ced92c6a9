"""The Bluesky fake's repository writes: createRecord (posts, likes, reposts), deleteRecord, getRecord, uploadBlob."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from starlette.requests import Request

from sharelytics.sandbox.bluesky_auth import XrpcError, bearer
from sharelytics.sandbox.ids import blob_cid, cid_for, new_tid, sniff_mime
from sharelytics.sandbox.state import Account, Media, Post, SandboxError, SandboxState, now

NET = "bluesky"
POST, LIKE, REPOST = "app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.feed.repost"
MAX_GRAPHEMES, MAX_BYTES = 300, 3000
_RKEY = re.compile(r"^[A-Za-z0-9._:~-]{1,512}$")


def graphemes(text: str) -> int:
    """Close enough to grapheme clusters for a limit: combining marks, joiners and variation selectors don't count."""
    count, joined = 0, False
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me") or "\ufe00" <= char <= "\ufe0f":
            continue
        if char == "\u200d":
            joined = True
            continue
        if not joined:
            count += 1
        joined = False
    return count


def _validate_post(record: dict[str, Any]) -> None:
    text = record.get("text")
    problem = None
    if not isinstance(text, str):
        problem = 'Record must have the property "text"'
    elif not isinstance(record.get("createdAt"), str):
        problem = 'Record must have the property "createdAt"'
    elif len(text.encode()) > MAX_BYTES or graphemes(text) > MAX_GRAPHEMES:
        problem = f"Record/text must not be longer than {MAX_GRAPHEMES} graphemes"
    else:
        size = len(text.encode())
        for facet in record.get("facets", []) or []:
            index = facet.get("index", {})
            if not 0 <= index.get("byteStart", -1) < index.get("byteEnd", -1) <= size:
                problem = "Record/facets: byte slice out of range"
    if problem:
        raise XrpcError(400, "InvalidRequest", f"Invalid {POST} record: {problem}")


def _caller_repo(request: Request, body: dict[str, Any]) -> Account:
    account = bearer(request)
    if body.get("repo") not in (account.id, account.username):
        raise XrpcError(401, "AuthenticationRequired", "Input/repo must be the authenticated account")
    return account


def _subject(state: SandboxState, record: dict[str, Any]) -> Post:
    uri = (record.get("subject") or {}).get("uri", "")
    try:
        return state.post(NET, uri)
    except SandboxError:
        raise XrpcError(400, "InvalidRequest", f"Could not locate record: {uri}") from None


def _target(record: dict[str, Any], path: tuple[str, ...]) -> str | None:
    value: Any = record
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) else None


def create_record(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    state: SandboxState = request.app.state.sandbox
    account = _caller_repo(request, body)
    collection, record = body.get("collection"), body.get("record")
    if not isinstance(record, dict) or record.get("$type") != collection:
        raise XrpcError(400, "InvalidRequest", "Invalid record: $type must match the collection")
    rkey = body.get("rkey") or new_tid()
    if not _RKEY.match(rkey) or rkey in (".", ".."):
        raise XrpcError(400, "InvalidRequest", f"Invalid record key: {rkey}")
    uri = f"at://{account.id}/{collection}/{rkey}"
    cid = cid_for(json.dumps(record, sort_keys=True).encode())
    with state.lock:
        if uri in state.net(NET).posts or any(i.uri == uri for i in state.net(NET).interactions):
            # The reference PDS answers a taken record key with a bare 500 (bluesky-social/atproto#3718).
            raise XrpcError(500, "InternalServerError", "Internal Server Error")
        if collection == POST:
            _validate_post(record)
            reply_to = _target(record, ("reply", "parent", "uri"))
            quote_of = (_target(record, ("embed", "record", "uri"))
                        or _target(record, ("embed", "record", "record", "uri")))
            state.add_post(NET, Post(id=uri, seq=state.new_seq(), author_id=account.id, text=record["text"],
                                     created_at=now(), cid=cid, reply_to=reply_to, quote_of=quote_of, record=record))
        elif collection in (LIKE, REPOST):
            subject = _subject(state, record)
            existing = state.interact(NET, "like" if collection == LIKE else "repost", subject.id, account.id, uri)
            uri = existing.uri or uri
        else:
            raise XrpcError(400, "InvalidRequest", f"Lexicon not found: lex:{collection}")
    return {"uri": uri, "cid": cid, "commit": {"cid": cid_for(uri.encode()), "rev": new_tid()},
            "validationStatus": "valid"}


def delete_record(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    state: SandboxState = request.app.state.sandbox
    account = _caller_repo(request, body)
    uri = f"at://{account.id}/{body.get('collection')}/{body.get('rkey')}"
    if body.get("collection") == POST:
        try:
            state.delete_post(NET, uri)
        except SandboxError:
            pass  # deleting what is not there succeeds: the post-condition holds
    else:
        state.remove_interaction(NET, uri)
    return {"commit": {"cid": cid_for(uri.encode()), "rev": new_tid()}}


def get_record(request: Request) -> dict[str, Any]:
    state: SandboxState = request.app.state.sandbox
    query = request.query_params
    try:
        repo = state.account(NET, query.get("repo", ""))
    except SandboxError:
        raise XrpcError(400, "InvalidRequest", f"Could not find repo: {query.get('repo')}") from None
    uri = f"at://{repo.id}/{query.get('collection')}/{query.get('rkey')}"
    post = state.net(NET).posts.get(uri)
    if post is None or post.deleted:
        raise XrpcError(400, "RecordNotFound", f"Could not locate record: {uri}")
    return {"uri": uri, "cid": post.cid, "value": post.record}


async def upload_blob(request: Request) -> dict[str, Any]:
    state: SandboxState = request.app.state.sandbox
    account = bearer(request)
    data = await request.body()
    if not data:
        raise XrpcError(400, "InvalidRequest", "Request body is empty")
    mime = sniff_mime(data, request.headers.get("content-type", ""))
    cid = blob_cid(data)
    state.add_media(NET, Media(id=cid, owner_id=account.id, mime_type=mime, size=len(data)))
    return {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(data)}}
