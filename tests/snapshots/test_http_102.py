"""Why an already-pending initiate is HTTP 207 and not 102: what real clients do with a *final* `102 Processing`
carrying the seed page's JSON body, from a raw socket server on 127.0.0.1. None of them can read the body
(docs/decisions/2026-11-23-snapshot-already-pending-is-http-207.md)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from typing import Iterator

import httpx
import pytest
import requests

BODY = (b'{"response":{"request":{"status":{"flag":"processing","code":102,'
        b'"info":"Your request is currently being processed"}}}}')


@pytest.fixture
def final_102() -> Iterator[str]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 102 Processing\r\nContent-Type: application/json\r\nContent-Length: "
                             + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sharing/analytics/snapshots.json"
    server.close()


def test_httpx_fails(final_102: str) -> None:
    # httpx cannot take a 1xx as the final answer: it waits for the real one and finds the connection gone (a
    # protocol error, or a reset when the server closed with the request body still unread).
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        httpx.put(final_102, content=b"{}", timeout=5)


def test_requests_returns_102_without_the_body(final_102: str) -> None:
    answer = requests.put(final_102, data=b"{}", timeout=5)
    assert answer.status_code == 102 and answer.content == b""  # the JSON is lost: a 1xx has no body


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_fails(final_102: str) -> None:
    done = subprocess.run(["curl", "-sS", "-X", "PUT", "-d", "{}", "--max-time", "5", final_102],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and '"flag"' not in done.stdout
