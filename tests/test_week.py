"""A week of real feed behaviour in seconds: five outlets on loopback servers, a run every 15 minutes
on the injected clock for 7 simulated days. Feeds roll over (items leave after about 2 hours), one
outlet edits the slug of 10 % of its articles after publication, one corrects articles without
saying so in its RSS 2.0 feed (no <updated>), one outlet's article pages are down for 3 hours (its
feed, on a CDN, stays up), and one answers 503 with Retry-After for an hour. Every article a feed
announced must be stored exactly once, and every correction must be a version."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsmon.pipeline import run_ingest
from newsmon.store import Store
from tests.faults.ledger import Rows
from tests.loopback import LoopbackServer
from tests.newsroom import Outage, Outlet, SimClock, Story, write_config

T0 = datetime(2025, 3, 3, 0, 0, tzinfo=UTC)  # a Monday
DAYS = 7
STEP = timedelta(minutes=15)
END = T0 + timedelta(days=DAYS)


@pytest.fixture
def servers() -> Iterator[dict[str, LoopbackServer]]:
    names = ["noord", "stad", "kust", "grens", "grens-cdn", "dag"]
    started = {name: LoopbackServer(f"127.0.0.{20 + i}").start() for i, name in enumerate(names)}
    yield started
    for server in started.values():
        server.stop()


def publish(outlet: Outlet, rng: random.Random, *, slug_edits: bool = False, corrections: bool = False) -> None:
    """Stories every 1.5 to 4 hours around the clock for the week; with `slug_edits` every tenth gets a
    new slug 40 minutes after publication; with `corrections` every third is corrected after 100
    minutes and every sixth again after 8 hours (only stories old enough for both revisits to come)."""
    when, n = T0 + timedelta(minutes=rng.randrange(0, 90)), 0
    while when < END - timedelta(hours=2):
        story = Story(outlet.id, n, when, f"bericht-{n}-eerste-versie", f"{outlet.id}-{n:04d}")
        if slug_edits and n % 10 == 0:
            story.new_slug, story.slug_edited = f"bericht-{n}-aangepast", when + timedelta(minutes=40)
        if corrections and n % 3 == 0 and when < END - timedelta(hours=14):
            fixes = [when + timedelta(minutes=100)] + ([when + timedelta(hours=8)] if n % 6 == 0 else [])
            story.corrections = tuple(fixes)
        outlet.add(story)
        when += timedelta(minutes=rng.randrange(90, 240))
        n += 1


@pytest.mark.fault(
    "week: feeds roll over", "week: slugs edited after publication", "week: corrections without <updated>",
    "week: article pages down 3 hours", "week: 503 with Retry-After for an hour",
)  # fmt: skip
def test_a_week_of_feeds_loses_and_duplicates_nothing(
    tmp_path: Path, servers: dict[str, LoopbackServer], rows: Rows, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = SimClock(T0)
    rng = random.Random(15)
    day = timedelta(days=1)
    noord = Outlet("noord", sim, servers["noord"], servers["noord"], guid_style="opaque")
    stad = Outlet("stad", sim, servers["stad"], servers["stad"], guid_style="link")
    kust = Outlet("kust", sim, servers["kust"], servers["kust"], guid_style="none")
    grens = Outlet("grens", sim, servers["grens"], servers["grens-cdn"], outages=[
        Outage(T0 + day + timedelta(hours=10), T0 + day + timedelta(hours=13), "reset", feed_too=False)])  # fmt: skip
    busy = T0 + 3 * day + timedelta(hours=14)
    dag = Outlet("dag", sim, servers["dag"], servers["dag"], outages=[
        Outage(busy, busy + timedelta(hours=1), "503", retry_after_s=3600)])  # fmt: skip
    outlets = [noord, stad, kust, grens, dag]
    publish(noord, rng, slug_edits=True)
    publish(stad, rng, corrections=True)
    for outlet in (kust, grens, dag):
        publish(outlet, rng)
    config = write_config(tmp_path, outlets)

    with Store.open(config.settings.db_path) as store:
        while sim.now < END:
            run_ingest(config, store, due_only=True, now=sim.now)
            sim.now += STEP
        stored = store.con.execute("SELECT outlet_id, url FROM articles").fetchall()
        versions = store.count("article_versions")
        sources = dict(store.con.execute("SELECT a.outlet_id, count(*) FROM article_sources s "
                                          "JOIN articles a ON a.id = s.article_id GROUP BY 1").fetchall())  # fmt: skip
        checks = store.run_checks()
        waiting = store.con.execute("SELECT count(*) FROM v_fetch_queue WHERE state <> 'given_up'").fetchone()

    announced = {(o.id, n) for o in outlets for n in o.announced}
    stories = [(outlet, int(url.split("/nieuws/")[1].split("/")[0])) for outlet, url in stored]
    lost, duplicated = rows.check({f"{o}/{n}" for o, n in announced}, [f"{o}/{n}" for o, n in stories])
    corrections = sum(len(s.corrections) for s in stad.stories if s.n in stad.announced)
    line = (f"announced {len(announced)}, stored {len(set(stories))}, duplicated {duplicated}, "
            f"lost {len(lost)}, versions {versions}")  # fmt: skip
    with capsys.disabled():
        print(f"\nweek: {line}")

    assert line == (f"announced {len(announced)}, stored {len(announced)}, duplicated 0, lost 0, "
                    f"versions {len(announced) + corrections}")  # fmt: skip
    assert set(stories) == announced and len(stories) == len(announced)
    assert all(o.announced == {s.n for s in o.stories} for o in outlets)  # every story was in a feed we read
    assert corrections >= 20
    # an edited slug the feed carried under both links is a second source row of the one article
    edited = {s.n for s in noord.stories if s.new_slug}
    both = sum({s.path(s.slug), s.path(s.new_slug or "")} <= noord.served_links for s in noord.stories if s.n in edited)
    assert len(edited) >= 5 and both >= 2
    assert sources["noord"] == len(noord.served_links) == len(noord.stories) + both
    assert Counter(o for o, _ in stories) == Counter({o.id: len(o.stories) for o in outlets})
    assert all(not found for found in checks.values()), {k: v for k, v in checks.items() if v}
    assert waiting == (0,)
