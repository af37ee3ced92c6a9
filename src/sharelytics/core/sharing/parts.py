"""The parts of a sharing message (OneAll `parts`): typed once, stored as JSON for re-publishing, and turned into
the providers' `PostParts` with the publication's tracked URLs in place of the original ones."""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import orjson

from sharelytics.core.providers.model import LinkPart, PostParts, Upload
from sharelytics.core.sharing.errors import InvalidRequest
from sharelytics.core.sharing.urls import find_urls, replace_urls

# Magic numbers of the picture formats networks take, for uploads whose name says nothing.
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
          (b"GIF89a", "image/gif"), (b"RIFF", "image/webp"))


@dataclass(frozen=True)
class UploadPart:
    name: str
    data: bytes

    @property
    def mime_type(self) -> str:
        for magic, mime in _MAGIC:
            if self.data.startswith(magic):
                return mime
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class MessageParts:
    text: str = ""
    link: LinkPart | None = None
    picture_url: str = ""
    video_url: str = ""
    uploads: tuple[UploadPart, ...] = ()
    enable_tracking: bool = False

    def check(self) -> MessageParts:
        if not (self.text.strip() or self.link or self.picture_url or self.video_url or self.uploads):
            raise InvalidRequest("the message has no parts: give at least a text, link, picture, video or upload",
                                 "parts")
        return self

    def tracked_urls(self) -> list[str]:
        """Distinct URLs to track, in order: those of the text, then the link's."""
        found = find_urls(self.text)
        if self.link is not None:
            found.append(self.link.url)
        return list(dict.fromkeys(found))

    def to_post(self, replacements: Mapping[str, str]) -> PostParts:
        """The parts as a provider posts them, each tracked URL replaced by its short URL."""
        link = self.link
        if link is not None and link.url in replacements:
            link = replace(link, url=replacements[link.url])
        uploads = tuple(Upload(data=u.data, mime_type=u.mime_type, name=u.name) for u in self.uploads)
        return PostParts(text=replace_urls(self.text, replacements), link=link, picture_url=self.picture_url,
                         video_url=self.video_url, uploads=uploads)

    # -- storage ------------------------------------------------------------------------------------------------

    def to_json(self) -> str:
        return orjson.dumps(self.as_dict(include_data=True)).decode()

    def as_dict(self, *, include_data: bool = False) -> dict[str, Any]:
        """OneAll's `parts` object, in its order; upload data only for storage (the echo names the files)."""
        out: dict[str, Any] = {}
        if self.text:
            out["text"] = {"body": self.text}
        if self.video_url:
            out["video"] = {"url": self.video_url}
        if self.picture_url:
            out["picture"] = {"url": self.picture_url}
        if self.link is not None:
            out["link"] = {"url": self.link.url, "name": self.link.name, "caption": self.link.caption,
                           "description": self.link.description}
        if self.uploads:
            out["uploads"] = [{"name": u.name, **({"data": base64.b64encode(u.data).decode()} if include_data else {})}
                              for u in self.uploads]
        out["flags"] = {"enable_tracking": 1 if self.enable_tracking else 0}
        return out

    @classmethod
    def from_json(cls, text: str) -> MessageParts:
        stored = orjson.loads(text)
        link = stored.get("link")
        return cls(
            text=stored.get("text", {}).get("body", ""),
            link=LinkPart(link["url"], link["name"], link["caption"], link["description"]) if link else None,
            picture_url=stored.get("picture", {}).get("url", ""),
            video_url=stored.get("video", {}).get("url", ""),
            uploads=tuple(UploadPart(u["name"], base64.b64decode(u["data"])) for u in stored.get("uploads", [])),
            enable_tracking=bool(stored.get("flags", {}).get("enable_tracking")),
        )
