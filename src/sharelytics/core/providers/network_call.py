"""Per-request glue between an adapter and `ProviderHttp` for networks whose wire differs from Mastodon/Bluesky.

`ProviderHttp` reads `X-RateLimit-*` / `RateLimit-*` headers and turns 401/403/404 into plain errors without the
body. X spells its headers `x-rate-limit-*`, Facebook reports usage percentages, and X answers 403 both for a
revoked permission and for a refused duplicate. `NetworkCall` is an `httpx.Auth` flow (httpx's public hook that
sees every request and its answer), passed as `auth=` through `ProviderHttp.request`, that:

- sets `Authorization: Bearer <token>` and the network's fixed headers;
- adds the standard spelling of the network's rate headers to the answer, so the shared budget and the 429
  handling in `ProviderHttp` work unchanged;
- keeps the last answer's status and JSON body, for the adapter to tell refusals apart;
- with `once=True`, refuses to send a create a second time inside `ProviderHttp`'s retry loop: after a timeout
  or a dropped connection the network may have posted, so the adapter must look before posting again. A 429 is
  an answer that nothing was done, so a repeat after it stays allowed.
"""

from __future__ import annotations

from typing import Any, Callable, Generator, Mapping

import httpx

RateAliases = Callable[[httpx.Response], dict[str, str]]  # the answer (body read) -> headers to add


class SentOnce(Exception):
    """The create was sent and its answer never came: the network may have posted."""


class NetworkCall(httpx.Auth):
    requires_response_body = True  # the body is read before the flow sees it, so errors can be kept

    def __init__(self, token: str, *, rates: RateAliases | None = None, once: bool = False,
                 headers: Mapping[str, str] | None = None) -> None:
        self._token = token
        self._rates = rates
        self._once = once
        self._headers = dict(headers or {})
        self._sent = False
        self.status: int | None = None
        self.body: Any = None
        self.headers: httpx.Headers = httpx.Headers()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._once and self._sent:
            raise SentOnce(f"{request.method} {request.url.path} was sent and its answer was lost")
        request.headers["Authorization"] = f"Bearer {self._token}"
        request.headers.update(self._headers)
        self._sent = True
        response = yield request
        self.status, self.body, self.headers = response.status_code, _json(response), response.headers
        if response.status_code == 429:
            self._sent = False
        if self._rates is not None:
            response.headers.update(self._rates(response))

    def error(self) -> dict[str, Any]:
        """The last answer's JSON object (empty when it was not one)."""
        return self.body if isinstance(self.body, dict) else {}


def _json(response: httpx.Response) -> Any:
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        return response.json()
    except ValueError:
        return None
