"""Plain, batch-sized steps of one ingest run, and the function that composes them.

Each step is what one Prefect task calls (flows/ingest.py); `run_ingest` composes the same
steps in-process for `newsmon ingest`, and the flow passes task-wrapped versions of them, so
both paths run the same code. Nothing here imports prefect.

    poll_feeds -> plan_fetches -> [fetch_and_extract -> load] per batch -> finish (feed state, run)
"""

from __future__ import annotations

import asyncio
import atexit
import errno
import json
import logging
import multiprocessing
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from newsmon.analysis import ANALYSED_STATUSES, Analysis, Resources, analyse, resources_for
from newsmon.archive import Archive
from newsmon.config import Config, Feed
from newsmon.extract import Article, FeedHints, detect_language, extract_article, page_problem
from newsmon.feeds import FeedEntry, FeedError, body_hash, parse_feed
from newsmon.http import Conditional, FetchResult, PoliteClient, consent_redirect, fetch_all
from newsmon.store import (
    ArticleRow,
    EventRow,
    FailureRow,
    FeedState,
    FeedStateRow,
    LoadBatch,
    MentionRow,
    PollRow,
    SourceRow,
    Store,
    TopicRow,
    WallRow,
    content_hash,
)
from newsmon.urls import article_id

log = logging.getLogger("newsmon")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T = TypeVar("T")
MAX_FETCH_ATTEMPTS = 3  # a page that failed this often is left in fetch_failures for a person to look at
# errors of the local disk (full, over quota, read-only, no permission): they stop a run
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})
_INLINE_EXTRACT_BELOW = 16  # smaller batches are extracted in-process: a worker pool costs ~1 s to start


# --- polling ----------------------------------------------------------------------------


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


# --- planning ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EntrySource:
    feed_id: str
    entry: FeedEntry


@dataclass(frozen=True)
class FetchJob:
    """One article page to fetch, with every feed entry that pointed at it."""

    article_id: str
    url: str  # the link to fetch (the first one seen; tracking parameters and all)
    outlet_id: str
    sources: tuple[EntrySource, ...]

    @property
    def hints(self) -> FeedHints:
        entry = self.sources[0].entry
        dated = next((s.entry.published_at for s in self.sources if s.entry.published_at), None)
        return FeedHints(published_at=dated, title=entry.title or None, summary=entry.summary or None,
                         author=entry.author)


@dataclass
class Plan:
    jobs: list[FetchJob]
    known_sources: list[EntrySource] = field(default_factory=list)  # entries of articles already stored
    known_ids: set[str] = field(default_factory=set)
    updated_ids: set[str] = field(default_factory=set)  # stored, but the feed says the page changed since


def _updated_since(sources: Sequence[EntrySource], fetched_at: datetime, now: datetime) -> bool:
    """An entry's explicit update time after the last fetch (and not in the future) means: fetch again."""
    return any(
        s.entry.updated_at is not None and fetched_at < s.entry.updated_at <= now + timedelta(minutes=5)
        for s in sources
    )


def plan_fetches(
    polls: Sequence[FeedPoll], store: Store, retries: Sequence[FailureRow] = (), now: datetime | None = None
) -> Plan:
    """Group feed entries by article id; split into new pages to fetch and known articles.

    `retries` are pages to fetch again even when no feed lists them now: failed fetches, consent
    walls and empty or live pages whose next attempt has come. A failed or walled page whose next
    attempt has not come is left alone, and so is a stored page that is not due for a refetch.
    """
    now = now or datetime.now(UTC)
    grouped: dict[str, list[EntrySource]] = defaultdict(list)
    outlet_of: dict[str, str] = {}
    for poll in polls:
        for entry in poll.entries:
            aid = article_id(entry.canonical_url)
            grouped[aid].append(EntrySource(poll.feed_id, entry))
            outlet_of.setdefault(aid, poll.outlet_id)
    for aid in store.waiting_walls(list(grouped), now) | store.waiting_failures(list(grouped), now):
        del grouped[aid]
    due = {f.article_id for f in retries}
    for failure in retries:
        if failure.article_id not in grouped:
            entry = FeedEntry(failure.url, failure.url, failure.guid, failure.feed_title or "", "",
                              failure.feed_published_at, None, ())
            grouped[failure.article_id].append(EntrySource(failure.feed_id, entry))
            outlet_of[failure.article_id] = failure.feed_id.split("/", 1)[0]
    known = store.known_articles(list(grouped))
    plan = Plan(jobs=[], known_ids=set(known))
    for aid, sources in grouped.items():
        if aid in known and aid not in due and not _updated_since(sources, known[aid], now):
            plan.known_sources.extend(sources)
        else:
            if aid in known:
                plan.updated_ids.add(aid)
            plan.jobs.append(FetchJob(aid, sources[0].entry.url, outlet_of[aid], tuple(sources)))
    plan.jobs.sort(key=lambda j: j.article_id)
    return plan


