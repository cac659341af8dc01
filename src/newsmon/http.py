"""The only network code: one polite, guarded HTTP client.

Politeness: a User-Agent with contact, per-host concurrency and minimum delay, robots.txt
(RFC 9309: 4xx = allow all, 5xx/unreachable = disallow for now), retries with backoff on
429/5xx that honour Retry-After, and conditional GET. Guards: timeouts (connect, read and a
wall-clock total), a cap on the decoded body (so a gzip bomb stops at the cap), a redirect
limit with loop detection, and refusal of loopback, private, link-local, reserved and
metadata addresses (checked after DNS and again after every redirect) unless the host is
allow-listed in settings. The host is resolved once per hop and the connection goes to the
checked address (newsmon.address_guard), so a DNS server that answers differently the second
time (DNS rebinding) is never asked a second time.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import re
import ssl
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from protego import Protego

from newsmon.address_guard import FetchRefusedError, Resolver, Target, check_target, pinned, pinned_transport
from newsmon.config import HttpSettings, SiteAccess

__all__ = [
    "Conditional",
    "FetchRefusedError",
    "FetchResult",
    "PoliteClient",
    "Target",
    "check_target",
    "consent_redirect",
    "fetch_all",
    "parse_retry_after",
    "site_access",
]


@dataclass(frozen=True)
class FetchResult:
    """What one GET produced. `error` is None only for a usable response (2xx or 304)."""

    url: str
    final_url: str
    status: int | None  # HTTP status; None when no response arrived
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    retry_after_s: float | None = None  # what the server asked for on 429/503
    attempts: int = 1
    transient: bool = False  # a retry might succeed (timeouts, resets, 429, 5xx, robots.txt 5xx)
    redirects: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class Conditional:
    """Validators from the previous response, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


_CONSENT_TARGET = re.compile(
    r"consent|privacy|cookie|gdpr|toestemming|login|inloggen|signin|sign-in|account|auth", re.IGNORECASE
)


