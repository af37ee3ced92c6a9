"""The OneAll API adapter: users, identities, providers, sharing messages and short URLs over the OneAll wire
format (HTTP Basic with the site's key pair, `{"request": …}` bodies, the `response.request.status` envelope)."""