# --- fetching and extraction --------------------------------------------------------------


@dataclass(frozen=True)
class PageOutcome:
    """A fetched-and-extracted page, or the reason it could not be had."""

    job: FetchJob
    article: Article | None
    raw_sha256: str | None
    http_status: int | None
    fetched_at: datetime
    error: str | None
    analysis: Analysis | None = None
    wall_url: str | None = None  # set when a consent or login wall answered: where the fetch ended


@dataclass(frozen=True)
class _Work:
    """One page for a worker process: extract it, then analyse the text."""

    html: bytes
    url: str
    hints: FeedHints
    fetched_at: datetime
    max_future_days: float
    resources: Resources
    archive_dir: Path


def _extract_one(work: _Work) -> tuple[str, Article | None, Analysis | None, str | None]:
    """(raw sha256, article, analysis, error) for one page; the raw page is archived here, in the worker."""
    sha = Archive(work.archive_dir).put(work.html)  # a full or read-only disk stops the run (OSError)
    try:
        article = extract_article(work.html, work.url, work.hints, work.fetched_at, work.max_future_days)
    except Exception as exc:
        if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
            raise  # the machine's problem, not the page's: recording it would retire good pages
        return sha, None, None, f"extraction failed: {type(exc).__name__}: {exc}"
    try:
        analysis = analyse_article(article, work.resources)
    except Exception as exc:  # a bug in the rules or the enrichers: the page is recorded and retried later
        return sha, None, None, f"analysis failed: {type(exc).__name__}: {exc}"
    return sha, article, analysis, None


def analyse_article(article: Article, resources: Resources) -> Analysis | None:
    if article.status not in ANALYSED_STATUSES:
        return None
    published = (article.published_at or datetime.now(UTC)).astimezone(AMSTERDAM).date()
    return analyse(article.body, published, article.title, article.lead, resources)


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _warm(resources: Resources) -> None:
    """Load what every page needs (rules, language model) before the first page arrives."""
    resources.load_gazetteer()
    resources.load_topics()
    detect_language("Dit is een korte Nederlandse zin om het taalmodel te laden voordat het werk begint.")


def prewarm(config: Config) -> None:
    """Start the worker pool and let each worker load its models while the first pages are fetched."""
    workers = config.settings.ingest.extract_workers
    if workers > 1:
        pool = _pool(workers)
        for _ in range(workers):
            pool.submit(_warm, resources_for(config))


