"""DNS rebinding against the pinned guard: one lookup per hop, and the connection goes to its answer.

No real DNS and no traffic beyond 127.0.0.0/8. The resolver is a script handed to the client;
the socket layer under the client is a small routing table that stands in for the internet: a
public address from the resolver's answers is routed to a loopback server playing that site,
127.0.0.1 is routed to a loopback server playing an internal service on the crawler's own
machine, and anything else is refused before a socket is opened.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import httpcore
import httpx
import pytest

from newsmon.address_guard import FetchRefusedError, PinnedNetworkBackend, Target, check_target, pinned
from newsmon.config import HttpSettings
from newsmon.http import FetchResult, PoliteClient
from tests.loopback import LoopbackServer, Route

PUBLIC = "93.184.215.14"  # a public address: only ever routed to a loopback server here
OTHER_PUBLIC = "151.101.2.10"


class ScriptedResolver:
    """Answers each query for a host with the next answer in its script (the last one repeats)."""

    def __init__(self, script: dict[str, list[list[str]]]) -> None:
        self.script = script
        self.queries: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        answers = self.script[host]
        n = sum(q == host for q in self.queries)
        self.queries.append(host)
        return answers[min(n, len(answers) - 1)]


class RoutedNetwork(httpcore.AsyncNetworkBackend):
    """Socket layer for the tests: each known address leads to one loopback server; nothing else connects."""

    def __init__(self, routes: dict[str, LoopbackServer]) -> None:
        self.routes = routes
        self.connects: list[tuple[str, int]] = []
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        if host not in self.routes:
            raise httpcore.ConnectError(f"no route to {host} in the test network")
        server = self.routes[host]
        return await self._real.connect_tcp(server.host, server.port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._real.sleep(seconds)


class ResolveAgainNetwork(RoutedNetwork):
    """The unpinned way of connecting: ask the resolver again for the name and connect to that answer."""

    def __init__(self, routes: dict[str, LoopbackServer], resolver: ScriptedResolver) -> None:
        super().__init__(routes)
        self.resolver = resolver

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = (await self.resolver(host, port))[0]
        return await super().connect_tcp(address, port, timeout, local_address, socket_options)


def settings(**overrides: object) -> HttpSettings:
    base: dict[str, object] = {
        "user_agent": "newsmon-test/0.1 (+mailto:test@example.org)",
        "allow_hosts": (),  # nothing private is allowed: the guard decides everything
        "per_host_min_delay_s": 0.0,
        "retries": 0,
        "respect_robots": False,
        "connect_timeout_s": 2,
        "read_timeout_s": 2,
        "total_timeout_s": 5,
    }
    base.update(overrides)
    return HttpSettings.model_validate(base)


@pytest.fixture
def public_site() -> Iterator[LoopbackServer]:
    """The site a feed links to, reached at PUBLIC."""
    srv = LoopbackServer("127.0.0.2").start()
    srv.routes["/artikel"] = Route(200, b"Pyongyang en Moskou tekenen een verdrag.")
    yield srv
    srv.stop()


@pytest.fixture
def internal() -> Iterator[LoopbackServer]:
    """A service on the crawler's own machine that a rebinding host tries to reach."""
    srv = LoopbackServer("127.0.0.1").start()
    srv.routes["/artikel"] = Route(200, b"interne beheerpagina")
    srv.routes["/verder"] = Route(200, b"interne beheerpagina")
    yield srv
    srv.stop()


def fetch(url: str, resolver: ScriptedResolver, network: httpcore.AsyncNetworkBackend, **kw: object) -> FetchResult:
    async def run() -> FetchResult:
        async with PoliteClient(settings(), resolver=resolver, network=network, **kw) as client:  # type: ignore[arg-type]
            return await client.get(url)

    return asyncio.run(run())


def rebinding() -> ScriptedResolver:
    """Public on the first query, loopback on every later one."""
    return ScriptedResolver({"nieuws.test": [[PUBLIC], ["127.0.0.1"]]})


