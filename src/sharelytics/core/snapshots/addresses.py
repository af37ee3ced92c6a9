"""Where a pingback may go. The URL comes from an API client, so it must not reach into our own network: every
address its host resolves to must be global, unless the host, the address or its network is allow-listed
(`SHARELYTICS_PINGBACK_ALLOW`). The check runs when the snapshot is initiated and again before every delivery,
and the delivery connects to an address it checked (DNS rebinding cannot swap in another one in between)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from sharelytics.core.snapshots.errors import PingbackRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_URI = 2000


@dataclass(frozen=True)
class AllowList:
    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, text: str) -> AllowList:
        """`127.0.0.1, 10.0.0.0/8, hooks.internal` -> addresses and networks, and host names."""
        hosts, networks = set(), []
        for item in (part.strip().lower() for part in text.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.strip("[]"))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: IPAddress) -> bool:
        return host in self.hosts or any(address in network for network in self.networks)


@dataclass(frozen=True)
class Target:
    """A checked pingback URL: where to connect (an allowed address) and what to name (Host, TLS SNI)."""

    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress


def split_uri(uri: str) -> tuple[str, str, int]:
    if len(uri) > MAX_URI or any(ch.isspace() for ch in uri):
        raise PingbackRefused(f"pingback_uri must be an http(s) URL of at most {MAX_URI} characters", "pingback_uri")
    try:
        parts = urlsplit(uri)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise PingbackRefused("pingback_uri is not a valid URL", "pingback_uri") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PingbackRefused("pingback_uri must be an http:// or https:// URL with a host", "pingback_uri")
    if parts.username is not None or parts.password is not None:
        raise PingbackRefused("pingback_uri must not carry credentials", "pingback_uri")
    return parts.scheme, parts.hostname.lower(), port


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise PingbackRefused(f"the pingback host {host!r} does not resolve", "pingback_uri") from None
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def check_target(uri: str, allow: AllowList) -> Target:
    """The URL's first address, once every address it resolves to is global or allow-listed."""
    scheme, host, port = split_uri(uri)
    addresses = resolve(host, port)
    refused = [a for a in addresses if not (a.is_global or allow.allows(host, a))]
    if refused or not addresses:
        raise PingbackRefused(f"the pingback host {host!r} resolves to a private, loopback or link-local address "
                              f"({refused[0] if refused else 'none'}); allow-list it with SHARELYTICS_PINGBACK_ALLOW",
                              "pingback_uri")
    return Target(uri, scheme, host, port, addresses[0])
