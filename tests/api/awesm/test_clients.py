"""The real client: pyshorteners 0.6.1's `Awsm` shortener against a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from typing import Iterator

import pytest
import requests
import uvicorn
from pyshorteners.exceptions import ShorteningErrorException
from pyshorteners.shorteners.awsm import Awsm

from sharelytics.app import build_services, create_app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server_url(settings, engine) -> Iterator[str]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    services = build_services(settings.with_overrides(public_url=base), engine)
    config = uvicorn.Config(create_app(services=services), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield base
    server.should_exit = True
    thread.join(timeout=30)


def _shortener(server_url: str, key: str, tool: str) -> Awsm:
    shortener = Awsm(api_key=key, tool=tool, channel="twitter", timeout=10)
    shortener.api_url = server_url + "/"
    return shortener


def test_pyshorteners_creates_a_link_that_redirects(server_url, project):
    short = _shortener(server_url, project.key, project.tool.key).short("http://www.test.com/page?x=1")
    assert short.startswith(server_url + "/") and len(short) == len(server_url) + 7
    response = requests.get(short, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["location"] == "http://www.test.com/page?x=1"


def test_pyshorteners_raises_on_a_bad_key(server_url, project):
    with pytest.raises(ShorteningErrorException):
        _shortener(server_url, "FAKE_KEY", project.tool.key).short("http://www.test.com")


def test_node_awesm_wire_bytes_chunked_without_content_type(server_url, project):
    """node-awesm's request as http.request writes it: POST, chunked, no Content-Type, `v=2` with `.txt`."""
    body = (f"format=txt&v=2&key={project.key}&url=http%3A%2F%2Fwww.alexeypro.com&channel=test123"
            f"&tool={project.tool.key}").encode()
    host, port = server_url.removeprefix("http://").split(":")
    head = f"POST /url.txt HTTP/1.1\r\nHost: {host}:{port}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    chunked = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:30], body[30:])) + b"0\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode() + chunked)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 200 OK"
    assert rest.split(b"\r\n\r\n", 1)[1].decode().startswith(server_url + "/")
