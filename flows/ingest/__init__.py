"""Prefect flow for one ingest run: thin wiring over newsmon.pipeline (`python -m flows.ingest` runs
`main`, through __main__.py).

Tasks are batch-sized (one poll task, one fetch+extract task and one load task per batch of
up to `ingest.batch_size` articles): a Prefect task costs tens of milliseconds, so one task
per article would dominate the run. The flow process is the only writer to the DuckDB file.

    python -m flows.ingest --config config/demo --demo     # what `make demo` runs
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.settings import get_current_settings
from prefect.utilities.annotations import quote

from newsmon.analysis import check_rules
from newsmon.config import Config, ConfigError, load_config
from newsmon.demosite import DemoSiteError, serve_demo
from newsmon.pipeline import (
    RUN_FAILED,
    EveryFeedFailedError,
    FeedPoll,
    FetchJob,
    PageOutcome,
    Steps,
    fetch_and_extract,
    fetched_ahead,
    format_summary,
    poll_feeds,
    run_ingest,
)
from newsmon.progress import LogProgress, ingest_steps
from newsmon.store import FeedState, LoadBatch, Store, StoreError, storage_failure

if TYPE_CHECKING:  # imported where a Dask runner is asked for: distributed takes a quarter second to import
    from prefect_dask import DaskTaskRunner


@task(name="poll-feeds", cache_policy=NO_CACHE)
def poll_task(config: Config, states: dict[str, FeedState]) -> list[FeedPoll]:
    return poll_feeds(config, states)


@task(name="fetch-and-extract", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def fetch_extract_task(config: Config, jobs: Sequence[FetchJob]) -> list[PageOutcome]:
    return fetch_and_extract(config, jobs)


@task(name="load-batch", cache_policy=NO_CACHE)
def load_task(store: Store, batch: LoadBatch) -> None:
    store.load_batch(batch)


def fetch_ahead(config: Config, parts: Sequence[Sequence[FetchJob]]) -> Iterator[list[PageOutcome]]:
    """Each batch's fetch+extract task is submitted to the flow's task runner as soon as the one
    before it is done, so it runs while the flow loads that one (one fetch at a time: the per-host
    limits hold)."""
    return fetched_ahead(lambda part: fetch_extract_task.submit(quote(config), quote(part)), parts)


# quote(): Prefect walks task arguments to record their lineage; a batch of thousands of rows is
# data, not upstream futures, and walking it cost more than the work itself.
PREFECT_STEPS = Steps(
    poll=lambda config, states: poll_task(quote(config), quote(states)),
    fetch_and_extract=lambda config, jobs: fetch_extract_task(quote(config), quote(jobs)),
    load=lambda store, batch: load_task(quote(store), quote(batch)),
    fetch_batches=fetch_ahead,
)


RUNNER_SPEC = re.compile(r"default|dask|(tcp|tls)://\S+")


def runner_spec(value: str) -> str:
    if not RUNNER_SPEC.fullmatch(value):
        raise ValueError(f"task runner {value!r}: expected default, dask or a scheduler address tcp://host:port")
    return value


def dask_runner(spec: str, workers: int) -> DaskTaskRunner:
    """`dask`: a LocalCluster of `workers` single-threaded processes on 127.0.0.1 (no dashboard);
    `tcp://host:port`: an existing Dask scheduler, whose workers must have newsmon installed and see
    the same config and archive paths."""
    from prefect_dask import DaskTaskRunner  # noqa: PLC0415 - see the import under TYPE_CHECKING

    logging.getLogger("distributed").setLevel(logging.WARNING)
    if spec == "dask":
        # The workers report their task runs to this flow's Prefect API; without the address each
        # would start a temporary Prefect server of its own.
        context = FlowRunContext.get()
        api_url = str(context.client.api_url) if context else get_current_settings().api.url
        cluster = {
            "n_workers": workers, "threads_per_worker": 1, "processes": True, "host": "127.0.0.1",
            "dashboard_address": "127.0.0.1:0", "silence_logs": logging.WARNING,
            "env": {"PREFECT_API_URL": api_url} if api_url else {},
        }  # fmt: skip
        return DaskTaskRunner(cluster_kwargs=cluster)
    return DaskTaskRunner(address=spec)


def for_dask_worker(config: Config) -> Config:
    """Dask worker processes are daemonic and may not start a process pool of their own: each worker
    extracts its batch in-process, and the cluster's worker count is the parallelism."""
    ingest = config.settings.ingest.model_copy(update={"extract_workers": 1})
    return replace(config, settings=config.settings.model_copy(update={"ingest": ingest}))


