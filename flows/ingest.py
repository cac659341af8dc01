"""Prefect flow for one ingest run: thin wiring over newsmon.pipeline.

Tasks are batch-sized (one poll task, one fetch+extract task and one load task per batch of
up to `ingest.batch_size` articles): a Prefect task costs tens of milliseconds, so one task
per article would dominate the run. The flow process is the only writer to the DuckDB file.

    python -m flows.ingest --config config/demo --demo     # what `make demo` runs
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from newsmon.config import Config, ConfigError, load_config
from newsmon.demosite import DemoSiteError, serve_demo
from newsmon.pipeline import (
    FeedPoll,
    FetchJob,
    PageOutcome,
    Steps,
    fetch_and_extract,
    format_summary,
    poll_feeds,
    run_ingest,
)
from newsmon.store import FeedState, LoadBatch, Store, StoreError


@task(name="poll-feeds", cache_policy=NO_CACHE)
def poll_task(config: Config, states: dict[str, FeedState]) -> list[FeedPoll]:
    return poll_feeds(config, states)


@task(name="fetch-and-extract", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def fetch_extract_task(config: Config, jobs: Sequence[FetchJob]) -> list[PageOutcome]:
    return fetch_and_extract(config, jobs)


@task(name="load-batch", cache_policy=NO_CACHE)
def load_task(store: Store, batch: LoadBatch) -> None:
    store.load_batch(batch)


# quote(): Prefect walks task arguments to record their lineage; a batch of thousands of rows is
# data, not upstream futures, and walking it cost more than the work itself.
PREFECT_STEPS = Steps(
    poll=lambda config, states: poll_task(quote(config), quote(states)),
    fetch_and_extract=lambda config, jobs: fetch_extract_task(quote(config), quote(jobs)),
    load=lambda store, batch: load_task(quote(store), quote(batch)),
)


@flow(name="ingest", log_prints=True)
def ingest_flow(
    config_dir: str = "config", db: str | None = None, demo: bool = False, due_only: bool = False
) -> dict[str, Any]:
    """Poll the configured feeds, fetch and extract new articles, load them into DuckDB."""
    config = load_config(config_dir)
    db_path = Path(db) if db else config.settings.db_path
    with serve_demo(config, demo), Store.open(db_path) as store:
        summary = run_ingest(config, store, mode="flow", steps=PREFECT_STEPS, due_only=due_only)
    text = format_summary(summary, str(db_path))
    create_markdown_artifact(key="ingest-summary", markdown=f"```\n{text}\n```", description="ingest run summary")
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config", help="configuration directory")
    parser.add_argument("--db", default=None, help="DuckDB file (default: db_path from settings)")
    parser.add_argument("--demo", action="store_true", help="serve the bundled demo site meanwhile")
    parser.add_argument("--due-only", action="store_true", help="poll only feeds whose next poll time has come")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)  # fail before Prefect starts when the config is bad
        summary = ingest_flow(config_dir=args.config, db=args.db, demo=args.demo, due_only=args.due_only)
    except (ConfigError, StoreError, DemoSiteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_summary(summary, str(Path(args.db) if args.db else config.settings.db_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