def _host_key(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def consent_redirect(result: FetchResult) -> str | None:
    """Why this fetch ended on a consent, privacy or login page instead of the article: redirects that
    left the article's host for an address that names consent, privacy, cookies or a login. None otherwise."""
    if not result.redirects:
        return None
    try:
        start, end = urlsplit(result.url), urlsplit(result.final_url)
    except ValueError:
        return None
    if _host_key(start.hostname) == _host_key(end.hostname):
        return None
    if _CONSENT_TARGET.search(f"{end.hostname or ''}{end.path}"):
        return f"redirected to a consent or login page on another host ({end.hostname})"
    return None


def site_access(sites: dict[str, SiteAccess], host: str) -> SiteAccess | None:
    """The access settings for `host`: an entry for the host itself or for a domain above it."""
    host = host.lower().rstrip(".")
    while host:
        if host in sites:
            return sites[host]
        host = host.partition(".")[2]
    return None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _HostGate:
    """Per-host concurrency limit plus a minimum delay between request starts."""

    def __init__(self, concurrency: int, min_delay_s: float) -> None:
        self._sem = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()
        self._min_delay = min_delay_s
        self._next_start = 0.0

    async def __aenter__(self) -> None:
        await self._sem.acquire()
        async with self._lock:
            wait = self._next_start - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_start = time.monotonic() + self._min_delay

    async def __aexit__(self, *exc: object) -> None:
        self._sem.release()


@functools.cache
def _system_trust() -> ssl.SSLContext:
    """The system's certificate store, read once per process: reading it costs tens of milliseconds,
    which a run of a few polls should not pay for every client."""
    return httpx.create_ssl_context(verify=True, trust_env=False)


class _TooLargeError(Exception):
    pass


@dataclass(frozen=True)
class _RobotsUnavailable:
    """robots.txt could not be read: every page of the origin is refused for this run (RFC 9309)."""

    reason: str
    transient: bool  # a 5xx or no answer: the pages are tried again later


class PoliteClient:
    """An async client for one run. Use as `async with PoliteClient(settings) as client:`."""

    def __init__(
        self,
        settings: HttpSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        resolver: Resolver | None = None,
        network: httpcore.AsyncNetworkBackend | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        """`resolver` answers DNS (the system's by default); the connection goes to the addresses it
        answered that passed the guard. `network` is the socket layer under the pinned transport and
        `verify` its TLS trust. A `transport` given here replaces the pinned one: the guard still
        checks every hop, but that transport decides where it connects."""
        self.settings = settings
        self._resolver = resolver
        if transport is None:
            transport = pinned_transport(network, _system_trust() if verify is True else verify)
        timeout = httpx.Timeout(connect=settings.connect_timeout_s, read=settings.read_timeout_s, write=10.0, pool=None)
        self._client = httpx.AsyncClient(
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate, br"},
            timeout=timeout,
            follow_redirects=False,  # followed by hand, so each hop is checked
            transport=transport,
            trust_env=False,  # never route through a proxy from the environment
        )
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, Protego | _RobotsUnavailable | None] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    def _gate(self, host: str) -> _HostGate:
        if host not in self._gates:
            s = self.settings
            self._gates[host] = _HostGate(s.per_host_concurrency, s.per_host_min_delay_s)
        return self._gates[host]

    async def robots_allows(self, url: str) -> tuple[bool, str | None]:
        """(allowed, reason). robots.txt is fetched once per scheme+host and cached."""
        allowed, reason, _transient = await self._robots_verdict(url)
        return allowed, reason

    async def _robots_verdict(self, url: str) -> tuple[bool, str | None, bool]:
        """(allowed, reason, transient): transient when robots.txt could not be read (5xx, unreachable),
        so the page is refused for now but worth trying again later."""
        if not self.settings.respect_robots:
            return True, None, False
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, _RobotsUnavailable):
            return False, rules.reason, rules.transient
        if rules is None or rules.can_fetch(url, self.settings.user_agent.split("/")[0]):
            return True, None, False
        return False, f"disallowed by {origin}/robots.txt", False

    async def _load_robots(self, origin: str) -> Protego | _RobotsUnavailable | None:
        result = await self.get(origin + "/robots.txt", check_robots=False, retries=0)
        if result.status is not None and 400 <= result.status < 500:
            return None  # no robots.txt: everything allowed
        if not result.ok or result.status != 200:
            reason = f"robots.txt unavailable at {origin} ({result.error or result.status}): not fetching"
            return _RobotsUnavailable(reason, result.transient or result.status is None)
        return Protego.parse(result.body.decode("utf-8", errors="replace"))

    async def get(
        self,
        url: str,
        conditional: Conditional | None = None,
        *,
        check_robots: bool = True,
        retries: int | None = None,
    ) -> FetchResult:
        """GET `url` politely. Never raises for network or HTTP trouble: the result says what went wrong."""
        started = time.monotonic()
        max_retries = self.settings.retries if retries is None else retries
        if check_robots:
            allowed, reason, transient = await self._robots_verdict(url)
            if not allowed:
                return FetchResult(url, url, None, error=reason, attempts=0, transient=transient)
        attempt = 0
        while True:
            attempt += 1
            result = await self._get_once(url, conditional)
            result = _with(result, attempts=attempt, elapsed_s=time.monotonic() - started)
            retryable = result.transient or result.status in {429, 500, 502, 503, 504}
            if not retryable or attempt > max_retries:
                return result
            delay = self.settings.backoff_base_s * 2 ** (attempt - 1)
            if result.retry_after_s is not None:
                if result.retry_after_s > self.settings.max_retry_after_s:
                    return result  # the caller records it and polls later
                delay = max(delay, result.retry_after_s)
            await asyncio.sleep(delay)

    async def _get_once(self, url: str, conditional: Conditional | None) -> FetchResult:
        s = self.settings
        headers: dict[str, str] = {}
        if conditional and conditional.etag:
            headers["If-None-Match"] = conditional.etag
        if conditional and conditional.last_modified:
            headers["If-Modified-Since"] = conditional.last_modified
        hops: list[str] = []
        current = url
        try:
            while True:
                target: Target = await check_target(current, s.allow_hosts, self._resolver)
                host = target.host
                hop_headers = headers
                access = site_access(s.sites, host) if s.sites else None
                if access is not None:  # sent to this site only, never along a redirect elsewhere
                    hop_headers = {**headers, **access.headers}
                    if access.cookies:
                        hop_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in access.cookies.items())
                async with self._gate(host):
                    with pinned(target):  # set before wait_for starts its task, which copies the context
                        result, location = await asyncio.wait_for(
                            self._request(url, current, hop_headers, tuple(hops)), timeout=s.total_timeout_s
                        )
                if result.status is None or result.status not in {301, 302, 303, 307, 308}:
                    return result
                if not location:
                    return _with(result, error=f"HTTP {result.status} without a Location header")
                nxt = urljoin(current, location)
                if nxt in hops or nxt == url:
                    return _with(result, error=f"redirect loop at {nxt}")
                hops.append(nxt)
                if len(hops) > s.max_redirects:
                    return _with(result, error=f"more than {s.max_redirects} redirects")
                current = nxt
        except FetchRefusedError as exc:
            return FetchResult(url, current, None, error=f"refused: {exc}", redirects=tuple(hops))
        except TimeoutError:
            error = f"timed out after {s.total_timeout_s:g} s in total"
            return FetchResult(url, current, None, error=error, transient=True)
        except httpx.TimeoutException as exc:
            return FetchResult(url, current, None, error=f"timed out ({type(exc).__name__})", transient=True)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc or 'connection failed'}"
            return FetchResult(url, current, None, error=error, transient=True)

    async def _request(
        self, url: str, current: str, headers: dict[str, str], hops: tuple[str, ...]
    ) -> tuple[FetchResult, str | None]:
        """One request without following redirects: (result, Location header if any)."""
        s = self.settings
        async with self._client.stream("GET", current, headers=headers) as response:
            status = response.status_code
            base = FetchResult(
                url, current, status, content_type=response.headers.get("content-type", ""),
                etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                redirects=hops, retry_after_s=parse_retry_after(response.headers.get("retry-after")),
            )  # fmt: skip
            if status in {301, 302, 303, 307, 308}:
                return base, response.headers.get("location")
            if status == 304:
                return base, None
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > s.max_bytes:
                return _with(base, error=f"body of {declared} bytes exceeds the {s.max_bytes}-byte cap"), None
            try:
                body = await _read_capped(response.aiter_bytes(), s.max_bytes)
            except _TooLargeError:
                return _with(base, error=f"body exceeds the {s.max_bytes}-byte cap (after decoding)"), None
            error = None if 200 <= status < 300 else f"HTTP {status} {response.reason_phrase}".strip()
            return _with(base, body=body, error=error, transient=status == 429 or 500 <= status < 600), None


async def _read_capped(chunks: AsyncIterator[bytes], cap: int) -> bytes:
    buf = bytearray()
    async for chunk in chunks:
        buf.extend(chunk)
        if len(buf) > cap:
            raise _TooLargeError
    return bytes(buf)


def _with(result: FetchResult, **changes: object) -> FetchResult:
    return replace(result, **changes)  # type: ignore[arg-type]


async def fetch_all(
    client: PoliteClient,
    urls: Sequence[str],
    conditionals: Sequence[Conditional | None] | None = None,
    *,
    concurrency: int = 8,
    check_robots: bool = True,
) -> list[FetchResult]:
    """Fetch many URLs concurrently (global bound here, per-host bound in the client), in input order."""
    sem = asyncio.Semaphore(concurrency)
    conds = list(conditionals) if conditionals is not None else [None] * len(urls)

    async def one(u: str, c: Conditional | None) -> FetchResult:
        async with sem:
            return await client.get(u, c, check_robots=check_robots)

    return list(await asyncio.gather(*(one(u, c) for u, c in zip(urls, conds, strict=True))))
