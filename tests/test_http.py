"""The polite client against a real loopback server: what each kind of trouble turns into."""

from __future__ import annotations

import asyncio
import time

import pytest

from newsmon.config import HttpSettings
from newsmon.http import (
    Conditional,
    FetchRefusedError,
    FetchResult,
    PoliteClient,
    check_target,
    fetch_all,
    parse_retry_after,
)
from tests.loopback import LoopbackServer, Route


def settings(**overrides: object) -> HttpSettings:
    base: dict[str, object] = {
        "user_agent": "newsmon-test/0.1 (+mailto:test@example.org)",
        "allow_hosts": ("127.0.0.1",),
        "per_host_min_delay_s": 0.0,
        "backoff_base_s": 0.05,
        "retries": 2,
        "connect_timeout_s": 2,
        "read_timeout_s": 2,
        "total_timeout_s": 5,
    }
    base.update(overrides)
    return HttpSettings.model_validate(base)


def get(url: str, cond: Conditional | None = None, **overrides: object) -> FetchResult:
    async def run() -> FetchResult:
        async with PoliteClient(settings(**overrides)) as client:
            return await client.get(url, cond)

    return asyncio.run(run())


def test_plain_get_sends_user_agent_and_returns_body(server: LoopbackServer) -> None:
    server.routes["/a"] = Route(200, b"hallo", {"Content-Type": "text/plain"})
    result = get(server.url("/a"))
    assert result.ok and result.body == b"hallo" and result.status == 200
    ua = next(h for p, h in server.hits if p == "/a")["User-Agent"]
    assert "mailto:test@example.org" in ua


def test_etag_conditional_get_gives_304(server: LoopbackServer) -> None:
    server.routes["/feed"] = Route(200, b"<rss/>", etag='"v1"')
    first = get(server.url("/feed"))
    assert first.etag == '"v1"'
    second = get(server.url("/feed"), Conditional(etag=first.etag))
    assert second.not_modified and second.ok and second.body == b""
    assert [h.get("If-None-Match") for p, h in server.hits if p == "/feed"] == [None, '"v1"']


def test_redirect_chain_is_followed_and_recorded(server: LoopbackServer) -> None:
    server.routes["/r1"] = Route(301, headers={"Location": "/r2"})
    server.routes["/r2"] = Route(302, headers={"Location": server.url("/final")})
    server.routes["/final"] = Route(200, b"eind")
    result = get(server.url("/r1"))
    assert result.ok and result.body == b"eind"
    assert result.final_url == server.url("/final")
    assert result.redirects == (server.url("/r2"), server.url("/final"))


def test_redirect_loop_is_detected(server: LoopbackServer) -> None:
    server.routes["/x"] = Route(302, headers={"Location": "/y"})
    server.routes["/y"] = Route(302, headers={"Location": "/x"})
    result = get(server.url("/x"))
    assert not result.ok and "redirect loop" in (result.error or "")


def test_too_many_redirects(server: LoopbackServer) -> None:
    for i in range(5):
        server.routes[f"/h{i}"] = Route(302, headers={"Location": f"/h{i + 1}"})
    result = get(server.url("/h0"), max_redirects=2)
    assert not result.ok and "more than 2 redirects" in (result.error or "")


def test_429_with_retry_after_is_retried_then_succeeds(server: LoopbackServer) -> None:
    calls = {"n": 0}

    def flaky(_handler: object) -> Route:
        calls["n"] += 1
        return Route(429, b"slow down", {"Retry-After": "1"}) if calls["n"] == 1 else Route(200, b"ok")

    server.routes["/busy"] = flaky
    started = time.monotonic()
    result = get(server.url("/busy"))
    assert result.ok and result.attempts == 2
    assert time.monotonic() - started >= 0.9  # Retry-After was honoured, not just the 0.05 s backoff


def test_503_with_long_retry_after_gives_up_at_once(server: LoopbackServer) -> None:
    server.routes["/down"] = Route(503, b"onderhoud", {"Retry-After": "3600"})
    started = time.monotonic()
    result = get(server.url("/down"))
    assert not result.ok and result.status == 503 and result.retry_after_s == 3600
    assert result.attempts == 1 and time.monotonic() - started < 2


def test_500_is_retried_up_to_the_limit(server: LoopbackServer) -> None:
    server.routes["/err"] = Route(500, b"kapot")
    result = get(server.url("/err"), retries=2)
    assert result.error == "HTTP 500 Internal Server Error" and result.attempts == 3
    assert sum(p == "/err" for p, _ in server.hits) == 3


@pytest.mark.parametrize("status", [404, 410])
def test_gone_pages_are_not_retried(server: LoopbackServer, status: int) -> None:
    server.routes["/weg"] = Route(status, b"weg")
    result = get(server.url("/weg"))
    assert result.status == status and not result.ok and result.attempts == 1


def test_connection_reset_is_an_error_not_an_exception(server: LoopbackServer) -> None:
    server.routes["/reset"] = Route(reset=True)
    result = get(server.url("/reset"), retries=0)
    assert result.status is None and result.error and result.transient


def test_server_that_never_answers_times_out(server: LoopbackServer) -> None:
    server.routes["/hang"] = Route(200, b"te laat", delay_s=3)
    started = time.monotonic()
    result = get(server.url("/hang"), read_timeout_s=0.5, retries=0)
    assert "timed out" in (result.error or "")
    assert time.monotonic() - started < 2.5


def test_slow_drip_hits_the_total_timeout(server: LoopbackServer) -> None:
    # each byte arrives well within the read timeout, but the whole body never finishes in time
    server.routes["/drip"] = Route(200, b"x" * 200, drip_s=0.02)
    result = get(server.url("/drip"), read_timeout_s=1, total_timeout_s=1, retries=0)
    assert "timed out after 1 s in total" in (result.error or "")


