"""Local fakes of the Mastodon and Bluesky HTTP APIs, faithful enough for Mastodon.py and the atproto SDK, with an
admin API to create accounts, make reactions happen and inject faults. One ASGI app serves both networks:
`/mastodon/...` is a Mastodon instance, `/bluesky/xrpc/...` a Bluesky PDS, `/admin/...` the controls."""
