"""Serve the ingest and report flows on the schedules in config/settings.yaml.

    make ui       # terminal 1: the Prefect server + UI on 127.0.0.1:4200 (project-local PREFECT_HOME)
    make serve    # terminal 2: registers the deployments and runs them on schedule

Scheduled ingest runs poll only the feeds that are due (adaptive polling). Prefect's temporary
server cannot hold schedules, so `make serve` points PREFECT_API_URL at the `make ui` server.
For work pools and workers instead of a serve process, see prefect.yaml.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from prefect import serve
from prefect.client.schemas.schedules import CronSchedule
from prefect.deployments.runner import RunnerDeployment

from flows.ingest import ingest_flow
from flows.report import report_flow
from newsmon.config import ConfigError, load_config


def deployments(config_dir: str = "config") -> list[RunnerDeployment]:
    """The scheduled deployments for one configuration directory."""
    schedules = load_config(config_dir).settings.schedules
    return [
        ingest_flow.to_deployment(
            name="ingest-scheduled",
            schedule=CronSchedule(cron=schedules.ingest_cron, timezone=schedules.timezone),
            parameters={"config_dir": config_dir, "due_only": True},
            description="Poll due feeds, fetch and analyse new articles, load them into DuckDB.",
            tags=["newsmon"],
        ),
        report_flow.to_deployment(
            name="report-daily",
            schedule=CronSchedule(cron=schedules.report_cron, timezone=schedules.timezone),
            parameters={"config_dir": config_dir, "out": "report"},
            description="Write the coverage report.",
            tags=["newsmon"],
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config")
    args = parser.parse_args(argv)
    try:
        planned = deployments(args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    serve(*planned)
    return 0


if __name__ == "__main__":
    sys.exit(main())
