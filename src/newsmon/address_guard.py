"""The private-address guard, pinned: one DNS answer is checked and the connection goes there.

`check_target` resolves a URL's host once and refuses it unless every address is public (or
allow-listed). `pinned_transport` is the httpx transport that then connects to exactly those
checked addresses: the request names the host as before, so the Host header, the TLS server
name (SNI) and certificate verification are all for the host, while the TCP connection goes to
a checked address and never asks DNS again. A host that answers a public address to the check
and 127.0.0.1 or 10.x to a second query (DNS rebinding) therefore gets nowhere: there is no
second query.

The checked addresses travel from the request to the connection in a context variable set
around each request (`pinned`); a connection opened without a pin for its own host and port is
refused rather than resolved by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

from newsmon.config import is_allowed_private

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""(host, port) -> the IP addresses the host resolves to, as strings."""


class FetchRefusedError(Exception):
    """The request was not sent (or not followed): unsafe target, robots.txt, bad URL."""


async def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's resolver (getaddrinfo), asked once."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _unsafe_reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address (cloud metadata range)"
    if ip.is_private:
        return "private address"
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return "reserved address"
    return None


@dataclass(frozen=True)
class Target:
    """A URL's host and port and what the guard decided about them.

    `addresses` are the checked addresses to connect to, in the resolver's order; None when the
    host itself is allow-listed, in which case it is connected to by name."""

    host: str
    port: int
    addresses: tuple[str, ...] | None


async def check_target(url: str, allow_hosts: tuple[str, ...], resolver: Resolver | None = None) -> Target:
    """Resolve `url`'s host once and check every address; raise FetchRefusedError unless `url` is
    http(s) and all its addresses are public or allow-listed."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise FetchRefusedError(f"malformed URL: {exc}") from exc
    if parts.scheme not in {"http", "https"} or not host:
        raise FetchRefusedError(f"not an http(s) URL: {url!r}")
    port = port or (443 if parts.scheme == "https" else 80)
    if is_allowed_private(host, allow_hosts):
        return Target(host, port, None)
    try:
        answers = await (resolver or system_resolver)(host, port)
    except socket.gaierror as exc:
        raise FetchRefusedError(f"DNS lookup failed for {host}: {exc.strerror or exc}") from exc
    addresses: list[str] = []
    for answer in answers:
        try:
            ip = ipaddress.ip_address(answer)
        except ValueError as exc:
            raise FetchRefusedError(f"refused {host}: the resolver answered {answer!r}, not an IP address") from exc
        reason = _unsafe_reason(ip)
        if reason and not is_allowed_private(str(ip), allow_hosts):
            raise FetchRefusedError(f"refused {host} ({ip}): {reason}, not in http.allow_hosts")
        if str(ip) not in addresses:
            addresses.append(str(ip))
    if not addresses:
        raise FetchRefusedError(f"DNS lookup for {host} gave no address")
    return Target(host, port, tuple(addresses))


_PIN: ContextVar[Target | None] = ContextVar("newsmon_pinned_target", default=None)


@contextlib.contextmanager
def pinned(target: Target) -> Iterator[None]:
    """Within this block (and tasks started in it), connections to target's host go to its checked addresses."""
    token = _PIN.set(target)
    try:
        yield
    finally:
        _PIN.reset(token)


class PinnedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections to the pinned, checked addresses instead of resolving the host again."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        target = _PIN.get()
        if target is None or target.host.strip("[]").lower() != host.strip("[]").lower() or target.port != port:
            raise FetchRefusedError(f"refused {host}:{port}: no checked address for this connection")
        if target.addresses is None:  # the host itself is allow-listed
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        failure: httpcore.ConnectError | None = None
        for address in target.addresses:
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None  # check_target never pins an empty list
        raise failure

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def pinned_transport(
    network: httpcore.AsyncNetworkBackend | None = None, verify: ssl.SSLContext | bool = True
) -> httpx.AsyncHTTPTransport:
    """httpx's own transport with its connection pool opening connections through PinnedNetworkBackend.

    `network` is the backend underneath (the real sockets by default); `verify` is the TLS trust
    (system CAs by default)."""
    transport = httpx.AsyncHTTPTransport(verify=verify, trust_env=False)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    transport._pool = httpcore.AsyncConnectionPool(  # the pool httpx builds, but with our backend
        ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=PinnedNetworkBackend(network),
    )
    return transport
