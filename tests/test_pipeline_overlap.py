"""Batches fetched while the one before is loaded (pipeline.fetched_ahead), and the worker pool."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from newsmon import fetch
from newsmon.config import Config
from newsmon.pipeline import FetchJob, PageOutcome, Steps, fetched_ahead, run_ingest
from newsmon.store import LoadBatch, Store
from tests.loopback import LoopbackServer, Route
from tests.test_pipeline_faults import make_config, page, rss

WAIT_S = 10.0


class Recorder:
    """A fetch that records what it did, in order, and how many fetches ran at once."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.started = [threading.Event() for _ in range(8)]
        self.running = 0
        self.most_at_once = 0
        self.lock = threading.Lock()

    def fetch(self, part: Sequence[int]) -> list[int]:
        k = part[0]
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.events.append(f"start {k}")
        self.started[k].set()
        threading.Event().wait(0.05)
        with self.lock:
            self.running -= 1
            self.events.append(f"end {k}")
        return list(part)


def test_the_next_batch_is_fetched_while_one_is_loaded_and_only_one_at_a_time() -> None:
    recorder = Recorder()
    parts = [[k] for k in range(4)]
    loaded = []
    with ThreadPoolExecutor(max_workers=4) as threads:  # room for more: fetched_ahead must not use it

        def submit(part: Sequence[int]) -> Future[list[int]]:
            return threads.submit(recorder.fetch, part)

        for k, done in enumerate(fetched_ahead(submit, parts)):  # type: ignore[arg-type]
            assert done == [k]
            if k + 1 < len(parts):  # batch k is being loaded: batch k + 1 must be under way already
                assert recorder.started[k + 1].wait(WAIT_S), f"batch {k + 1} was not fetched during load {k}"
            loaded.append(k)
    assert loaded == [0, 1, 2, 3]
    assert recorder.most_at_once == 1
    for k in range(3):  # each fetch starts only after the previous one ended
        assert recorder.events.index(f"end {k}") < recorder.events.index(f"start {k + 1}")


def test_a_stopped_run_waits_for_the_batch_under_way_and_starts_no_other() -> None:
    recorder = Recorder()
    parts = [[k] for k in range(4)]
    with ThreadPoolExecutor(max_workers=4) as threads:

        def submit(part: Sequence[int]) -> Future[list[int]]:
            return threads.submit(recorder.fetch, part)

        stream = fetched_ahead(submit, parts)  # type: ignore[arg-type]
        assert next(stream) == [0]
        assert recorder.started[1].wait(WAIT_S)
        stream.close()  # the load of batch 0 failed: the run stops here
        assert recorder.events[-1] == "end 1"  # waited for, not left running after the run
    assert not recorder.started[2].is_set() and not recorder.started[3].is_set()


def test_a_failed_fetch_stops_the_run_with_its_error() -> None:
    def submit(part: Sequence[int]) -> Future[list[int]]:
        future: Future[list[int]] = Future()
        if part[0] == 1:
            future.set_exception(OSError(28, "No space left on device"))
        else:
            future.set_result(list(part))
        return future

    stream = fetched_ahead(submit, [[0], [1], [2]])  # type: ignore[arg-type]
    assert next(stream) == [0]
    with pytest.raises(OSError, match="No space left"):
        next(stream)


def test_loads_overlap_fetches_in_a_real_run_and_every_page_is_stored_once(
    tmp_path: Path, server: LoopbackServer
) -> None:
    paths = [f"/p{i}.html" for i in range(6)]
    server.routes["/goed.xml"] = Route(200, rss(server.base, paths))
    server.routes["/stuk.xml"] = Route(200, rss(server.base, []))
    for i, p in enumerate(paths):
        server.routes[p] = Route(200, page(f"Stuk {i}"))
    config = make_config(tmp_path, server, batch_size=2)
    fetches = threading.Semaphore(0)  # released as each batch's fetch starts
    during_load = []

    def fetch_and_extract(cfg: Config, jobs: Sequence[FetchJob]) -> list[PageOutcome]:
        fetches.release()
        return fetch.fetch_and_extract(cfg, jobs)

    def load(store: Store, batch: LoadBatch) -> None:
        if batch.articles and len(during_load) < 2:
            # batch k (of 3) is loaded: fetch k + 1 has started (fetch k before it, for the first);
            # without the overlap, fetch k + 1 would wait for this load and the wait would time out
            first = fetches.acquire(timeout=WAIT_S) if not during_load else True
            during_load.append(first and fetches.acquire(timeout=WAIT_S))
        store.load_batch(batch)

    with Store.open(config.settings.db_path) as store:
        summary = run_ingest(config, store, steps=Steps(fetch_and_extract=fetch_and_extract, load=load))
        assert summary["new_articles"] == 6 and summary["failed"] == 0
        assert store.count("articles") == 6 and store.count("article_versions") == 6
        assert during_load == [True, True]
        assert run_ingest(config, store)["new_articles"] == 0
        assert store.count("articles") == 6 and store.count("article_sources") == 6


def _rules_loaded_here() -> tuple[int, int]:
    from newsmon.entities import _load_cached

    return os.getpid(), _load_cached.cache_info().currsize


def test_workers_start_with_the_rules_loaded_by_their_fork_server() -> None:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork server on this platform")
    assert fetch._context().get_start_method() == "forkserver"
    pool = fetch._pool(2)
    pid, loaded = pool.submit(_rules_loaded_here).result(timeout=120)
    assert pid != os.getpid()
    assert loaded >= 1  # the gazetteer was in memory before the worker ran anything
