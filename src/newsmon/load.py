"""Rows of a run for the store: articles, sources, failures, walls, derived rows, feed state."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newsmon.analysis import Analysis
from newsmon.config import Config, IngestSettings
from newsmon.extract import Article
from newsmon.fetch import PageOutcome
from newsmon.identity import page_urls
from newsmon.plan import EntrySource, Plan
from newsmon.poll import FeedPoll, next_poll
from newsmon.retry import DEFERRED, TRANSIENT, failure_kind, host_of, host_wait, schedule
from newsmon.revisit import first_revisit, next_revisit
from newsmon.store import (
    ArticleRow,
    EventRow,
    FailureRow,
    FeedState,
    FeedStateRow,
    GuidRow,
    HostRow,
    LoadBatch,
    MentionRow,
    PollRow,
    RevisitRow,
    SourceRow,
    TopicRow,
    UrlRow,
    WallRow,
    content_hash,
)


def _source_rows(sources: Sequence[EntrySource], seen_at: datetime) -> list[SourceRow]:
    return [
        SourceRow(s.article_id, s.feed_id, s.entry.url, s.entry.guid, s.entry.title or None, s.entry.published_at,
                  seen_at)
        for s in sources
    ]  # fmt: skip


def _identity_rows(batch: LoadBatch, sources: Sequence[EntrySource], seen_at: datetime) -> None:
    """The links and GUIDs under which the feeds carried stored articles (those the store has not yet)."""
    new = [s for s in sources if not s.identity_known]
    batch.urls.extend(UrlRow(s.entry.canonical_url, s.article_id, "link", seen_at) for s in new)
    batch.guids.extend(GuidRow(s.feed_id, s.entry.guid, s.article_id, seen_at) for s in new if s.entry.guid)


def article_row(
    aid: str, url: str, canonical: str, outlet_id: str, art: Article, fetched_at: datetime, raw_sha256: str | None,
    http_status: int | None, run_id: str,
) -> ArticleRow:  # fmt: skip
    """The articles row for an extracted page (ingest and re-extraction build it the same way)."""
    return ArticleRow(
        id=aid, url=url, canonical_url=canonical, page_canonical_url=art.canonical_url, outlet_id=outlet_id,
        title=art.title, lead=art.lead, author=art.author, section=art.section, published_at=art.published_at,
        published_source=art.published_source, fetched_at=fetched_at, language=art.language, body=art.body,
        word_count=art.word_count, content_sha256=content_hash(art.title, art.body), raw_sha256=raw_sha256,
        http_status=http_status, status=art.status, notes="; ".join(art.notes) or None,
        extractor_version=art.extractor_version, run_id=run_id,
    )


@dataclass(frozen=True)
class QueueState:
    """What the fetch queue knows before a batch is loaded (newsmon.retry has the rules)."""

    settings: IngestSettings = field(default_factory=IngestSettings)
    known_ids: frozenset[str] = frozenset()  # stored articles: a failed refetch is not queued
    queued: dict[str, tuple[int, datetime]] = field(default_factory=dict)  # id -> (attempts, first failure)
    hosts: dict[str, HostRow] = field(default_factory=dict)  # hosts backing off


def batch_rows(outcomes: Sequence[PageOutcome], run_id: str, queue: QueueState | None = None) -> LoadBatch:
    """Rows for one batch of pages: articles with their sources, or failures to retry later."""
    queue = queue or QueueState()
    batch = LoadBatch()
    failed: list[PageOutcome] = []
    for out in outcomes:
        job, art = out.job, out.article
        if out.wall_url is not None:
            first = job.sources[0]
            batch.walls.append(
                WallRow(job.article_id, job.url, out.wall_url, first.feed_id, first.entry.guid,
                        first.entry.title or None, first.entry.published_at, out.fetched_at, out.http_status,
                        out.error or "consent wall", run_id)
            )  # fmt: skip
            continue
        _revisit_rows(batch, out, queue.settings, job.article_id in queue.known_ids)
        if art is None:
            if job.article_id not in queue.known_ids:
                failed.append(out)
            continue
        batch.articles.append(
            article_row(job.article_id, job.url, job.sources[0].entry.canonical_url, job.outlet_id, art,
                        out.fetched_at, out.raw_sha256, out.http_status, run_id)
        )
        if job.from_feed:  # a revisit of its own carries no feed entry: the feeds' rows stay as they are
            batch.sources.extend(_source_rows(job.sources, out.fetched_at))
            _identity_rows(batch, job.sources, out.fetched_at)
        batch.urls.extend(UrlRow(u, job.article_id, "final_url" if u != art.canonical_url else "page_canonical",
                                 out.fetched_at) for u in page_urls(out))  # fmt: skip
        add_derived_rows(batch, job.article_id, out.analysis)
    _queue_rows(batch, outcomes, failed, run_id, queue)
    return batch


def _revisit_rows(batch: LoadBatch, out: PageOutcome, settings: IngestSettings, known: bool) -> None:
    """A revisit moves the article's schedule on (whatever it brought); a first fetch starts one."""
    job, when = out.job, out.fetched_at
    if job.revisit is not None:
        r = job.revisit
        outcome = ("not_modified" if out.not_modified else "fetched" if out.article is not None
                   else f"failed: {out.error}")  # fmt: skip
        batch.revisits.append(
            RevisitRow(r.article_id, r.url, r.first_fetched_at, r.revisits + 1,
                       next_revisit(settings, r.first_fetched_at, r.revisits + 1, when), out.etag, out.last_modified,
                       when, outcome, advance=True)
        )  # fmt: skip
    elif out.article is not None and not known:
        first = first_revisit(settings, when, out.article.published_at)
        if first is None:
            return
        batch.revisits.append(
            RevisitRow(job.article_id, job.url, when, 0, first, out.etag, out.last_modified, None, None, advance=False)
        )


