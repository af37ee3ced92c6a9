"""Bluesky sessions: log in once per identity and reuse the session (createSession is limited to 30 per 5 minutes),
refresh before the access token expires, log in again when the PDS refuses a session it once issued."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from sharelytics.core.providers.http import ProviderHttp, error_name
from sharelytics.core.providers.model import AuthRevoked, Credentials, ProviderUnavailable

REFRESH_MARGIN = 15 * 60  # the SDK's margin too: refresh when the access token has less than this left
TOKEN_ERRORS = {"ExpiredToken", "InvalidToken"}


@dataclass(frozen=True)
class Session:
    did: str
    handle: str
    access_jwt: str
    refresh_jwt: str
    expires_at: float  # epoch seconds, from the access token's `exp`


def _jwt_exp(token: str) -> float:
    """The `exp` claim, read without verifying (only the PDS can verify); 0 when unreadable, forcing a refresh."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, KeyError, ValueError, TypeError):
        return 0.0


def _session_from(body: dict[str, Any]) -> Session:
    try:
        return Session(did=body["did"], handle=body["handle"], access_jwt=body["accessJwt"],
                       refresh_jwt=body["refreshJwt"], expires_at=_jwt_exp(body["accessJwt"]))
    except (KeyError, TypeError) as exc:
        raise ProviderUnavailable(f"unexpected createSession answer: missing {exc}") from None


class SessionCache:
    """Sessions by identity, shared by the threads of one process."""

    def __init__(self, http: ProviderHttp, clock: Any = time.time) -> None:
        self._http = http
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, credentials: Credentials) -> Session:
        with self._lock:
            session = self._sessions.get(credentials.identity)
        if session is None:
            return self._store(credentials, self._create(credentials))
        if session.expires_at - REFRESH_MARGIN < self._clock():
            return self.refresh(credentials, session)
        return session

    def forget(self, credentials: Credentials) -> None:
        with self._lock:
            self._sessions.pop(credentials.identity, None)

    def refresh(self, credentials: Credentials, session: Session) -> Session:
        try:
            response = self._http.request("POST", _xrpc(credentials, "com.atproto.server.refreshSession"),
                                          identity=credentials.identity,
                                          headers={"Authorization": f"Bearer {session.refresh_jwt}"})
        except AuthRevoked:
            response = None
        if response is None or response.status_code >= 400:  # refresh token expired or revoked: log in again
            return self._store(credentials, self._create(credentials))
        return self._store(credentials, _session_from(response.json()))

    def _create(self, credentials: Credentials) -> Session:
        response = self._http.request("POST", _xrpc(credentials, "com.atproto.server.createSession"),
                                      identity=credentials.identity,
                                      json={"identifier": credentials.handle, "password": credentials.app_password})
        if response.status_code >= 400:
            raise AuthRevoked(f"login refused: {error_name(response) or response.status_code}")
        return _session_from(response.json())

    def _store(self, credentials: Credentials, session: Session) -> Session:
        with self._lock:
            self._sessions[credentials.identity] = session
        return session

    def call(self, credentials: Credentials, method: str, nsid: str, **kwargs: Any) -> httpx.Response:
        """One XRPC call with the identity's session; a refused session is renewed once, then AuthRevoked."""
        extra_headers = kwargs.pop("headers", {})
        for attempt in range(2):
            session = self.get(credentials)
            headers = {"Authorization": f"Bearer {session.access_jwt}", **extra_headers}
            try:
                response = self._http.request(method, _xrpc(credentials, nsid), identity=credentials.identity,
                                              headers=headers, **kwargs)
            except AuthRevoked:
                self.forget(credentials)
                if attempt:
                    raise
                continue
            if response.status_code == 400 and error_name(response) in TOKEN_ERRORS and not attempt:
                self.refresh(credentials, session)
                continue
            return response
        raise AuthRevoked("the PDS keeps refusing the session")


def _xrpc(credentials: Credentials, nsid: str) -> str:
    return f"{credentials.base_url}/xrpc/{nsid}"
