"""Progress of long work and the package's logging, configured once per process.

On a terminal, long commands (ingest, reprocess, export) draw rich progress bars on standard error;
otherwise (a pipe, a log file, a Prefect run) they write a plain log line per stage and at most
one line every `interval_s` seconds while a stage advances. Nothing here imports rich until a bar
is drawn, so `newsmon --help` stays fast.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from newsmon.config import Config
    from newsmon.pipeline import FetchJob, PageOutcome, Steps
    from newsmon.store import LoadBatch, Store

log = logging.getLogger("newsmon")

QUIET, NORMAL, VERBOSE, DEBUG = -1, 0, 1, 2
_configured: list[int] = []


def configure_logging(verbosity: int = NORMAL) -> None:
    """Set the `newsmon` logger's level and handler once: -1 errors only, 0 info, 1 and more debug.

    Called again (a second command in the same process, a test), it only changes the level.
    """
    level = {QUIET: logging.ERROR, NORMAL: logging.INFO}.get(verbosity, logging.DEBUG)
    log.setLevel(level)
    if not _configured:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
        log.addHandler(handler)
        log.propagate = False
    _configured[:] = [verbosity]


def verbosity() -> int:
    return _configured[0] if _configured else NORMAL


class Progress(Protocol):
    """Stages with an optional total, advanced by counts."""

    def stage(self, name: str, total: int | None = None) -> None: ...
    def advance(self, name: str, amount: int = 1) -> None: ...
    def note(self, message: str) -> None: ...
    def close(self) -> None: ...


class LogProgress:
    """Plain log lines: one when a stage starts, then at most one per `interval_s`, one when it is done."""

    def __init__(self, logger: logging.Logger | logging.LoggerAdapter[Any] | None = None,
                 interval_s: float = 10.0) -> None:  # fmt: skip
        self.logger = logger or log
        self.interval_s = interval_s
        self.totals: dict[str, int | None] = {}
        self.done: dict[str, int] = {}
        self.started: dict[str, float] = {}
        self.last_line = 0.0

    def stage(self, name: str, total: int | None = None) -> None:
        self.totals[name], self.done[name], self.started[name] = total, 0, time.monotonic()
        self.logger.info("%s: %s", name, f"0 of {total}" if total is not None else "started")

    def advance(self, name: str, amount: int = 1) -> None:
        self.done[name] = self.done.get(name, 0) + amount
        total, now = self.totals.get(name), time.monotonic()
        finished = total is not None and self.done[name] >= total
        if finished or now - self.last_line >= self.interval_s:
            self.last_line = now
            self.logger.info("%s", self.line(name, now))

    def line(self, name: str, now: float) -> str:
        done, total = self.done[name], self.totals.get(name)
        seconds = max(now - self.started.get(name, now), 1e-9)
        rate = done / seconds
        text = f"{name}: {done}" + (f" of {total}" if total is not None else "") + f" ({rate:.1f}/s"
        if total is not None and 0 < done < total and rate > 0:
            text += f", about {(total - done) / rate:.0f} s left"
        return text + ")"

    def note(self, message: str) -> None:
        self.logger.info("%s", message)

    def close(self) -> None:
        """Nothing to tear down."""


class BarProgress:
    """rich progress bars on standard error (a terminal), one row per stage, with rate and ETA."""

    def __init__(self) -> None:
        from rich.console import Console  # noqa: PLC0415 - only a terminal needs rich
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            ProgressColumn,
            Task,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress  # noqa: PLC0415
        from rich.text import Text  # noqa: PLC0415

        class Rate(ProgressColumn):
            def render(self, task: Task) -> Text:
                return Text(f"{task.speed:.1f}/s" if task.speed else "", style="progress.data.speed")

        self.bars = RichProgress(
            TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
            Rate(), TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
        )
        self.tasks: dict[str, Any] = {}
        self.bars.start()

    def stage(self, name: str, total: int | None = None) -> None:
        if name in self.tasks:
            self.bars.update(self.tasks[name], total=total)
        else:
            self.tasks[name] = self.bars.add_task(name, total=total)

    def advance(self, name: str, amount: int = 1) -> None:
        if name not in self.tasks:
            self.stage(name)
        self.bars.advance(self.tasks[name], amount)

    def note(self, message: str) -> None:
        self.bars.console.log(message)

    def close(self) -> None:
        self.bars.stop()


class NoProgress:
    """--quiet: nothing at all."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Nothing to show."""

    def advance(self, name: str, amount: int = 1) -> None:
        """Nothing to show."""

    def note(self, message: str) -> None:
        """Nothing to show."""

    def close(self) -> None:
        """Nothing to tear down."""


def progress_for_terminal(stream: Any = None) -> Progress:
    """Bars when `stream` (standard error) is a terminal, log lines otherwise, nothing when quiet."""
    if verbosity() <= QUIET:
        return NoProgress()
    stream = stream or sys.stderr
    if hasattr(stream, "isatty") and stream.isatty():
        return BarProgress()
    return LogProgress()


# --- ingest and reprocess, reported from the outside -------------------------------------------

FEEDS, PAGES, LOADED = "feeds polled", "pages fetched+extracted", "pages loaded"


def ingest_steps(base: Steps, progress: Progress) -> Steps:
    """`base` with each step reporting to `progress`: feeds polled, pages fetched and extracted
    (batch by batch, so the total is known once the feeds are polled) and pages loaded (stored as
    articles, or recorded as failed)."""

    def poll(config: Config, states: dict[str, Any]) -> list[Any]:
        progress.stage(FEEDS, len(config.feeds))
        polls = base.poll(config, states)
        progress.advance(FEEDS, len(polls))
        failed = [p.feed_id for p in polls if p.outcome == "failed"]
        if failed:
            progress.note(f"{len(failed)} of {len(polls)} feeds failed: {', '.join(failed[:5])}"
                          + (" …" if len(failed) > 5 else ""))  # fmt: skip
        return polls

    def fetch_batches(config: Config, parts: Sequence[Sequence[FetchJob]]) -> Iterable[list[PageOutcome]]:
        progress.stage(PAGES, sum(len(p) for p in parts))
        progress.stage(LOADED, sum(len(p) for p in parts))
        for outcomes in base.fetch_parts(config, parts):
            progress.advance(PAGES, len(outcomes))
            yield outcomes
            # the run resumes this generator only once it has loaded (or recorded as failed) that batch
            progress.advance(LOADED, len(outcomes))

    return replace(base, poll=poll, fetch_batches=fetch_batches)


def reporting_store(store: Store, progress: Progress, name: str, total: int) -> Store:
    """The same database connection, reporting each loaded batch's articles to `progress`
    (re-extraction and re-analysis load one batch per transaction)."""
    from newsmon.store import Store  # noqa: PLC0415 - duckdb is not needed for --help

    class Reporting(Store):
        def load_batch(self, batch: LoadBatch) -> None:
            super().load_batch(batch)
            ids = {a.id for a in batch.articles} | set(batch.enriched_ids)
            progress.advance(name, len(ids))

    progress.stage(name, total)
    return Reporting(store.con, store.path)