def _pool(workers: int) -> ProcessPoolExecutor:
    """One worker pool per process, kept across batches and runs: starting a worker (imports, rules)
    costs about a second, which must not be paid per batch. spawn, not fork: the caller may be a
    threaded Prefect worker."""
    if workers not in _POOLS:
        _POOLS[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        atexit.register(_POOLS[workers].shutdown, wait=False, cancel_futures=True)
    return _POOLS[workers]


def fetch_and_extract(config: Config, jobs: Sequence[FetchJob]) -> list[PageOutcome]:
    """Fetch a batch of pages concurrently; archive, extract and analyse each page on the worker pool
    as soon as it arrives, so network waits and CPU work overlap."""
    resources = resources_for(config)
    ingest = config.settings.ingest
    parallel = ingest.extract_workers > 1 and (len(jobs) >= _INLINE_EXTRACT_BELOW or ingest.extract_workers in _POOLS)

    async def one(client: PoliteClient, slots: asyncio.Semaphore, job: FetchJob) -> PageOutcome:
        async with slots:
            result = await client.get(job.url)
        redirected = consent_redirect(result)
        if redirected:
            return PageOutcome(job, None, None, result.status, result.fetched_at, f"consent wall: {redirected}",
                               wall_url=result.final_url)  # fmt: skip
        if not result.ok or result.not_modified:
            return PageOutcome(job, None, None, result.status, result.fetched_at,
                               result.error or "unexpected 304 for a page")
        problem = page_problem(result.content_type, result.body)
        if problem:
            return PageOutcome(job, None, None, result.status, result.fetched_at, problem)
        item = _Work(result.body, result.final_url, job.hints, result.fetched_at, ingest.max_future_days, resources,
                     config.settings.archive_dir)  # fmt: skip
        if parallel:
            done = await asyncio.get_running_loop().run_in_executor(_pool(ingest.extract_workers), _extract_one, item)
        else:
            done = _extract_one(item)
        sha, article, analysis, error = done
        if article is None:
            return PageOutcome(job, None, sha, result.status, item.fetched_at, error)
        if article.status == "consent_wall":
            return PageOutcome(job, None, sha, result.status, item.fetched_at,
                               "consent wall: the page shows a consent or login wall instead of the article",
                               wall_url=result.final_url)  # fmt: skip
        return PageOutcome(job, article, sha, result.status, item.fetched_at, None, analysis)

    async def run() -> list[PageOutcome]:
        async with PoliteClient(config.settings.http) as client:
            slots = asyncio.Semaphore(ingest.fetch_concurrency)
            try:
                # a page's own problems come back as outcomes; anything raised (a full or read-only
                # disk) stops the batch: the other pages are cancelled and the first error goes up
                async with asyncio.TaskGroup() as group:
                    tasks = [group.create_task(one(client, slots, job)) for job in jobs]
            except ExceptionGroup as errors:
                raise errors.exceptions[0] from None
            return [task.result() for task in tasks]

    return asyncio.run(run())


# --- assembling rows ----------------------------------------------------------------------


def _source_rows(sources: Sequence[EntrySource], seen_at: datetime) -> list[SourceRow]:
    return [
        SourceRow(article_id(s.entry.canonical_url), s.feed_id, s.entry.url, s.entry.guid, s.entry.title or None,
                  s.entry.published_at, seen_at)
        for s in sources
    ]


def article_row(
    aid: str, url: str, canonical: str, outlet_id: str, art: Article, fetched_at: datetime, raw_sha256: str | None,
    http_status: int | None, run_id: str,
) -> ArticleRow:  # fmt: skip
    """The articles row for an extracted page (ingest and re-extraction build it the same way)."""
    return ArticleRow(
        id=aid, url=url, canonical_url=canonical, page_canonical_url=art.canonical_url, outlet_id=outlet_id,
        title=art.title, lead=art.lead, author=art.author, section=art.section, published_at=art.published_at,
        published_source=art.published_source, fetched_at=fetched_at, language=art.language, body=art.body,
        word_count=art.word_count, content_sha256=content_hash(art.title, art.body), raw_sha256=raw_sha256,
        http_status=http_status, status=art.status, notes="; ".join(art.notes) or None,
        extractor_version=art.extractor_version, run_id=run_id,
    )


def batch_rows(outcomes: Sequence[PageOutcome], run_id: str) -> LoadBatch:
    """Rows for one batch of pages: articles with their sources, or failures to retry later."""
    batch = LoadBatch()
    for out in outcomes:
        job, art = out.job, out.article
        if out.wall_url is not None:
            first = job.sources[0]
            batch.walls.append(
                WallRow(job.article_id, job.url, out.wall_url, first.feed_id, first.entry.guid,
                        first.entry.title or None, first.entry.published_at, out.fetched_at, out.http_status,
                        out.error or "consent wall", run_id)
            )  # fmt: skip
            continue
        if art is None:
            first = job.sources[0]
            batch.failures.append(
                FailureRow(job.article_id, job.url, first.feed_id, first.entry.guid, first.entry.title or None,
                           first.entry.published_at, out.fetched_at, out.http_status, out.error or "unknown", run_id)
            )
            continue
        batch.articles.append(
            article_row(job.article_id, job.url, job.sources[0].entry.canonical_url, job.outlet_id, art,
                        out.fetched_at, out.raw_sha256, out.http_status, run_id)
        )
        batch.sources.extend(_source_rows(job.sources, out.fetched_at))
        add_derived_rows(batch, job.article_id, out.analysis)
    return batch


def add_derived_rows(batch: LoadBatch, aid: str, analysis: Analysis | None) -> None:
    """Mentions, topic decisions and events of one article; they replace whatever it had."""
    batch.enriched_ids.append(aid)
    if analysis is None:
        return
    batch.mentions.extend(
        MentionRow(aid, m.field, m.start, m.end, m.entity_id, m.surface, m.sentence, m.kind, m.source, m.refers_to,
                   analysis.gazetteer_version)
        for m in analysis.mentions
    )
    batch.topics.extend(
        TopicRow(aid, t.topic, t.relevance, t.score, list(t.themes), json.dumps(t.to_json()["evidence"],
                 ensure_ascii=False), analysis.topics_version)
        for t in analysis.topics
    )
    batch.events.extend(
        EventRow(aid, e.field, e.expression.start, e.expression.end, e.expression.text, e.expression.date_start,
                 e.expression.date_end, e.expression.precision, e.sentence_text, list(e.entity_ids),
                 f"{analysis.events_version}")
        for e in analysis.events
    )


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


def final_rows(
    config: Config, run_id: str, polls: Sequence[FeedPoll], states: dict[str, FeedState], plan: Plan
) -> LoadBatch:
    """Feed state, poll records and sources of already-known articles: loaded after all pages."""
    new_per_feed: Counter[str] = Counter()
    for job in plan.jobs:
        for s in job.sources:
            new_per_feed[s.feed_id] += 1
    batch = LoadBatch()
    now = datetime.now(UTC)
    batch.sources = _source_rows(plan.known_sources, now)
    for poll in polls:
        state = states.get(poll.feed_id, FeedState())
        new_items = new_per_feed[poll.feed_id]
        when, interval = next_poll(config, state, poll, new_items)
        batch.feed_states.append(
            FeedStateRow(poll.feed_id, poll.polled_at, poll.outcome != "failed", poll.etag, poll.last_modified,
                         poll.body_sha256, new_items > 0, poll.error, when, interval)
        )
        batch.polls.append(
            PollRow(run_id, poll.feed_id, poll.polled_at, poll.http_status, poll.outcome, len(poll.entries),
                    new_items, poll.skipped_items, poll.duration_ms, poll.warning, poll.error)
        )
    return batch


# --- the run --------------------------------------------------------------------------------


FetchBatches = Callable[[Config, Sequence[Sequence[FetchJob]]], Iterable[list[PageOutcome]]]


@dataclass
class Steps:
    """The steps a run calls; the Prefect flow swaps in task-wrapped versions.

    `fetch_batches`, when set, takes all batches at once and yields their outcomes as they are done,
    so a distributed runner can keep several batches in flight while this process loads the finished
    ones; by default batches are fetched one after the other with `fetch_and_extract`.
    """

    poll: Callable[[Config, dict[str, FeedState]], list[FeedPoll]] = poll_feeds
    fetch_and_extract: Callable[[Config, Sequence[FetchJob]], list[PageOutcome]] = fetch_and_extract
    load: Callable[[Store, LoadBatch], None] = Store.load_batch
    fetch_batches: FetchBatches | None = None
    prewarm: Callable[[Config], None] = prewarm

    def batches(self, config: Config, jobs: Sequence[FetchJob]) -> Iterable[list[PageOutcome]]:
        parts = chunks(jobs, config.settings.ingest.batch_size)
        if self.fetch_batches is not None:
            return self.fetch_batches(config, parts)
        return (self.fetch_and_extract(config, part) for part in parts)


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass(frozen=True)
class PageResult:
    """What the run summary keeps of a page once its batch is loaded (not the text: memory stays flat)."""

    article_id: str
    outlet_id: str
    url: str
    status: str | None  # extraction status, None when the page failed
    error: str | None

    @classmethod
    def of(cls, out: PageOutcome) -> PageResult:
        status = "consent_wall" if out.wall_url else out.article.status if out.article else None
        return cls(out.job.article_id, out.job.outlet_id, out.job.url, status, out.error)


RUN_OK, RUN_PARTIAL, RUN_FAILED = "ok", "partial", "failed"


def run_status(polls: Sequence[FeedPoll], outcomes: Sequence[PageResult]) -> str:
    """`failed` when every feed polled failed (nothing could be read at all), `partial` when some
    feed or page failed, `ok` otherwise. A run that polled no feed (none due) is `ok`. A run that
    stopped on an error is recorded `failed` by `run_ingest` without a summary of this kind."""
    failed_feeds = sum(p.outcome == "failed" for p in polls)
    if polls and failed_feeds == len(polls):
        return RUN_FAILED
    if failed_feeds or any(o.status is None for o in outcomes):
        return RUN_PARTIAL
    return RUN_OK


class EveryFeedFailedError(RuntimeError):
    """Raised by the Prefect flow (not by `run_ingest`) after the run is recorded and its summary
    published, so that the flow run ends Failed; `summary` is the run's summary as usual."""

    def __init__(self, summary: dict[str, Any]) -> None:
        super().__init__(f"every feed failed ({summary.get('feeds_failed')} of {summary.get('feeds_polled')}): "
                         "nothing could be read; the reasons are in the run summary")  # fmt: skip
        self.summary = summary

    def __reduce__(self) -> tuple[type[EveryFeedFailedError], tuple[dict[str, Any]]]:
        return type(self), (self.summary,)


def summarise(
    run_id: str, polls: Sequence[FeedPoll], plan: Plan, outcomes: Sequence[PageResult], seconds: float
) -> dict[str, Any]:
    by_outlet: dict[str, Counter[str]] = defaultdict(Counter)
    statuses: Counter[str] = Counter()
    for out in outcomes:
        kind = ("failed" if out.status is None else "walled" if out.status == "consent_wall"
                else "updated" if out.article_id in plan.updated_ids else "new")  # fmt: skip
        by_outlet[out.outlet_id][kind] += 1
        if out.status and kind == "new":
            statuses[out.status] += 1
    for s in {src.entry.canonical_url: src for src in plan.known_sources}.values():
        outlet = next(p.outlet_id for p in polls if p.feed_id == s.feed_id)
        by_outlet[outlet]["skipped"] += 1
    failures = [{"feed": p.feed_id, "url": p.url, "error": p.error} for p in polls if p.outcome == "failed"]
    failures += [{"page": o.url, "error": o.error} for o in outcomes if o.status is None]
    return {
        "run_id": run_id,
        "status": run_status(polls, outcomes),
        "seconds": round(seconds, 2),
        "feeds_polled": len(polls),
        "feeds_failed": sum(p.outcome == "failed" for p in polls),
        "feeds_unchanged": sum(p.outcome in {"unchanged", "not_modified"} for p in polls),
        "entries": sum(len(p.entries) for p in polls),
        "new_articles": sum(o.status not in {None, "consent_wall"} and o.article_id not in plan.updated_ids
                            for o in outcomes),
        "updated_articles": sum(o.status not in {None, "consent_wall"} and o.article_id in plan.updated_ids
                                for o in outcomes),
        "consent_walls": sum(o.status == "consent_wall" for o in outcomes),
        "skipped": len(plan.known_ids - plan.updated_ids),
        "failed": sum(o.status is None for o in outcomes),
        "statuses": dict(statuses),
        "by_outlet": {k: dict(v) for k, v in sorted(by_outlet.items())},
        "failures": failures,
        "feed_warnings": [{"feed": p.feed_id, "warning": p.warning} for p in polls if p.warning],
    }


def run_ingest(
    config: Config, store: Store, *, mode: str = "inprocess", steps: Steps | None = None, due_only: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One ingest run: poll, fetch new pages in batches, load each batch in one transaction.

    With `due_only` (scheduled runs) only feeds whose next poll time has come are polled. `now` is
    the time the refetch backoff of walls and empty or live pages is measured against (default: now).
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
        states = store.feed_states()
        if due_only:
            config = replace(config, feeds=tuple(due_feeds(config, states)))
        polls = steps.poll(config, states)
        clock = now or datetime.now(UTC)
        retries = [*store.retryable_failures(MAX_FETCH_ATTEMPTS, clock), *store.due_walls(clock),
                   *store.due_refetches(clock)]  # fmt: skip
        plan = plan_fetches(polls, store, retries, clock)
        if len(plan.jobs) >= _INLINE_EXTRACT_BELOW:
            steps.prewarm(config)
        for batch_outcomes in steps.batches(config, plan.jobs):
            steps.load(store, batch_rows(batch_outcomes, run_id))
            outcomes.extend(PageResult.of(o) for o in batch_outcomes)
        steps.load(store, final_rows(config, run_id, polls, states, plan))
        if any(o.status for o in outcomes):
            store.rebuild_fts(config.settings.ingest.fts_min_interval_s)
    except BaseException as exc:
        try:
            store.finish_run(run_id, "failed", {"error": f"{type(exc).__name__}: {exc}"})
        except Exception as also:  # e.g. the disk is full: the original error is the one to report
            exc.add_note(f"(the run could not be marked failed either: {also})")
        raise
    summary = summarise(run_id, polls, plan, outcomes, time.monotonic() - started)
    store.finish_run(run_id, summary["status"], summary)
    return summary


def format_summary(summary: dict[str, Any], db_path: str) -> str:
    """A short plain-text report of one run, for the terminal and the Prefect artifact."""
    lines = [
        f"Run {summary['run_id']} -> {db_path} in {summary['seconds']} s: {summary.get('status', RUN_OK)}",
        f"feeds polled: {summary['feeds_polled']} (failed {summary['feeds_failed']}, "
        f"unchanged {summary['feeds_unchanged']}); entries: {summary['entries']}",
        f"new articles: {summary['new_articles']}  updated: {summary.get('updated_articles', 0)}  "
        f"skipped (already stored): {summary['skipped']}  failed pages: {summary['failed']}",
    ]
    if summary["new_articles"] == 0 and not summary.get("updated_articles"):
        lines.append("nothing new: 0 rows added")
    if summary.get("consent_walls"):
        lines.append(f"behind a consent or login wall (retried later, not stored): {summary['consent_walls']}")
    if summary["statuses"]:
        lines.append("new by status: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["statuses"].items())))
    if summary["by_outlet"]:
        lines.append(f"{'outlet':<16}{'new':>6}{'skipped':>9}{'failed':>8}")
        for outlet, counts in summary["by_outlet"].items():
            new, skipped, failed = (counts.get(k, 0) for k in ("new", "skipped", "failed"))
            lines.append(f"{outlet:<16}{new:>6}{skipped:>9}{failed:>8}")
    for failure in summary["failures"]:
        what = failure.get("feed") or failure.get("page")
        lines.append(f"FAILED {what}: {failure['error']}")
    for warning in summary["feed_warnings"]:
        lines.append(f"warning {warning['feed']}: {warning['warning']}")
    return "\n".join(lines)


# --- re-deriving from stored text -----------------------------------------------------------


def _analyse_stored(args: tuple[str, str | None, str | None, str, date, Resources]) -> tuple[str, Analysis]:
    aid, title, lead, body, published, resources = args
    return aid, analyse(body, published, title, lead, resources)


def reanalyse(config: Config, store: Store, since: date | None = None, batch_size: int = 500) -> dict[str, int]:
    """Rebuild mentions, topics and events of stored articles with the current rules, a transaction per batch.

    Works from the stored text, without network access; an interrupted run leaves whole batches
    done and can simply be run again.
    """
    resources = resources_for(config)
    gazetteer = resources.load_gazetteer()
    store.sync_gazetteer(gazetteer.version, gazetteer.frames)
    rows = store.articles_for_analysis(sorted(ANALYSED_STATUSES), since)
    done = mentions = tagged = events = 0
    for chunk in chunks(rows, batch_size):
        work = [(aid, title, lead, body, published.astimezone(AMSTERDAM).date(), resources)
                for aid, title, lead, body, published in chunk]
        workers = config.settings.ingest.extract_workers
        if workers > 1 and len(work) >= 4 * _INLINE_EXTRACT_BELOW:
            results = list(_pool(workers).map(_analyse_stored, work, chunksize=32))
        else:
            results = [_analyse_stored(w) for w in work]
        batch = LoadBatch()
        for aid, analysis in results:
            add_derived_rows(batch, aid, analysis)
        store.load_batch(batch)
        done += len(results)
        mentions += len(batch.mentions)
        tagged += sum(t.relevance != "none" for t in batch.topics)
        events += len(batch.events)
    return {"articles": done, "mentions": mentions, "tagged": tagged, "events": events}



@dataclass(frozen=True)
class _Stored:
    """A stored article to re-extract from its archived page."""

    row: tuple[Any, ...]  # (id, url, canonical_url, outlet_id, fetched_at, raw_sha256, http_status, run_id)
    html: bytes
    hints: FeedHints
    max_future_days: float
    resources: Resources


def _reextract_one(item: _Stored) -> tuple[_Stored, Article | None, Analysis | None, str | None]:
    aid, url, _canonical, _outlet, fetched_at, _sha, _status, _run = item.row
    try:
        article = extract_article(item.html, url, item.hints, fetched_at, item.max_future_days)
    except Exception as exc:
        return item, None, None, f"{aid}: extraction failed: {type(exc).__name__}: {exc}"
    return item, article, analyse_article(article, item.resources), None


def reextract(config: Config, store: Store, since: date | None = None, batch_size: int = 200) -> dict[str, int]:
    """Re-run extraction (and analysis) from the raw archive with the current extractor; no network.

    A page whose text comes out different becomes a new article version; the old one stays in
    article_versions. One transaction per batch, so an interrupted run can simply be repeated.
    """
    archive = Archive(config.settings.archive_dir)
    resources = resources_for(config)
    run_id = f"reprocess-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    done = changed = missing = 0
    for chunk in chunks(store.articles_for_reextract(since), batch_size):
        items = []
        for row, feed_date, feed_title in chunk:
            if row[5] not in archive:
                missing += 1
                continue
            items.append(_Stored(row, archive.get(row[5]), FeedHints(published_at=feed_date, title=feed_title),
                                 config.settings.ingest.max_future_days, resources))  # fmt: skip
        workers = config.settings.ingest.extract_workers
        if workers > 1 and len(items) >= _INLINE_EXTRACT_BELOW:
            results = list(_pool(workers).map(_reextract_one, items, chunksize=8))
        else:
            results = [_reextract_one(item) for item in items]
        batch = LoadBatch()
        for item, art, analysis, error in results:
            if art is None:
                log.warning(error)
                continue
            aid, url, canonical, outlet, fetched_at, sha, status, _run = item.row
            batch.articles.append(
                article_row(aid, url, canonical, outlet, art, fetched_at, sha, status, run_id)
            )
            add_derived_rows(batch, aid, analysis)
        before = store.content_hashes([a.id for a in batch.articles])
        store.load_batch(batch)
        done += len(batch.articles)
        changed += sum(before.get(a.id) != a.content_sha256 for a in batch.articles)
    return {"articles": done, "changed": changed, "missing_raw": missing}
