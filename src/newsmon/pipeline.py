"""Plain, batch-sized steps of one ingest run, and the function that composes them.

Each step is what one Prefect task calls (flows/ingest/); `run_ingest` composes the same
steps in-process for `newsmon ingest`, and the flow passes task-wrapped versions of them, so
both paths run the same code. Nothing here imports prefect.

    poll_feeds -> plan_fetches -> [fetch_and_extract -> load] per batch -> finish (feed state, run)

Batch k+1 is fetched and extracted (in a thread, on the worker pool) while batch k is loaded, so
the workers do not wait for the database; batches are fetched one at a time, so the per-host
limits of the HTTP client hold across them, and each is loaded whole in its own transaction.

Each step lives in the module of its concern: newsmon.poll (feeds, when each is due),
newsmon.plan (which pages to fetch), newsmon.fetch (the page fetches and the worker pool),
newsmon.load (the rows of a batch), newsmon.run_summary (status and the printed summary) and
newsmon.reprocess (re-deriving from stored text). Their public names are importable from here too.
"""

from __future__ import annotations

import contextvars
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from newsmon.analysis import resources_for
from newsmon.config import Config
from newsmon.fetch import (
    _INLINE_EXTRACT_BELOW,
    STORAGE_ERRNOS,
    PageOutcome,
    analyse_article,
    chunks,
    fetch_and_extract,
    prewarm,
)
from newsmon.identity import settle_pages
from newsmon.load import QueueState, add_derived_rows, article_row, batch_rows, final_rows
from newsmon.plan import EntrySource, FetchJob, Plan, plan_fetches
from newsmon.poll import FeedPoll, due_feeds, next_poll, poll_feeds
from newsmon.reprocess import reanalyse, reextract
from newsmon.revisit import revisit_horizon
from newsmon.run_summary import (
    RUN_FAILED,
    RUN_OK,
    RUN_PARTIAL,
    EveryFeedFailedError,
    PageResult,
    format_summary,
    run_status,
    summarise,
)
from newsmon.store import FeedState, LoadBatch, Store, content_hash

__all__ = [
    "RUN_FAILED", "RUN_OK", "RUN_PARTIAL", "STORAGE_ERRNOS", "EntrySource", "EveryFeedFailedError", "FeedPoll",
    "FetchBatches", "FetchJob", "PageOutcome", "PageResult", "Plan", "Steps", "add_derived_rows", "analyse_article",
    "article_row", "batch_rows", "chunks", "due_feeds", "fetch_and_extract", "fetched_ahead", "final_rows",
    "format_summary", "next_poll", "plan_fetches", "poll_feeds", "prewarm", "reanalyse", "reextract", "run_ingest",
    "run_status", "summarise",
]  # fmt: skip

FetchBatches = Callable[[Config, Sequence[Sequence[FetchJob]]], Iterable[list[PageOutcome]]]


class Pending(Protocol):
    """A batch being fetched: a concurrent.futures.Future or a PrefectFuture."""

    def result(self) -> list[PageOutcome]: ...


def fetched_ahead(
    submit: Callable[[Sequence[FetchJob]], Pending], parts: Iterable[Sequence[FetchJob]]
) -> Iterator[list[PageOutcome]]:
    """The outcomes of each batch, in order; the next batch is submitted as soon as the previous one
    is done, so it is fetched while the caller loads that one. One batch is fetched at a time. When
    the caller stops (an error, a crash of the load), the batch under way is waited for and dropped:
    nothing of it is loaded, and no fetch outlives the run."""
    pending: Pending | None = None
    try:
        for part in parts:
            if pending is None:
                pending = submit(part)
                continue
            done, pending = pending.result(), None
            pending = submit(part)
            yield done
        if pending is not None:
            done, pending = pending.result(), None
            yield done
    finally:
        if pending is not None:
            with suppress(Exception):  # the run already stops for another reason
                pending.result()


@contextmanager
def _closed(batches: Iterable[list[PageOutcome]]) -> Iterator[Iterator[list[PageOutcome]]]:
    """The batches' iterator, closed when the run leaves it (so a batch under way is waited for)."""
    stream = iter(batches)
    try:
        yield stream
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()


def _in_thread(fetch: Callable[[Config, Sequence[FetchJob]], list[PageOutcome]]) -> FetchBatches:
    """`fetch` batch by batch in a thread of its own, one batch ahead of the caller."""

    def batches(config: Config, parts: Sequence[Sequence[FetchJob]]) -> Iterator[list[PageOutcome]]:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsmon-fetch") as thread:
            yield from fetched_ahead(
                lambda part: thread.submit(contextvars.copy_context().run, fetch, config, part), parts
            )

    return batches


