"""Message parts: checked, stored and restored, turned into provider parts with the tracked URLs."""

from __future__ import annotations

import pytest

from sharelytics.core.providers.model import LinkPart
from sharelytics.core.sharing.errors import InvalidRequest
from sharelytics.core.sharing.parts import MessageParts, UploadPart

PNG = bytes.fromhex("89504e470d0a1a0a")


def test_storage_round_trip_and_echo_without_upload_data() -> None:
    parts = MessageParts(text="Hi https://a.org", link=LinkPart("https://b.org", "B", "c", "d"),
                         picture_url="https://p.org/x.png", uploads=(UploadPart("i.png", PNG),), enable_tracking=True)
    assert MessageParts.from_json(parts.to_json()) == parts
    echo = parts.as_dict()
    assert list(echo) == ["text", "picture", "link", "uploads", "flags"]
    assert echo["uploads"] == [{"name": "i.png"}] and echo["flags"] == {"enable_tracking": 1}


def test_tracked_urls_and_post_parts() -> None:
    parts = MessageParts(text="A https://a.org and https://a.org", link=LinkPart("https://b.org"))
    assert parts.tracked_urls() == ["https://a.org", "https://b.org"]
    post = parts.to_post({"https://a.org": "http://s/1", "https://b.org": "http://s/2"})
    assert post.text == "A http://s/1 and http://s/1" and post.link is not None and post.link.url == "http://s/2"


def test_upload_types_and_empty_parts() -> None:
    assert UploadPart("noext", PNG).mime_type == "image/png"
    assert UploadPart("a.jpg", b"xx").mime_type == "image/jpeg"
    with pytest.raises(InvalidRequest):
        MessageParts(text="   ").check()
