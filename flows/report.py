"""Prefect flow that writes the coverage report (PNG plots + one HTML page) and publishes it as an artifact.

    python -m flows.report --config config/demo      # what `make report` runs
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from prefect import flow, task
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
    files = report_task(Path(db) if db else config.settings.db_path, Path(out))
    create_markdown_artifact(
        key="coverage-report",
        markdown=(f"Report written to `{files.html.resolve()}`: {len(files.images)} plots, "
                  f"{files.spikes} spike weeks, {files.events} timeline entries."),
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
        load_config(args.config)
        page = report_flow(config_dir=args.config, db=args.db, out=args.out)
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"report: {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