def _queue_rows(
    batch: LoadBatch, outcomes: Sequence[PageOutcome], failed: Sequence[PageOutcome], run_id: str, queue: QueueState
) -> None:
    """Failed pages into the fetch queue with their next attempt; hosts that failed transiently (and
    answered nothing else in this batch) back off as a whole, hosts that answered stop backing off."""
    kinds = {id(out): failure_kind(out.http_status, out.error, out.transient) for out in failed}
    # a host answered when any of its pages (a revisit included) got other than a transient failure
    answered = {host_of(o.job.url) for o in outcomes if not _transient_failure(o)}
    batch.hosts_ok.extend(sorted(h for h in answered if h in queue.hosts))
    host_next: dict[str, datetime] = {}
    for out in outcomes:
        host = host_of(out.job.url)
        if not _transient_failure(out) or host in answered or host in host_next:
            continue
        previous = queue.hosts.get(host)
        failures = (previous.failures if previous else 0) + 1
        retry_after = max((o.retry_after_s or 0.0 for o in outcomes if host_of(o.job.url) == host), default=0.0)
        host_next[host] = out.fetched_at + host_wait(queue.settings, host, failures, retry_after)
        batch.hosts_failing.append(
            HostRow(host, failures, previous.first_failed_at if previous else out.fetched_at, out.fetched_at,
                    host_next[host], out.error or "unknown")
        )  # fmt: skip
    for out in failed:
        job, first, kind, host = out.job, out.job.sources[0], kinds[id(out)], host_of(out.job.url)
        attempts, first_failed = queue.queued.get(job.article_id, (0, out.fetched_at))
        wait_for_host = host_next.get(host)
        if kind == TRANSIENT and wait_for_host is None:  # the host answered other pages: this page waits alone
            wait_for_host = out.fetched_at + host_wait(queue.settings, job.url, attempts + 1, out.retry_after_s)
        retry = schedule(queue.settings, kind, attempts + 1, first_failed, out.fetched_at, wait_for_host)
        batch.failures.append(
            FailureRow(job.article_id, job.url, first.feed_id, first.entry.guid, first.entry.title or None,
                       first.entry.published_at, out.fetched_at, out.http_status, out.error or "unknown", run_id,
                       kind, host, retry.next_attempt_at, retry.given_up_at)
        )  # fmt: skip


def _transient_failure(out: PageOutcome) -> bool:
    if out.article is not None or out.not_modified or out.wall_url is not None:
        return False
    return failure_kind(out.http_status, out.error, out.transient) == TRANSIENT


def deferred_rows(batch: LoadBatch, plan: Plan, run_id: str, now: datetime) -> None:
    """Pages not fetched because their host is backing off: queued (or kept queued) until the host's time."""
    for job, until in plan.deferred:
        first = job.sources[0]
        batch.failures.append(
            FailureRow(job.article_id, job.url, first.feed_id, first.entry.guid, first.entry.title or None,
                       first.entry.published_at, now, None, f"waiting: {host_of(job.url)} backs off until "
                       f"{until:%Y-%m-%d %H:%M} UTC", run_id, DEFERRED, host_of(job.url), until, None, False)
        )  # fmt: skip


def add_derived_rows(batch: LoadBatch, aid: str, analysis: Analysis | None) -> None:
    """Mentions, topic decisions and events of one article; they replace whatever it had."""
    batch.enriched_ids.append(aid)
    if analysis is None:
        return
    batch.mentions.extend(
        MentionRow(aid, m.field, m.start, m.end, m.entity_id, m.surface, m.sentence, m.kind, m.source, m.refers_to,
                   analysis.gazetteer_version)
        for m in analysis.mentions
    )
    batch.topics.extend(
        TopicRow(aid, t.topic, t.relevance, t.score, list(t.themes), json.dumps(t.to_json()["evidence"],
                 ensure_ascii=False), analysis.topics_version)
        for t in analysis.topics
    )
    batch.events.extend(
        EventRow(aid, e.field, e.expression.start, e.expression.end, e.expression.text, e.expression.date_start,
                 e.expression.date_end, e.expression.precision, e.sentence_text, list(e.entity_ids),
                 f"{analysis.events_version}")
        for e in analysis.events
    )


def final_rows(
    config: Config, run_id: str, polls: Sequence[FeedPoll], states: dict[str, FeedState], plan: Plan,
    now: datetime | None = None,
) -> LoadBatch:  # fmt: skip
    """Feed state, poll records, sources of already-known articles and the pages deferred for their
    host: loaded after all pages."""
    new_per_feed: Counter[str] = Counter()
    for job in plan.jobs:
        for s in job.sources:
            new_per_feed[s.feed_id] += 1
    batch = LoadBatch()
    now = now or datetime.now(UTC)
    batch.sources = _source_rows(plan.known_sources, now)
    deferred_rows(batch, plan, run_id, now)
    _identity_rows(batch, plan.known_sources, now)
    for poll in polls:
        state = states.get(poll.feed_id, FeedState())
        new_items = new_per_feed[poll.feed_id]
        when, interval = next_poll(config, state, poll, new_items)
        batch.feed_states.append(
            FeedStateRow(poll.feed_id, poll.polled_at, poll.outcome != "failed", poll.etag, poll.last_modified,
                         poll.body_sha256, new_items > 0, poll.error, when, interval)
        )
        batch.polls.append(
            PollRow(run_id, poll.feed_id, poll.polled_at, poll.http_status, poll.outcome, len(poll.entries),
                    new_items, poll.skipped_items, poll.duration_ms, poll.warning, poll.error)
        )
    return batch