def test_unpinned_connection_is_steered_by_a_second_lookup(
    public_site: LoopbackServer, internal: LoopbackServer
) -> None:
    # The control: checking one answer and connecting by name reaches the internal service.
    resolver = rebinding()
    network = ResolveAgainNetwork({PUBLIC: public_site, "127.0.0.1": internal}, resolver)
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(network_backend=network)

    async def run() -> FetchResult:
        async with PoliteClient(settings(), transport, resolver=resolver) as client:
            return await client.get("http://nieuws.test/artikel")

    result = asyncio.run(run())
    print(f"\nunpinned: queries={resolver.queries} body={result.body!r} internal hits={len(internal.hits)}")
    assert result.body == b"interne beheerpagina" and len(internal.hits) == 1


def test_rebinding_host_gets_the_checked_address_only(public_site: LoopbackServer, internal: LoopbackServer) -> None:
    resolver = rebinding()
    network = RoutedNetwork({PUBLIC: public_site, "127.0.0.1": internal})
    result = fetch("http://nieuws.test/artikel", resolver, network)
    print(f"\npinned: queries={resolver.queries} connects={network.connects} body={result.body!r}")
    assert result.ok and result.body.startswith(b"Pyongyang en Moskou")
    assert resolver.queries == ["nieuws.test"]  # one lookup: nothing left for a rebinding answer to steer
    assert network.connects == [(PUBLIC, 80)]
    assert internal.hits == []
    assert public_site.hits[0][1]["Host"] == "nieuws.test"  # the name is kept in the request


def test_redirect_hop_that_rebinds_to_loopback_is_refused(
    public_site: LoopbackServer, internal: LoopbackServer
) -> None:
    public_site.routes["/artikel"] = Route(302, headers={"Location": "/verder"})
    resolver = rebinding()
    network = RoutedNetwork({PUBLIC: public_site, "127.0.0.1": internal})
    result = fetch("http://nieuws.test/artikel", resolver, network)
    print(f"\nredirect: queries={resolver.queries} connects={network.connects} error={result.error!r}")
    assert not result.ok and result.status is None
    assert "refused nieuws.test (127.0.0.1): loopback address, not in http.allow_hosts" in (result.error or "")
    assert resolver.queries == ["nieuws.test", "nieuws.test"]  # each hop is checked again
    assert internal.hits == [] and [p for p, _ in public_site.hits] == ["/artikel"]


def test_redirect_to_another_host_connects_to_that_hosts_checked_address(
    public_site: LoopbackServer, internal: LoopbackServer
) -> None:
    cdn = LoopbackServer("127.0.0.3").start()
    try:
        cdn.routes["/media/stuk"] = Route(200, b"kopie")
        public_site.routes["/artikel"] = Route(301, headers={"Location": "http://cdn.test:8080/media/stuk"})
        resolver = ScriptedResolver({"nieuws.test": [[PUBLIC]], "cdn.test": [[OTHER_PUBLIC], ["127.0.0.1"]]})
        network = RoutedNetwork({PUBLIC: public_site, OTHER_PUBLIC: cdn, "127.0.0.1": internal})
        result = fetch("http://nieuws.test/artikel", resolver, network)
        assert result.ok and result.body == b"kopie"
        assert network.connects == [(PUBLIC, 80), (OTHER_PUBLIC, 8080)]
        assert cdn.hits[0][1]["Host"] == "cdn.test:8080" and internal.hits == []
    finally:
        cdn.stop()


def test_every_answer_is_checked_not_just_the_first() -> None:
    resolver = ScriptedResolver({"nieuws.test": [[PUBLIC, "10.0.0.7"]]})
    with pytest.raises(FetchRefusedError, match=r"refused nieuws.test \(10.0.0.7\): private address"):
        asyncio.run(check_target("http://nieuws.test/", (), resolver))


def test_all_checked_answers_are_pinned_in_order() -> None:
    resolver = ScriptedResolver({"nieuws.test": [[PUBLIC, OTHER_PUBLIC, PUBLIC]]})
    target = asyncio.run(check_target("https://nieuws.test/x", (), resolver))
    assert target == Target("nieuws.test", 443, (PUBLIC, OTHER_PUBLIC))


