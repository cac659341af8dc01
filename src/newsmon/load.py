"""Rows of a run for the store: articles, sources, failures, walls, derived rows, feed state."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from newsmon.analysis import Analysis
from newsmon.config import Config
from newsmon.extract import Article
from newsmon.fetch import PageOutcome
from newsmon.identity import page_urls
from newsmon.plan import EntrySource, Plan
from newsmon.poll import FeedPoll, next_poll
from newsmon.store import (
    ArticleRow,
    EventRow,
    FailureRow,
    FeedState,
    FeedStateRow,
    GuidRow,
    LoadBatch,
    MentionRow,
    PollRow,
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
    """The links and GUIDs under which the feeds carried stored articles."""
    batch.urls.extend(UrlRow(s.entry.canonical_url, s.article_id, "link", seen_at) for s in sources)
    batch.guids.extend(GuidRow(s.feed_id, s.entry.guid, s.article_id, seen_at) for s in sources if s.entry.guid)


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


def batch_rows(outcomes: Sequence[PageOutcome], run_id: str) -> LoadBatch:
    """Rows for one batch of pages: articles with their sources, or failures to retry later."""
    batch = LoadBatch()
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
        if art is None:
            first = job.sources[0]
            batch.failures.append(
                FailureRow(job.article_id, job.url, first.feed_id, first.entry.guid, first.entry.title or None,
                           first.entry.published_at, out.fetched_at, out.http_status, out.error or "unknown", run_id)
            )
            continue
        batch.articles.append(
            article_row(job.article_id, job.url, job.sources[0].entry.canonical_url, job.outlet_id, art,
                        out.fetched_at, out.raw_sha256, out.http_status, run_id)
        )
        batch.sources.extend(_source_rows(job.sources, out.fetched_at))
        _identity_rows(batch, job.sources, out.fetched_at)
        batch.urls.extend(UrlRow(u, job.article_id, "final_url" if u != art.canonical_url else "page_canonical",
                                 out.fetched_at) for u in page_urls(out))  # fmt: skip
        add_derived_rows(batch, job.article_id, out.analysis)
    return batch


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
    config: Config, run_id: str, polls: Sequence[FeedPoll], states: dict[str, FeedState], plan: Plan
) -> LoadBatch:
    """Feed state, poll records and sources of already-known articles: loaded after all pages."""
    new_per_feed: Counter[str] = Counter()
    for job in plan.jobs:
        for s in job.sources:
            new_per_feed[s.feed_id] += 1
    batch = LoadBatch()
    now = datetime.now(UTC)
    batch.sources = _source_rows(plan.known_sources, now)
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