def dask_steps(runner: DaskTaskRunner, in_flight: int) -> Steps:
    """Fetch+extract batches as Dask tasks, at most `in_flight` at a time; loading stays here, in the
    flow process, the one writer. Batches are loaded in the order they were planned. (Arguments go to
    the runner as they are: quote() is unwrapped by task.submit, not by a runner's submit.)"""

    def batches(config: Config, parts: Sequence[Sequence[FetchJob]]) -> Iterator[list[PageOutcome]]:
        inner, todo = for_dask_worker(config), iter(parts)
        pending: deque[PrefectFuture[list[PageOutcome]]] = deque()
        for part in todo:
            pending.append(runner.submit(fetch_extract_task, {"config": inner, "jobs": part}))
            if len(pending) >= in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def no_local_pool(config: Config) -> None:
        """Nothing to warm here: extraction runs on the cluster."""

    return replace(PREFECT_STEPS, fetch_batches=batches, prewarm=no_local_pool)


@flow(name="ingest", log_prints=True)
def ingest_flow(
    config_dir: str = "config",
    db: str | None = None,
    demo: bool = False,
    due_only: bool = False,
    task_runner: str | None = None,
) -> dict[str, Any]:
    """Poll the configured feeds, fetch and extract new articles, load them into DuckDB.

    The flow run ends Failed (EveryFeedFailedError, carrying the summary) when every feed polled failed;
    the summary artifact is published either way.

    `task_runner` (default: ingest.task_runner in settings.yaml) is `default`, `dask` or a Dask
    scheduler address; with Dask, fetch+extraction run on the cluster and loading stays here.
    """
    logger = get_run_logger()
    config = load_config(config_dir)
    check_rules(config)  # a malformed rule stops the run before the database is touched
    db_path = Path(db) if db else config.settings.db_path
    spec = runner_spec(task_runner or config.settings.ingest.task_runner)
    logger.info("ingest from %s into %s (%s feeds%s, task runner %s)", config.directory, db_path,
                len(config.feeds), ", only those due" if due_only else "", spec)  # fmt: skip
    # the run's page in the Prefect UI shows the feeds polled, pages fetched and loaded, and failures
    progress = LogProgress(logger, interval_s=5.0)
    with ExitStack() as stack:
        steps = PREFECT_STEPS
        if spec != "default":
            runner = stack.enter_context(dask_runner(spec, config.settings.ingest.dask_workers))
            steps = dask_steps(runner, in_flight=2 * config.settings.ingest.dask_workers)
        stack.enter_context(serve_demo(config, demo))
        store = stack.enter_context(Store.open(db_path))
        summary = run_ingest(config, store, mode="flow" if spec == "default" else "flow-dask",
                             steps=ingest_steps(steps, progress), due_only=due_only)  # fmt: skip
    text = format_summary(summary, str(db_path))
    logger.info("new articles: %s, updated: %s, failed pages: %s, feeds failed: %s of %s",
                summary["new_articles"], summary.get("updated_articles", 0), summary["failed"],
                summary["feeds_failed"], summary["feeds_polled"])  # fmt: skip
    for failure in summary["failures"]:
        logger.warning("FAILED %s: %s", failure.get("feed") or failure.get("page"), failure["error"])
    create_markdown_artifact(key="ingest-summary", markdown=f"```\n{text}\n```", description="ingest run summary")
    if summary["status"] == RUN_FAILED:
        # the run is recorded and its summary published; ending Failed is what a scheduler and the
        # UI's failure notifications see. One dead feed among many is normal and stays Completed.
        raise EveryFeedFailedError(summary)
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    """Exit code 0: the run completed; 2: configuration or storage error; 3: every feed failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config", help="configuration directory")
    parser.add_argument("--db", default=None, help="DuckDB file (default: db_path from settings)")
    parser.add_argument("--demo", action="store_true", help="serve the bundled demo site meanwhile")
    parser.add_argument("--due-only", action="store_true", help="poll only feeds whose next poll time has come")
    parser.add_argument(
        "--task-runner", default=None, type=runner_spec, metavar="default|dask|tcp://HOST:PORT",
        help="run fetch+extraction in the flow process, on a local Dask cluster or on an existing one",
    )  # fmt: skip
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)  # fail before Prefect starts when the config is bad
        check_rules(config)
        summary = ingest_flow(
            config_dir=args.config, db=args.db, demo=args.demo, due_only=args.due_only, task_runner=args.task_runner
        )
    except EveryFeedFailedError as exc:
        print(format_summary(exc.summary, str(Path(args.db) if args.db else config.settings.db_path)))
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except (ConfigError, StoreError, DemoSiteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, duckdb.Error) as exc:
        db_path = Path(args.db) if args.db else config.settings.db_path
        print(f"error: {storage_failure(db_path, config.settings.archive_dir, exc)}", file=sys.stderr)
        return 2
    print(format_summary(summary, str(Path(args.db) if args.db else config.settings.db_path)))
    return 0
