"""Adaptive polling: next poll times move the right way, within bounds; only due feeds are polled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsmon.config import Config
from newsmon.feeds import FeedEntry
from newsmon.pipeline import FeedPoll, due_feeds, next_poll, run_ingest
from newsmon.store import FeedState, Store

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def poll(outcome: str = "ok", items: int = 10, retry_after: float | None = None) -> FeedPoll:
    entries = tuple(FeedEntry(f"https://x.nl/{i}", f"https://x.nl/{i}", None, "t", "", None, None, ())
                    for i in range(items))
    return FeedPoll("o/f", "o", "https://x.nl/rss", outcome, 200, entries, 0, None, None, None, None, None,
                    retry_after, T0, 10)


def test_mostly_new_items_poll_sooner_mostly_known_later(demo_config: Config) -> None:
    lo = demo_config.settings.ingest.min_poll_interval_s
    hi = demo_config.settings.ingest.max_poll_interval_s
    state = FeedState(poll_interval_s=4 * lo)
    _, busy = next_poll(demo_config, state, poll(items=10), new_items=9)
    _, quiet = next_poll(demo_config, state, poll(items=10), new_items=0)
    _, same = next_poll(demo_config, state, poll("unchanged", items=0), new_items=0)
    assert busy < 4 * lo < quiet and same > 4 * lo
    assert next_poll(demo_config, FeedState(poll_interval_s=lo), poll(), 10)[1] == lo  # never below the minimum
    assert next_poll(demo_config, FeedState(poll_interval_s=hi), poll(), 0)[1] == hi  # never above the maximum


def test_failures_back_off_and_honour_retry_after(demo_config: Config) -> None:
    first = next_poll(demo_config, FeedState(consecutive_failures=0), poll("failed"), 0)[1]
    third = next_poll(demo_config, FeedState(consecutive_failures=2), poll("failed"), 0)[1]
    assert third > first
    when, interval = next_poll(demo_config, FeedState(), poll("failed", retry_after=7200), 0)
    assert interval >= 7200 and when == T0 + timedelta(seconds=interval)


def test_only_due_feeds_are_polled(demo_config: Config, tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.duckdb") as store:
        first = run_ingest(demo_config, store)
        assert first["feeds_polled"] == len([f for f in demo_config.feeds if f.enabled])
        states = store.feed_states()
        assert due_feeds(demo_config, states) == []  # everything was just polled
        later = max(s.next_poll_at for s in states.values() if s.next_poll_at) + timedelta(seconds=1)
        assert len(due_feeds(demo_config, states, later)) == first["feeds_polled"]
        second = run_ingest(demo_config, store, due_only=True)
        assert second["feeds_polled"] == 0 and second["new_articles"] == 0