def test_declared_oversized_body_is_refused(server: LoopbackServer) -> None:
    server.routes["/big"] = Route(200, b"y" * 5000)
    result = get(server.url("/big"), max_bytes=1000)
    assert not result.ok and "exceeds the 1000-byte cap" in (result.error or "") and result.body == b""


def test_gzip_bomb_stops_at_the_cap(server: LoopbackServer) -> None:
    bomb = b"\0" * 5_000_000  # ~5 KB on the wire, 5 MB decoded
    server.routes["/bomb"] = Route(200, bomb, gzip=True)
    result = get(server.url("/bomb"), max_bytes=100_000)
    assert not result.ok and "after decoding" in (result.error or "")


def test_gzip_is_decoded(server: LoopbackServer) -> None:
    server.routes["/gz"] = Route(200, b"Pyongyang en Moskou" * 50, gzip=True)
    result = get(server.url("/gz"))
    assert result.ok and result.body.startswith(b"Pyongyang en Moskou")


def test_loopback_is_refused_unless_allow_listed(server: LoopbackServer) -> None:
    server.routes["/a"] = Route(200, b"geheim")
    result = get(server.url("/a"), allow_hosts=())
    assert not result.ok and "loopback address" in (result.error or "")
    assert not any(p == "/a" for p, _ in server.hits)  # nothing was sent


def test_redirect_to_metadata_address_is_refused(server: LoopbackServer) -> None:
    server.routes["/jump"] = Route(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    result = get(server.url("/jump"))
    assert not result.ok and "169.254.169.254" in (result.error or "") and "link-local" in (result.error or "")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.1.2.3/x", "private address"),
        ("http://192.168.0.1/", "private address"),
        ("http://[::1]/", "loopback address"),
        ("ftp://example.org/file", "not an http(s) URL"),
    ],
)
def test_unsafe_targets_are_refused_before_any_traffic(url: str, reason: str) -> None:
    with pytest.raises(FetchRefusedError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        asyncio.run(check_target(url, ()))


def test_robots_txt_disallow_is_respected_and_cached(server: LoopbackServer) -> None:
    server.routes["/robots.txt"] = Route(200, b"User-agent: *\nDisallow: /prive/\n")
    server.routes["/prive/stuk.html"] = Route(200, b"nee")
    server.routes["/open.html"] = Route(200, b"ja")

    async def run() -> list[FetchResult]:
        async with PoliteClient(settings()) as client:
            return await fetch_all(client, [server.url("/prive/stuk.html"), server.url("/open.html")])

    blocked, allowed = asyncio.run(run())
    assert not blocked.ok and "disallowed by" in (blocked.error or "") and blocked.attempts == 0
    assert allowed.ok and allowed.body == b"ja"
    paths = [p for p, _ in server.hits]
    assert paths.count("/robots.txt") == 1 and "/prive/stuk.html" not in paths


@pytest.mark.parametrize(("status", "transient"), [(503, True), (500, True), (429, True), (404, False),
                                                  (410, False), (403, False)])  # fmt: skip
def test_the_transient_flag_says_whether_a_later_attempt_may_succeed(
    server: LoopbackServer, status: int, transient: bool
) -> None:
    server.routes["/p"] = Route(status, b"nee")
    result = get(server.url("/p"), retries=0)
    assert not result.ok and result.status == status and result.transient is transient


def test_a_reset_connection_is_transient(server: LoopbackServer) -> None:
    server.routes["/reset"] = Route(reset=True)
    assert get(server.url("/reset"), retries=0).transient


@pytest.mark.parametrize(("robots", "transient"), [(503, True), (500, True)])
def test_robots_txt_answering_5xx_refuses_the_page_for_now_as_transient(
    server: LoopbackServer, robots: int, transient: bool
) -> None:
    server.routes["/robots.txt"] = Route(robots, b"storing")
    server.routes["/stuk.html"] = Route(200, b"ja")
    result = get(server.url("/stuk.html"))
    assert not result.ok and (result.error or "").startswith("robots.txt unavailable")
    assert result.transient is transient and "/stuk.html" not in [p for p, _ in server.hits]


def test_a_disallowed_page_is_not_transient(server: LoopbackServer) -> None:
    server.routes["/robots.txt"] = Route(200, b"User-agent: *\nDisallow: /prive/\n")
    result = get(server.url("/prive/stuk.html"))
    assert (result.error or "").startswith("disallowed by") and not result.transient


def test_missing_robots_txt_allows_everything(server: LoopbackServer) -> None:
    server.routes["/open.html"] = Route(200, b"ja")
    assert get(server.url("/open.html")).ok


def test_per_host_concurrency_is_bounded(server: LoopbackServer) -> None:
    active = {"now": 0, "max": 0}

    def counted(_handler: object) -> Route:
        active["now"] += 1
        active["max"] = max(active["max"], active["now"])
        time.sleep(0.15)
        active["now"] -= 1
        return Route(200, b"ok")

    for i in range(6):
        server.routes[f"/p{i}"] = counted

    async def run() -> list[FetchResult]:
        async with PoliteClient(settings(per_host_concurrency=2, respect_robots=False)) as client:
            return await fetch_all(client, [server.url(f"/p{i}") for i in range(6)], concurrency=6)

    results = asyncio.run(run())
    assert all(r.ok for r in results)
    assert active["max"] == 2


def test_retry_after_parsing() -> None:
    from datetime import UTC, datetime

    now = datetime(2024, 6, 19, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 19 Jun 2024 12:01:00 GMT", now) == 60
    assert parse_retry_after("morgen") is None
