"""Polling feeds: conditional GET and body hash per feed, and when each feed is due again."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from newsmon.config import Config, Feed
from newsmon.feeds import FeedEntry, FeedError, body_hash, parse_feed
from newsmon.http import Conditional, FetchResult, PoliteClient, fetch_all
from newsmon.store import FeedState


@dataclass(frozen=True)
class FeedPoll:
    """The outcome of polling one feed."""

    feed_id: str
    outlet_id: str
    url: str
    outcome: str  # ok | not_modified | unchanged | failed
    http_status: int | None
    entries: tuple[FeedEntry, ...]
    skipped_items: int
    error: str | None
    warning: str | None
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    retry_after_s: float | None
    polled_at: datetime
    duration_ms: int


def _poll_outcome(feed: Feed, state: FeedState, result: FetchResult) -> FeedPoll:
    base: dict[str, Any] = {
        "feed_id": feed.id, "outlet_id": feed.outlet, "url": feed.url, "http_status": result.status,
        "etag": result.etag, "last_modified": result.last_modified, "retry_after_s": result.retry_after_s,
        "polled_at": result.fetched_at, "duration_ms": int(result.elapsed_s * 1000),
        "entries": (), "skipped_items": 0, "warning": None, "error": None, "body_sha256": None,
    }
    if not result.ok:
        return FeedPoll(outcome="failed", **{**base, "error": result.error})
    if result.not_modified:
        return FeedPoll(outcome="not_modified", **base)
    digest = body_hash(result.body)
    base["body_sha256"] = digest
    if digest == state.body_sha256:
        return FeedPoll(outcome="unchanged", **base)
    try:
        parsed = parse_feed(result.body, result.final_url, result.content_type)
    except FeedError as exc:
        return FeedPoll(outcome="failed", **{**base, "body_sha256": None, "error": f"{exc}"})
    except Exception as exc:  # a parser bug on hostile bytes fails this feed, never the other feeds
        return FeedPoll(outcome="failed", **{**base, "body_sha256": None,
                                             "error": f"feed parser failed: {type(exc).__name__}: {exc}"})  # fmt: skip
    base.update(entries=parsed.entries, skipped_items=parsed.skipped, warning=parsed.warning)
    return FeedPoll(outcome="ok", **base)


def poll_feeds(config: Config, states: dict[str, FeedState], feeds: Sequence[Feed] | None = None) -> list[FeedPoll]:
    """Poll feeds concurrently (conditional GET + body hash). One broken feed never stops the others."""
    feeds = [f for f in (feeds if feeds is not None else config.feeds) if f.enabled]

    async def run() -> list[FeedPoll]:
        async with PoliteClient(config.settings.http) as client:
            conds = [
                Conditional(states.get(f.id, FeedState()).etag, states.get(f.id, FeedState()).last_modified)
                for f in feeds
            ]
            results = await fetch_all(
                client, [f.url for f in feeds], conds,
                concurrency=config.settings.ingest.fetch_concurrency, check_robots=False,
            )
        return [_poll_outcome(f, states.get(f.id, FeedState()), r) for f, r in zip(feeds, results, strict=True)]

    return asyncio.run(run())


def next_poll(config: Config, state: FeedState, poll: FeedPoll, new_items: int) -> tuple[datetime, int]:
    """When to poll this feed again, and the interval used (seconds), adapting as Media Cloud does.

    Mostly new items: poll twice as often; mostly known items or an unchanged feed: half again as
    long; always within [min_poll_interval_s, max_poll_interval_s]. Each consecutive failure
    doubles the wait (a failing feed is slowed, never dropped) and a Retry-After is never undercut.
    """
    ingest = config.settings.ingest
    lo, hi = ingest.min_poll_interval_s, ingest.max_poll_interval_s
    current = state.poll_interval_s or lo
    if poll.outcome == "failed":
        interval = min(hi, max(lo, 60) * 2 ** min(state.consecutive_failures, 16))
        if poll.retry_after_s:
            interval = max(interval, int(poll.retry_after_s))
    elif poll.outcome in {"unchanged", "not_modified"} or not poll.entries:
        interval = min(hi, int(current * 1.5))
    else:
        share_new = new_items / len(poll.entries)
        if share_new >= 0.5:
            interval = max(lo, current // 2)
        elif share_new < 0.2:
            interval = min(hi, int(current * 1.5))
        else:
            interval = current
    return poll.polled_at + timedelta(seconds=interval), int(interval)


def due_feeds(config: Config, states: dict[str, FeedState], now: datetime | None = None) -> list[Feed]:
    """Enabled feeds whose next poll time has come (or that were never polled)."""
    now = now or datetime.now(UTC)
    return [
        f for f in config.feeds
        if f.enabled and (states.get(f.id) is None or states[f.id].next_poll_at is None
                          or states[f.id].next_poll_at <= now)  # type: ignore[operator]
    ]  # fmt: skip