@dataclass
class Steps:
    """The steps a run calls; the Prefect flow swaps in task-wrapped versions.

    `fetch_batches`, when set, takes all batches at once and yields their outcomes as they are done,
    so a distributed runner can keep several batches in flight while this process loads the finished
    ones; by default `fetch_and_extract` runs in a thread, one batch ahead of the loads
    (`fetched_ahead`), or one batch after the other with `ahead=False`.
    """

    poll: Callable[[Config, dict[str, FeedState]], list[FeedPoll]] = poll_feeds
    fetch_and_extract: Callable[[Config, Sequence[FetchJob]], list[PageOutcome]] = fetch_and_extract
    load: Callable[[Store, LoadBatch], None] = Store.load_batch
    fetch_batches: FetchBatches | None = None
    prewarm: Callable[[Config], None] = prewarm
    ahead: bool = True

    def fetch_parts(self, config: Config, parts: Sequence[Sequence[FetchJob]]) -> Iterable[list[PageOutcome]]:
        if self.fetch_batches is not None:
            return self.fetch_batches(config, parts)
        if self.ahead and len(parts) > 1:
            return _in_thread(self.fetch_and_extract)(config, parts)
        return (self.fetch_and_extract(config, part) for part in parts)

    def batches(self, config: Config, jobs: Sequence[FetchJob]) -> Iterable[list[PageOutcome]]:
        return self.fetch_parts(config, chunks(jobs, config.settings.ingest.batch_size))


def run_ingest(
    config: Config, store: Store, *, mode: str = "inprocess", steps: Steps | None = None, due_only: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One ingest run: poll, fetch new pages in batches, load each batch in one transaction.

    With `due_only` (scheduled runs) only feeds whose next poll time has come are polled. `now`
    injects the clock: due feeds, the fetch queue, revisits and the times recorded for polls and
    pages are all taken from it (default: the real time), so tests can run days of schedule.
    """
    steps = steps or Steps()
    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    store.sync_config(
        [o.model_dump() for o in config.outlets],
        [
            {"id": f.id, "outlet_id": f.outlet, "name": f.name, "url": f.url, "section": f.section,
             "language": f.language, "enabled": f.enabled}
            for f in config.feeds
        ],
    )
    gazetteer = resources_for(config).load_gazetteer()
    store.sync_gazetteer(gazetteer.version, gazetteer.frames)
    store.start_run(run_id, mode, str(config.directory))
    outcomes: list[PageResult] = []
    try:
        clock = now or datetime.now(UTC)
        states = store.feed_states()
        if due_only:
            config = replace(config, feeds=tuple(due_feeds(config, states, clock)))
        polls = steps.poll(config, states)
        if now is not None:  # an injected clock: the whole run happens at that instant
            polls = [replace(p, polled_at=now) for p in polls]
        retries = [*store.retryable_failures(clock), *store.due_walls(clock), *store.due_refetches(clock)]
        hosts = store.host_backoff()
        store.close_stale_revisits(clock, revisit_horizon(config.settings.ingest))
        plan = plan_fetches(polls, store, retries, clock, hosts, store.due_revisits(clock))
        if len(plan.jobs) >= _INLINE_EXTRACT_BELOW:
            steps.prewarm(config)
        claimed: dict[str, str] = {}  # page URL -> article id, for pages fetched in this run
        # a checkpoint between batches once the log has grown this much: DuckDB holds what the loads
        # wrote in memory until one (by itself only after 16 MB of log)
        wal_bytes = int(config.settings.ingest.checkpoint_wal_mb * 2**20)
        revisions = 0  # revisits that found a changed body (a new version)
        with _closed(steps.batches(config, plan.jobs)) as stream:
            for fetched in stream:
                stamped = fetched if now is None else [replace(o, fetched_at=now) for o in fetched]
                batch_outcomes, merged = settle_pages(stamped, store, plan.known_ids, claimed)
                plan.updated_ids |= merged
                queued = store.queue_state([o.job.article_id for o in batch_outcomes])
                queue = QueueState(config.settings.ingest, frozenset(plan.known_ids), queued, store.host_backoff())
                revised = [o for o in batch_outcomes if o.job.revisit is not None and o.article is not None]
                before = store.content_hashes([o.job.article_id for o in revised])
                revisions += sum(before.get(o.job.article_id) != content_hash(o.article.title, o.article.body)
                                 for o in revised if o.article is not None)  # fmt: skip
                steps.load(store, batch_rows(batch_outcomes, run_id, queue))
                store.checkpoint_from(wal_bytes)
                outcomes.extend(PageResult.of(o) for o in batch_outcomes)
        steps.load(store, final_rows(config, run_id, polls, states, plan, clock))
    except BaseException as exc:
        try:
            store.finish_run(run_id, "failed", {"error": f"{type(exc).__name__}: {exc}"})
        except Exception as also:  # e.g. the disk is full: the original error is the one to report
            exc.add_note(f"(the run could not be marked failed either: {also})")
        raise
    summary = summarise(run_id, polls, plan, outcomes, time.monotonic() - started, revisions)
    store.finish_run(run_id, summary["status"], summary)
    return summary
