"""URLs as the client sees them, including the prefix the network is mounted under (`/mastodon`, `/bluesky`)."""

from __future__ import annotations

from starlette.requests import Request


def mount_url(request: Request) -> str:
    """Scheme, host and the mount prefix: Starlette's `base_url` leaves out a Mount's root_path."""
    return f"{request.url.scheme}://{request.url.netloc}{request.scope.get('root_path', '')}".rstrip("/")