@pytest.mark.parametrize(
    ("answers", "reason"),
    [([], "gave no address"), (["niet-een-adres"], "answered 'niet-een-adres', not an IP address")],
)
def test_unusable_resolver_answers_are_refused(answers: list[str], reason: str) -> None:
    resolver = ScriptedResolver({"nieuws.test": [answers]})
    with pytest.raises(FetchRefusedError, match=reason):
        asyncio.run(check_target("http://nieuws.test/", (), resolver))


def test_allow_listed_host_is_connected_by_name_without_a_lookup(internal: LoopbackServer) -> None:
    resolver = ScriptedResolver({})
    network = RoutedNetwork({"127.0.0.1": internal})

    async def run() -> FetchResult:
        async with PoliteClient(settings(allow_hosts=("127.0.0.1",)), resolver=resolver, network=network) as client:
            return await client.get(f"http://127.0.0.1:{internal.port}/artikel")

    result = asyncio.run(run())
    assert result.ok and resolver.queries == [] and network.connects == [("127.0.0.1", internal.port)]


def test_a_connection_without_a_checked_address_is_refused() -> None:
    backend = PinnedNetworkBackend(RoutedNetwork({}))

    async def connect(host: str, port: int) -> None:
        await backend.connect_tcp(host, port)

    with pytest.raises(FetchRefusedError, match="no checked address"):
        asyncio.run(connect("nieuws.test", 80))

    async def with_other_pin() -> None:
        with pinned(Target("ander.test", 80, (PUBLIC,))):
            await connect("nieuws.test", 80)

    with pytest.raises(FetchRefusedError, match=r"refused nieuws.test:80: no checked address"):
        asyncio.run(with_other_pin())


# --- TLS: the server name and certificate check stay with the host ---------------------------


def _certificates(tmp: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context): a test CA and a certificate for nieuws.test only."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def cert(subject: str, key: ec.EllipticCurvePrivateKey, issuer: str, signer: ec.EllipticCurvePrivateKey,
             ca: bool) -> x509.Certificate:  # fmt: skip
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key, site_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_cert = cert("newsmon test CA", ca_key, "newsmon test CA", ca_key, ca=True)
    site_cert = cert("nieuws.test", site_key, "newsmon test CA", ca_key, ca=False)
    pem = serialization.Encoding.PEM
    (tmp / "site.pem").write_bytes(site_cert.public_bytes(pem))
    (tmp / "site.key").write_bytes(
        site_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp / "site.pem", tmp / "site.key")
    client_ctx = ssl.create_default_context(cadata=ca_cert.public_bytes(pem).decode())
    return server_ctx, client_ctx


def test_tls_keeps_the_server_name_and_verifies_the_host_certificate(tmp_path: Path) -> None:
    server_ctx, client_ctx = _certificates(tmp_path)
    names: list[str | None] = []
    server_ctx.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,func-returns-value]
    site = LoopbackServer("127.0.0.2")
    site._httpd.socket = server_ctx.wrap_socket(site._httpd.socket, server_side=True)
    site.routes["/artikel"] = Route(200, b"versleuteld artikel")
    site.start()
    try:
        resolver = ScriptedResolver({"nieuws.test": [[PUBLIC], ["127.0.0.1"]]})
        network = RoutedNetwork({PUBLIC: site})
        result = fetch("https://nieuws.test/artikel", resolver, network, verify=client_ctx)
        assert result.ok and result.body == b"versleuteld artikel", result.error
        assert names == ["nieuws.test"] and network.connects == [(PUBLIC, 443)]
        assert site.hits[0][1]["Host"] == "nieuws.test"
        # the same certificate does not pass for another name at the same address
        other = ScriptedResolver({"ander.test": [[PUBLIC]]})
        refused = fetch("https://ander.test/artikel", other, RoutedNetwork({PUBLIC: site}), verify=client_ctx)
        assert not refused.ok and "certificate" in (refused.error or "").lower()
    finally:
        site.stop()
