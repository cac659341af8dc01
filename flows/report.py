"""Prefect flow that writes the coverage report (SVG figures + one HTML page) and publishes it as an artifact.

    python -m flows.report --config config/demo      # what `make report` runs
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from newsmon.config import ConfigError, load_config
from newsmon.report import ReportFiles, write_report
from newsmon.store import Store, StoreError


@task(name="write-report", cache_policy=NO_CACHE)
def report_task(db: Path, out: Path) -> ReportFiles:
    with Store.open(db) as store:
        return write_report(store, out)


@flow(name="report", log_prints=True)
def report_flow(config_dir: str = "config", db: str | None = None, out: str = "report") -> str:
    config = load_config(config_dir)
    db_path = Path(db) if db else config.settings.db_path
    if not db_path.is_file():  # reading must not create an empty database
        raise StoreError(f"{db_path}: no database yet (run the ingest flow first: make demo or make run)")
    files = report_task(db_path, Path(out))
    message = (f"Report written to `{files.html.resolve()}`: {len(files.images)} figures, "
               f"{files.spikes} spike weeks, {files.events} timeline entries.")
    get_run_logger().info(message)
    create_markdown_artifact(
        key="coverage-report",
        markdown=message,
        description="newsmon coverage report",
    )
    return str(files.html)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config")
    parser.add_argument("--db", default=None)
    parser.add_argument("--out", default="report")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)  # fail before Prefect starts: bad config or no database
        db_path = Path(args.db) if args.db else config.settings.db_path
        if not db_path.is_file():
            raise StoreError(f"{db_path}: no database yet (create it with `make demo` or `make run`)")
        page = report_flow(config_dir=args.config, db=args.db, out=args.out)
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"report: {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
