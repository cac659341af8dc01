"""Revisits over simulated days: a young article is fetched again on a decaying schedule with a
conditional GET, and a correction the feed does not announce (RSS 2.0 without <updated>) becomes a
new version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsmon.config import ConfigError, IngestSettings, load_config
from newsmon.pipeline import run_ingest
from newsmon.revisit import first_revisit, next_revisit, revisit_horizon
from newsmon.store import Store
from tests.loopback import LoopbackServer
from tests.newsroom import Outlet, SimClock, Story, write_config

T0 = datetime(2025, 3, 10, 6, 0, tzinfo=UTC)
STEP = timedelta(minutes=15)


@pytest.mark.fault("page: corrected twice, the feed silent (RSS 2.0 without <updated>)")
def test_a_silent_correction_is_found_by_a_revisit_and_stored_as_a_version(
    tmp_path: Path, server: LoopbackServer
) -> None:
    sim = SimClock(T0)
    krant = Outlet("krant", sim, server, server)
    story = Story("krant", 1, T0 + timedelta(minutes=5), "kim-in-moskou", "krant-1",
                  corrections=(T0 + timedelta(minutes=100), T0 + timedelta(hours=8)))  # fmt: skip
    krant.add(story)
    path = story.path(story.slug)
    config = write_config(tmp_path, [krant])
    with Store.open(config.settings.db_path) as store:
        asked: list[tuple[datetime, str | None]] = []
        while sim.now <= T0 + timedelta(hours=52):
            before = len(server.hits)
            run_ingest(config, store, due_only=True, now=sim.now)
            asked += [(sim.now, h.get("If-None-Match")) for p, h in server.hits[before:] if p == path]
            sim.now += STEP
        first = asked[0][0]
        # the first fetch, then one revisit at each of 1, 3, 12, 24 and 48 hours, each conditional
        assert [t - first for t, _ in asked] == [timedelta(hours=h) for h in (0, 1, 3, 12, 24, 48)]
        assert asked[0][1] is None and all(etag for _, etag in asked[1:])
        versions = store.con.execute("SELECT version, body FROM article_versions ORDER BY version").fetchall()
        assert [v for v, _ in versions] == [1, 2, 3]
        assert "Correctie 1" not in versions[0][1] and "Correctie 1" in versions[1][1]
        assert "Correctie 2" in versions[2][1]
        assert store.con.execute("SELECT version FROM articles").fetchall() == [(3,)]
        assert store.con.execute("SELECT revisits, next_revisit_at FROM article_revisits").fetchall() == [(5, None)]
        # three revisits saw the page unchanged: each a 304, no extraction, no version
        outcomes = [r[0] for r in store.con.execute("SELECT last_outcome FROM article_revisits").fetchall()]
        assert outcomes == ["not_modified"]
        assert store.count("articles") == 1 and store.count("article_sources") == 1


def test_an_article_older_than_the_window_at_its_first_fetch_is_not_revisited(
    tmp_path: Path, server: LoopbackServer
) -> None:
    sim = SimClock(T0)
    krant = Outlet("krant", sim, server, server, lifetime=timedelta(days=10))
    krant.add(Story("krant", 2, T0 - timedelta(days=3), "archief", "krant-2"))
    config = write_config(tmp_path, [krant])
    with Store.open(config.settings.db_path) as store:
        while sim.now <= T0 + timedelta(hours=4):
            run_ingest(config, store, due_only=True, now=sim.now)
            sim.now += STEP
        assert store.count("articles") == 1 and store.count("article_revisits") == 0
    assert [p for p, _ in server.hits if "/nieuws/" in p] == ["/krant/nieuws/2/archief"]


def test_revisit_schedule_rules() -> None:
    s = IngestSettings()
    t = T0
    assert first_revisit(s, t, t - timedelta(hours=47)) == t + timedelta(hours=1)
    assert first_revisit(s, t, t - timedelta(hours=49)) is None
    assert first_revisit(IngestSettings(revisit_window_h=0), t, t) is None
    assert next_revisit(s, t, 1, t + timedelta(hours=1)) == t + timedelta(hours=3)
    # a run that was missed is not made up with several revisits in a row
    assert next_revisit(s, t, 1, t + timedelta(hours=13)) == t + timedelta(hours=24)
    assert next_revisit(s, t, 5, t + timedelta(hours=48)) is None
    narrow = IngestSettings(revisit_window_h=12)
    assert next_revisit(narrow, t, 2, t + timedelta(hours=3)) == t + timedelta(hours=12)
    assert next_revisit(narrow, t, 3, t + timedelta(hours=12)) is None
    assert revisit_horizon(s) == timedelta(hours=60)


def test_a_revisit_long_overdue_is_dropped(tmp_path: Path, server: LoopbackServer) -> None:
    """Runs stopped for days: the articles' last revisits are not made when runs resume."""
    sim = SimClock(T0)
    krant = Outlet("krant", sim, server, server, lifetime=timedelta(days=30))
    story = Story("krant", 3, T0, "melding", "krant-3")
    krant.add(story)
    config = write_config(tmp_path, [krant])
    with Store.open(config.settings.db_path) as store:
        for offset in (0.1, 1.1, 3.1, 12.1, 200):
            sim.now = T0 + timedelta(hours=offset)
            run_ingest(config, store, due_only=True, now=sim.now)
        assert store.con.execute("SELECT revisits, next_revisit_at, last_outcome FROM article_revisits").fetchall() == [
            (3, None, "expired")]  # fmt: skip
    assert [p for p, _ in server.hits if "/nieuws/" in p] == [story.path(story.slug)] * 4


def test_a_revisit_schedule_out_of_order_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text(
        "db_path: x.duckdb\ndata_dir: d\nhttp:\n  user_agent: 'newsmon-test (+mailto:t@example.org)'\n"
        "ingest:\n  revisit_after_h: [1, 12, 3]\n"
    )
    (tmp_path / "feeds.yaml").write_text("outlets: []\nfeeds: []\n")
    with pytest.raises(ConfigError, match=r"revisit_after_h.*increasing order"):
        load_config(tmp_path)
