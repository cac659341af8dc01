"""The fetch queue over simulated hours: a page a feed announced waits until it is stored or given up,
whether or not the feed still lists it; hosts failing transiently back off; Retry-After is honoured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsmon.config import Config, IngestSettings
from newsmon.pipeline import run_ingest
from newsmon.retry import DISALLOWED, FAILED, PERMANENT, TRANSIENT, failure_kind, host_wait, jitter, schedule
from newsmon.store import Store
from tests.faults.ledger import Rows
from tests.loopback import LoopbackServer, Route
from tests.newsroom import Outage, Outlet, SimClock, Story, write_config

T0 = datetime(2025, 3, 10, 6, 0, tzinfo=UTC)
STEP = timedelta(minutes=15)


@pytest.fixture
def hosts() -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    """An outlet's pages on 127.0.0.2 and its feed behind a 'CDN' on 127.0.0.3."""
    pages, cdn = LoopbackServer("127.0.0.2").start(), LoopbackServer("127.0.0.3").start()
    yield pages, cdn
    pages.stop()
    cdn.stop()


def stories(outlet: Outlet, count: int, every: timedelta, start: datetime = T0) -> None:
    for n in range(count):
        outlet.add(Story(outlet.id, n, start + n * every, f"bericht-{n}", f"{outlet.id}-{n}"))


def run_until(
    config: Config, store: Store, sim: SimClock, end: datetime, pages: LoopbackServer | None = None
) -> list[datetime]:
    """Runs every 15 minutes up to `end`; returns the run times at which `pages` was asked for an article."""
    asked = []
    while sim.now <= end:
        before = len(page_hits(pages)) if pages else 0
        run_ingest(config, store, due_only=True, now=sim.now)
        asked += [sim.now] * ((len(page_hits(pages)) if pages else 0) - before)
        sim.now += STEP
    return asked


def stored_stories(store: Store) -> list[int]:
    urls = [r[0] for r in store.con.execute("SELECT url FROM articles").fetchall()]
    return sorted(int(u.split("/nieuws/")[1].split("/")[0]) for u in urls)


def page_hits(server: LoopbackServer) -> list[str]:
    return [p for p, _ in server.hits if "/nieuws/" in p]


@pytest.mark.fault("site: article pages down 3 hours while their items leave the feed")
def test_pages_announced_during_a_3_hour_outage_are_stored_after_it_without_hammering_the_host(
    tmp_path: Path, hosts: tuple[LoopbackServer, LoopbackServer], rows: Rows
) -> None:
    pages, cdn = hosts
    sim = SimClock(T0)
    outage = Outage(T0 + timedelta(hours=1), T0 + timedelta(hours=4), "reset", feed_too=False)
    krant = Outlet("krant", sim, pages, cdn, outages=[outage])
    stories(krant, 16, timedelta(minutes=30))  # 8 hours of stories, each in the feed for 2 hours
    config = write_config(tmp_path, [krant])
    with Store.open(config.settings.db_path) as store:
        asked = run_until(config, store, sim, outage.start + timedelta(hours=2), pages)
        # mid-outage: the announced pages wait in the queue, for their host
        queue = store.con.execute("SELECT kind, state, host FROM v_fetch_queue").fetchall()
        assert queue and {k for k, _, _ in queue} <= {TRANSIENT, "deferred"}
        assert {h for _, _, h in queue} == {"127.0.0.2"}
        backoff = store.con.execute("SELECT failures FROM host_backoff").fetchall()
        assert len(backoff) == 1 and backoff[0][0] >= 2
        asked += run_until(config, store, sim, T0 + timedelta(hours=12), pages)
        # 3 hours at a 15-minute schedule are 12 runs; backing off, the host was tried in far fewer
        runs_asking = {t for t in asked if outage.active(t)}
        assert 2 <= len(runs_asking) <= 5
        assert krant.announced == set(range(16))
        lost, duplicated = rows.check({str(n) for n in krant.announced}, [str(n) for n in stored_stories(store)])
        assert lost == set() and duplicated == 0  # every announced page once
        assert store.con.execute("SELECT count(*) FROM v_fetch_queue").fetchone() == (0,)
        assert store.count("host_backoff") == 0


@pytest.mark.fault("site: feed and pages answer 503 with Retry-After for an hour")
def test_503_with_retry_after_is_not_asked_again_before_the_hour(
    tmp_path: Path, hosts: tuple[LoopbackServer, LoopbackServer]
) -> None:
    pages, _cdn = hosts
    sim = SimClock(T0)
    outage = Outage(T0 + timedelta(minutes=50), T0 + timedelta(minutes=110), "503", retry_after_s=3600)
    krant = Outlet("krant", sim, pages, pages, outages=[outage])
    stories(krant, 8, timedelta(minutes=40))
    config = write_config(tmp_path, [krant])
    with Store.open(config.settings.db_path) as store:
        asked: list[datetime] = []
        while sim.now <= T0 + timedelta(hours=8):
            before = len(pages.hits)
            run_ingest(config, store, due_only=True, now=sim.now)
            if len(pages.hits) > before:
                asked.append(sim.now)
            sim.now += STEP
        first_503 = next(t for t in asked if outage.active(t))
        assert not [t for t in asked if first_503 < t < first_503 + timedelta(seconds=3600)]
        assert stored_stories(store) == sorted(krant.announced) == list(range(8))


