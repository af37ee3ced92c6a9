"""Fetching the pictures and videos a message names by URL, so they can be uploaded to the network.

The URL comes from an API client, so it must not reach into our own network: private, loopback, link-local and
reserved addresses are refused unless their host is allow-listed (the tests allow-list the sandbox on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Callable
from urllib.parse import urlsplit

import httpx

from sharelytics.core.providers.model import InvalidPost, PostParts, Upload

MediaFetcher = Callable[[str], Upload]
MAX_MEDIA_BYTES = 40 * 1024 * 1024  # Mastodon's default video limit; pictures are far smaller


def _is_public(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return False
    addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    return bool(addresses) and all(a.is_global for a in addresses)


class PublicMediaFetcher:
    """Downloads a media URL (http/https, bounded size) after checking where the host resolves to."""

    def __init__(self, *, allow_hosts: frozenset[str] = frozenset(), timeout: float = 15.0,
                 max_bytes: int = MAX_MEDIA_BYTES, transport: httpx.BaseTransport | None = None) -> None:
        self.allow_hosts = frozenset(h.lower() for h in allow_hosts)
        self.max_bytes = max_bytes
        self._client = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)

    def __call__(self, url: str) -> Upload:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise InvalidPost(f"media URL {url!r} is not an http(s) URL")
        if host not in self.allow_hosts and not _is_public(host):
            raise InvalidPost(f"media URL host {host!r} is not a public address")
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise InvalidPost(f"media URL {url!r} answered {response.status_code}")
                data = self._read(response)
                mime = response.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        except httpx.HTTPError as exc:
            raise InvalidPost(f"media URL {url!r} could not be fetched: {exc}") from exc
        return Upload(data=data, mime_type=mime, name=parts.path.rsplit("/", 1)[-1])

    def _read(self, response: httpx.Response) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise InvalidPost(f"media larger than {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


def gather_images(parts: PostParts, fetch_media: MediaFetcher | None, accepts: Callable[[str], bool],
                  most: int, network: str) -> tuple[list[Upload], tuple[str, ...]]:
    """A post's pictures: its uploads plus the fetched `picture_url`. What the network cannot attach (a video URL,
    a picture when nothing may fetch it) is returned to go into the text as a link; a wrong type or too many
    pictures is an `InvalidPost`."""
    uploads = list(parts.uploads)
    unattached = [parts.video_url] if parts.video_url else []
    if parts.picture_url:
        if fetch_media is None:
            unattached.append(parts.picture_url)
        else:
            uploads.append(fetch_media(parts.picture_url))
    if not all(accepts(upload.mime_type) for upload in uploads):
        raise InvalidPost(f"{network} does not take that kind of picture here")
    if len(uploads) > most:
        raise InvalidPost(f"{network} takes at most {most} pictures per post")
    return uploads, tuple(unattached)
