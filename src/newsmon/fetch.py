"""Fetching article pages concurrently; archiving, extraction and analysis on the worker pool."""

from __future__ import annotations

import asyncio
import atexit
import errno
import gc
import logging
import multiprocessing
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from newsmon.analysis import ANALYSED_STATUSES, Analysis, Resources, analyse, resources_for
from newsmon.archive import Archive
from newsmon.config import Config
from newsmon.extract import Article, FeedHints, detect_language, extract_article, page_problem
from newsmon.http import PoliteClient, consent_redirect
from newsmon.plan import FetchJob

log = logging.getLogger("newsmon")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T = TypeVar("T")
# errors of the local disk (full, over quota, read-only, no permission): they stop a run
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})
_INLINE_EXTRACT_BELOW = 16  # smaller batches are extracted in-process: a worker pool costs ~1 s to start


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
    final_url: str | None = None  # where the redirects ended
    transient: bool = False  # the fetch failed in a way a later attempt may not (http.FetchResult.transient)
    retry_after_s: float | None = None  # what the server asked for
    etag: str | None = None  # the page's validators, for the next conditional GET
    last_modified: str | None = None
    not_modified: bool = False  # a revisit answered 304: the stored text stands


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
# imported once by the fork server the workers are forked from (see _context)
_PRELOAD = ("__main__", "newsmon.worker_preload")


def warm(resources: Resources, *, language: bool = True) -> None:
    """Load what every page needs (rules, language model) before the first page arrives, then `settle`.
    `language=False` leaves the language model out (the bench's enrichment process, which never detects one)."""
    resources.load_gazetteer()
    resources.load_topics()
    if language:
        detect_language("Dit is een korte Nederlandse zin om het taalmodel te laden voordat het werk begint.")
    settle()


# The young generation's size for a worker's garbage collector (CPython's default is 700 objects).
WORKER_GC_YOUNG = 5000


def settle() -> None:
    """Set a worker's garbage collector for its work, once the rules and models are loaded. What is loaded then
    is never garbage: gc.freeze() keeps the collector from walking it again (the gazetteer and topic rules
    alone are some 100,000 objects, walked at every full collection). And the analysis makes and drops many
    small containers (hits, tuples, lists) that reference counting frees at once: at 700 new objects the
    collector ran about 75 times per 500 articles, a few per cent of the analysis time, and found nothing to
    free; at WORKER_GC_YOUNG it seldom runs. Cycles are still collected, only less often."""
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(WORKER_GC_YOUNG, middle, old)


_warm = warm


def _context() -> multiprocessing.context.BaseContext:
    """Workers are forked from a fork server: a fresh, single-threaded process (never this one, which
    may be a threaded Prefect worker or hold DuckDB's threads) that imports newsmon and loads the
    default rules and the language model once (newsmon.worker_preload). Each worker starts from a
    copy of it, where spawn made every worker import and load all that again (about 2 s of CPU each).
    spawn where the platform has no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([*_PRELOAD[:1], *_main_module_to_preload(), *_PRELOAD[1:]])
    return ctx


def _main_module_to_preload() -> list[str]:
    """A worker runs the parent's main module again when the parent was started with -m: imported in the
    fork server first, what that module imports is loaded once, not per worker. Not a package's __main__
    (`python -m flows.ingest`): multiprocessing never runs one again, and importing it would run it."""
    main = getattr(getattr(sys.modules.get("__main__"), "__spec__", None), "name", None)
    if not isinstance(main, str) or main == "__main__" or main.endswith(".__main__"):
        return []
    return [main]


def prewarm(config: Config) -> None:
    """Get the workers ready while the first pages are fetched, without waiting for them: the fork
    server is started and loads the models (the workers are forked from it at the first page);
    where there is no fork server, the pool is started and each worker loads them."""
    workers = config.settings.ingest.extract_workers
    if workers <= 1 or workers in _POOLS:
        return
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver  # noqa: PLC0415 - POSIX only

        forkserver.ensure_running()
        return
    pool = _pool(workers)
    for _ in range(workers):
        pool.submit(warm, resources_for(config))


def _pool(workers: int) -> ProcessPoolExecutor:
    """One worker pool per process, kept across batches and runs: starting a worker must not be paid
    per batch."""
    if workers not in _POOLS:
        _POOLS[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=_context())
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
            result = await client.get(job.url, job.conditional)
        redirected = consent_redirect(result)
        if redirected:
            return PageOutcome(job, None, None, result.status, result.fetched_at, f"consent wall: {redirected}",
                               wall_url=result.final_url)  # fmt: skip
        if result.not_modified and job.revisit is not None:
            return PageOutcome(job, None, None, result.status, result.fetched_at, None, etag=result.etag,
                               last_modified=result.last_modified, not_modified=True)  # fmt: skip
        if not result.ok or result.not_modified:
            return PageOutcome(job, None, None, result.status, result.fetched_at,
                               result.error or "unexpected 304 for a page", transient=result.transient,
                               retry_after_s=result.retry_after_s)  # fmt: skip
        problem = page_problem(result.content_type, result.body)
        if problem:
            return PageOutcome(job, None, None, result.status, result.fetched_at, problem)
        item = _Work(result.body, result.final_url, job.hints, result.fetched_at, ingest.max_future_days, resources,
                     config.settings.archive_dir)  # fmt: skip
        if parallel:
            # handed to the pool from a thread: the first hand-over waits for the fork server to be
            # ready, and the fetches go on meanwhile
            pool = _pool(ingest.extract_workers)
            queued = await asyncio.get_running_loop().run_in_executor(None, pool.submit, _extract_one, item)
            done = await asyncio.wrap_future(queued)
        else:
            done = _extract_one(item)
        sha, article, analysis, error = done
        if article is None:
            return PageOutcome(job, None, sha, result.status, item.fetched_at, error)
        if article.status == "consent_wall":
            return PageOutcome(job, None, sha, result.status, item.fetched_at,
                               "consent wall: the page shows a consent or login wall instead of the article",
                               wall_url=result.final_url)  # fmt: skip
        return PageOutcome(job, article, sha, result.status, item.fetched_at, None, analysis,
                           final_url=result.final_url, etag=result.etag,
                           last_modified=result.last_modified)  # fmt: skip

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


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