@pytest.mark.fault("page: 410 while still in the feed")
def test_a_gone_page_is_given_up_at_once_and_not_fetched_again_while_in_the_feed(
    tmp_path: Path, server: LoopbackServer
) -> None:
    sim = SimClock(T0)
    krant = Outlet("krant", sim, server, server)
    stories(krant, 2, timedelta(minutes=5))
    gone = krant.stories[1]
    server.routes[gone.path(gone.slug)] = Route(410, b"verwijderd")
    config = write_config(tmp_path, [krant])
    with Store.open(config.settings.db_path) as store:
        sim.now = T0 + timedelta(minutes=10)
        run_until(config, store, sim, T0 + timedelta(hours=1, minutes=30))
        assert page_hits(server).count(gone.path(gone.slug)) == 1
        row = store.con.execute("SELECT kind, state, attempts, reason FROM v_fetch_queue").fetchone()
        assert row is not None and row[:3] == (PERMANENT, "given_up", 1) and row[3].startswith("given up")
        assert stored_stories(store) == [0]


@pytest.mark.fault("site: robots.txt answers 503 for hours")
def test_robots_txt_answering_503_queues_the_pages_until_it_recovers(
    tmp_path: Path, hosts: tuple[LoopbackServer, LoopbackServer]
) -> None:
    pages, cdn = hosts
    sim = SimClock(T0)
    krant = Outlet("krant", sim, pages, cdn)
    stories(krant, 6, timedelta(minutes=20))
    recovered = T0 + timedelta(hours=3)
    pages.routes["/robots.txt"] = lambda _req: Route(503 if sim.now < recovered else 404, b"")
    config = write_config(tmp_path, [krant])
    with Store.open(config.settings.db_path) as store:
        run_until(config, store, sim, recovered - STEP)
        assert page_hits(pages) == []  # nothing fetched while robots.txt could not be read
        kinds = {r[0] for r in store.con.execute("SELECT kind FROM v_fetch_queue WHERE state <> 'given_up'").fetchall()}
        assert kinds and kinds <= {TRANSIENT, "deferred"}
        run_until(config, store, sim, recovered + timedelta(hours=7))
        assert stored_stories(store) == list(range(6)) == sorted(krant.announced)


@pytest.mark.fault("page: 502 for more than 72 hours")
def test_a_page_failing_transiently_is_retried_for_72_hours_then_given_up(
    tmp_path: Path, server: LoopbackServer
) -> None:
    sim = SimClock(T0)
    krant = Outlet("krant", sim, server, server)
    stories(krant, 1, timedelta(minutes=5))
    story = krant.stories[0]
    server.routes[story.path(story.slug)] = Route(502, b"bad gateway")
    config = write_config(tmp_path, [krant])
    with Store.open(config.settings.db_path) as store:
        attempts = []
        while sim.now <= T0 + timedelta(hours=84):
            run_ingest(config, store, due_only=True, now=sim.now)
            attempts.append(page_hits(server).count(story.path(story.slug)))
            sim.now += timedelta(hours=1)
        first, last, given_up, kind = store.con.execute(
            "SELECT first_failed_at, last_failed_at, given_up_at, kind FROM fetch_failures").fetchone()
    assert kind == TRANSIENT and given_up == last
    assert timedelta(hours=72) <= given_up - first <= timedelta(hours=72 + 7)
    tries = attempts[-1]
    assert 72 / 6 <= tries <= 30  # backoff: far fewer than the 72 hourly runs, but more than a handful
    assert attempts[-1] == attempts[-5]  # once given up, never asked again


def test_retry_rules() -> None:
    s = IngestSettings()
    assert failure_kind(503, "HTTP 503", False) == failure_kind(None, "timed out", True) == TRANSIENT
    assert failure_kind(429, "HTTP 429", False) == TRANSIENT
    assert failure_kind(404, "HTTP 404", False) == failure_kind(200, "not an HTML page (PDF)", False) == PERMANENT
    assert failure_kind(None, "disallowed by http://x/robots.txt", False) == DISALLOWED
    assert failure_kind(403, "HTTP 403", False) == failure_kind(200, "extraction failed: X", False) == FAILED
    assert all(0.8 <= jitter(f"h{i}", a) < 1.2 for i in range(50) for a in range(1, 5))
    assert len({round(jitter(f"h{i}", 1), 6) for i in range(50)}) == 50  # hosts come back at different times
    waits = [host_wait(s, "h", n, None) for n in range(1, 12)]
    assert waits[0] < waits[1] < waits[2] and max(waits) <= timedelta(seconds=s.retry_max_s * 1.2)
    assert host_wait(s, "h", 1, 7200) == timedelta(seconds=7200)  # Retry-After is never undercut
    t = T0
    assert schedule(s, PERMANENT, 1, t, t, None).given_up_at == t
    assert schedule(s, TRANSIENT, 9, t, t + timedelta(hours=71), t + timedelta(hours=73)).next_attempt_at == (
        t + timedelta(hours=73))  # fmt: skip
    assert schedule(s, TRANSIENT, 10, t, t + timedelta(hours=72), None).given_up_at == t + timedelta(hours=72)
    assert schedule(s, DISALLOWED, 3, t, t + timedelta(days=6), None).next_attempt_at == t + timedelta(days=7)
    assert schedule(s, DISALLOWED, 8, t, t + timedelta(days=7), None).given_up_at is not None
    assert [schedule(s, FAILED, a, t, t, None).next_attempt_at for a in (1, 2)] == [
        t + timedelta(hours=1), t + timedelta(hours=4)]  # fmt: skip
    assert schedule(s, FAILED, 3, t, t, None).given_up_at == t
