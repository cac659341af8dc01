"""Prefect flow for reprocessing: rebuild derived rows of stored articles with the current rules.

    python -m flows.reprocess --config config [--since 2024-01-01] [--what all]

Runs without network access, one transaction per batch, recording the versions used; safe to
interrupt and run again (each batch replaces its articles' derived rows as a whole).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from newsmon.analysis import check_rules
from newsmon.config import ConfigError, load_config
from newsmon.pipeline import reanalyse, reextract
from newsmon.store import Store, StoreError


@task(name="reprocess", cache_policy=NO_CACHE)
def reprocess_task(config_dir: str, db: str | None, since: date | None, what: str) -> dict[str, int]:
    config = load_config(config_dir)
    check_rules(config)
    with Store.open(Path(db) if db else config.settings.db_path) as store:
        if what in {"extract", "all"}:
            counts = reextract(config, store, since)
            if what == "extract":
                return counts
        return reanalyse(config, store, since)


@flow(name="reprocess", log_prints=True)
def reprocess_flow(config_dir: str = "config", db: str | None = None, since: date | None = None,
                   what: str = "all") -> dict[str, int]:  # fmt: skip
    logger = get_run_logger()
    logger.info("reprocess (%s) of %s%s", what, db or "the configured database",
                f", articles published since {since}" if since else "")  # fmt: skip
    counts = reprocess_task(config_dir, db, since, what)
    logger.info("reprocess (%s) done: %s", what, ", ".join(f"{k} {v}" for k, v in counts.items()))
    create_markdown_artifact(key="reprocess-summary", markdown=f"reprocess ({what}): {counts}")
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config")
    parser.add_argument("--db", default=None)
    parser.add_argument("--since", type=date.fromisoformat, default=None)
    parser.add_argument("--what", choices=["extract", "entities", "topics", "events", "all"], default="all")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)  # fail before Prefect starts: bad config, rules or no database
        check_rules(config)
        db_path = Path(args.db) if args.db else config.settings.db_path
        if not db_path.is_file():
            raise StoreError(f"{db_path}: no database yet (create it with `make demo` or `make run`)")
        counts = reprocess_flow(config_dir=args.config, db=args.db, since=args.since, what=args.what)
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
