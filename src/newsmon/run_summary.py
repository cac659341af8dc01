"""A run's status and summary, and its plain-text form for the terminal and the Prefect artifact."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsmon.fetch import PageOutcome
from newsmon.plan import Plan
from newsmon.poll import FeedPoll


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
        status = ("consent_wall" if out.wall_url else out.article.status if out.article
                  else "not_modified" if out.not_modified else None)  # fmt: skip
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
    run_id: str, polls: Sequence[FeedPoll], plan: Plan, outcomes: Sequence[PageResult], seconds: float,
    revisions: int = 0,
) -> dict[str, Any]:  # fmt: skip
    """`revisions`: revisits that found a changed body (each a new version)."""
    by_outlet: dict[str, Counter[str]] = defaultdict(Counter)
    statuses: Counter[str] = Counter()
    kinds: list[str] = []
    for out in outcomes:
        kind = ("failed" if out.status is None else "walled" if out.status == "consent_wall"
                else "revisited" if out.article_id in plan.revisit_ids
                else "updated" if out.article_id in plan.updated_ids else "new")  # fmt: skip
        kinds.append(kind)
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
        "new_articles": kinds.count("new"),
        "updated_articles": kinds.count("updated"),
        "revisited": kinds.count("revisited"),
        "revised": revisions,
        "queued_for_host": len(plan.deferred),
        "consent_walls": kinds.count("walled"),
        "skipped": len(plan.known_ids - plan.updated_ids - plan.revisit_ids),
        "failed": sum(o.status is None for o in outcomes),
        "statuses": dict(statuses),
        "by_outlet": {k: dict(v) for k, v in sorted(by_outlet.items())},
        "failures": failures,
        "feed_warnings": [{"feed": p.feed_id, "warning": p.warning} for p in polls if p.warning],
    }


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
    if summary.get("revisited"):
        lines.append(f"revisited: {summary['revisited']} (changed, a new version: {summary.get('revised', 0)})")
    if summary.get("queued_for_host"):
        lines.append(f"queued while their host backs off: {summary['queued_for_host']}")
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
