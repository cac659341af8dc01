"""Re-deriving from stored text (reanalyse) and from the raw archive (reextract); no network."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from newsmon.analysis import ANALYSED_STATUSES, Analysis, Resources, analyse, resources_for
from newsmon.archive import Archive
from newsmon.config import Config
from newsmon.extract import Article, FeedHints, extract_article
from newsmon.fetch import _INLINE_EXTRACT_BELOW, AMSTERDAM, _pool, analyse_article, chunks
from newsmon.load import add_derived_rows, article_row
from newsmon.store import LoadBatch, Store

log = logging.getLogger("newsmon")


# Articles per task handed to a worker: one round trip (pickled text out, pickled rows back) per task.
_TASK_ARTICLES = 25
# Batches whose analysis is queued ahead of the one being loaded: the workers analyse while the
# database loads, instead of each waiting for the other.
_BATCHES_AHEAD = 2

_Text = tuple[str, str | None, str | None, str, date]  # (id, title, lead, body, publication day)


def _analyse_texts(resources: Resources, texts: Sequence[_Text]) -> LoadBatch:
    """The derived rows of a few stored articles, built where they were analysed: rows pickle far
    cheaper than Analysis objects, and the loading process does not build them itself."""
    batch = LoadBatch()
    for aid, title, lead, body, published in texts:
        add_derived_rows(batch, aid, analyse(body, published, title, lead, resources))
    return batch


def _joined(parts: Sequence[LoadBatch]) -> LoadBatch:
    batch = LoadBatch()
    for part in parts:
        batch.enriched_ids.extend(part.enriched_ids)
        batch.mentions.extend(part.mentions)
        batch.topics.extend(part.topics)
        batch.events.extend(part.events)
    return batch


def reanalyse(config: Config, store: Store, since: date | None = None, batch_size: int = 2000) -> dict[str, int]:
    """Rebuild mentions, topics and events of stored articles with the current rules, a transaction per batch.

    Works from the stored text, without network access; an interrupted run leaves whole batches
    done and can simply be run again. With worker processes, the next batches are analysed while
    one is loaded; batches are loaded in order (oldest first).
    """
    resources = resources_for(config)
    gazetteer = resources.load_gazetteer()
    store.sync_gazetteer(gazetteer.version, gazetteer.frames)
    ids = store.analysis_ids(sorted(ANALYSED_STATUSES), since)
    batches = chunks(ids, batch_size)

    def texts_of(k: int) -> list[_Text]:  # read batch by batch: the archive's texts need not fit in memory
        return [(aid, title, lead, body, published.astimezone(AMSTERDAM).date())
                for aid, title, lead, body, published in store.analysis_texts(batches[k])]  # fmt: skip

    workers = config.settings.ingest.extract_workers
    counts = {"articles": 0, "mentions": 0, "tagged": 0, "events": 0}

    def load(batch: LoadBatch) -> None:
        store.load_batch(batch)
        counts["articles"] += len(batch.enriched_ids)
        counts["mentions"] += len(batch.mentions)
        counts["tagged"] += sum(t.relevance != "none" for t in batch.topics)
        counts["events"] += len(batch.events)

    with store.bulk_writes():
        if workers <= 1 or len(ids) < 4 * _INLINE_EXTRACT_BELOW:
            for k in range(len(batches)):
                load(_analyse_texts(resources, texts_of(k)))
            return counts
        pool = _pool(workers)
        queued: deque[list[Future[LoadBatch]]] = deque()

        def submit(k: int) -> None:
            if k < len(batches):
                queued.append([pool.submit(_analyse_texts, resources, part)
                               for part in chunks(texts_of(k), _TASK_ARTICLES)])  # fmt: skip

        try:
            for k in range(_BATCHES_AHEAD):
                submit(k)
            for k in range(len(batches)):
                submit(k + _BATCHES_AHEAD)  # queued before this batch's results are awaited
                load(_joined([future.result() for future in queued.popleft()]))
        finally:
            for futures in queued:
                for future in futures:
                    future.cancel()
    return counts


@dataclass(frozen=True)
class _Stored:
    """A stored article to re-extract from its archived page."""

    row: tuple[Any, ...]  # (id, url, canonical_url, outlet_id, fetched_at, raw_sha256, http_status, run_id)
    html: bytes
    hints: FeedHints
    max_future_days: float
    resources: Resources


def _reextract_one(item: _Stored) -> tuple[_Stored, Article | None, Analysis | None, str | None]:
    aid, url, _canonical, _outlet, fetched_at, _sha, _status, _run = item.row
    try:
        article = extract_article(item.html, url, item.hints, fetched_at, item.max_future_days)
    except Exception as exc:
        return item, None, None, f"{aid}: extraction failed: {type(exc).__name__}: {exc}"
    return item, article, analyse_article(article, item.resources), None


def reextract(config: Config, store: Store, since: date | None = None, batch_size: int = 200) -> dict[str, int]:
    """Re-run extraction (and analysis) from the raw archive with the current extractor; no network.

    A page whose text comes out different becomes a new article version; the old one stays in
    article_versions. One transaction per batch, so an interrupted run can simply be repeated.
    """
    archive = Archive(config.settings.archive_dir)
    resources = resources_for(config)
    run_id = f"reprocess-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    done = changed = missing = 0
    for chunk in chunks(store.articles_for_reextract(since), batch_size):
        items = []
        for row, feed_date, feed_title in chunk:
            if row[5] not in archive:
                missing += 1
                continue
            items.append(_Stored(row, archive.get(row[5]), FeedHints(published_at=feed_date, title=feed_title),
                                 config.settings.ingest.max_future_days, resources))  # fmt: skip
        workers = config.settings.ingest.extract_workers
        if workers > 1 and len(items) >= _INLINE_EXTRACT_BELOW:
            results = list(_pool(workers).map(_reextract_one, items, chunksize=8))
        else:
            results = [_reextract_one(item) for item in items]
        batch = LoadBatch()
        for item, art, analysis, error in results:
            if art is None:
                log.warning(error)
                continue
            aid, url, canonical, outlet, fetched_at, sha, status, _run = item.row
            batch.articles.append(
                article_row(aid, url, canonical, outlet, art, fetched_at, sha, status, run_id)
            )
            add_derived_rows(batch, aid, analysis)
        before = store.content_hashes([a.id for a in batch.articles])
        store.load_batch(batch)
        done += len(batch.articles)
        changed += sum(before.get(a.id) != a.content_sha256 for a in batch.articles)
    return {"articles": done, "changed": changed, "missing_raw": missing}
