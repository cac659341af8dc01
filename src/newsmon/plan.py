"""Planning a run's fetches: feed entries grouped by article, split into pages to fetch and
articles already stored, with the pages whose retry or refetch has come."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from newsmon.extract import FeedHints
from newsmon.feeds import FeedEntry
from newsmon.http import Conditional
from newsmon.identity import entry_article_ids
from newsmon.poll import FeedPoll
from newsmon.retry import host_of
from newsmon.store import FailureRow, HostRow, RevisitRow, Store
from newsmon.urls import canonical_url


@dataclass(frozen=True)
class EntrySource:
    feed_id: str
    entry: FeedEntry
    article_id: str  # the article the entry is (newsmon.identity)
    identity_known: bool = False  # the store already maps this link (and GUID) to the article


@dataclass(frozen=True)
class FetchJob:
    """One article page to fetch, with every feed entry that pointed at it."""

    article_id: str
    url: str  # the link to fetch (the first one seen; tracking parameters and all)
    outlet_id: str
    sources: tuple[EntrySource, ...]
    revisit: RevisitRow | None = None  # set for a stored article's scheduled revisit (newsmon.revisit)
    from_feed: bool = True  # False: `sources` are the stored first source, not entries of this run

    @property
    def conditional(self) -> Conditional | None:
        if self.revisit is None or not (self.revisit.etag or self.revisit.last_modified):
            return None
        return Conditional(self.revisit.etag, self.revisit.last_modified)

    @property
    def hints(self) -> FeedHints:
        entry = self.sources[0].entry
        dated = next((s.entry.published_at for s in self.sources if s.entry.published_at), None)
        return FeedHints(published_at=dated, title=entry.title or None, summary=entry.summary or None,
                         author=entry.author)


@dataclass
class Plan:
    jobs: list[FetchJob]
    known_sources: list[EntrySource] = field(default_factory=list)  # entries of articles already stored
    known_ids: set[str] = field(default_factory=set)
    updated_ids: set[str] = field(default_factory=set)  # stored, but the feed says the page changed since
    deferred: list[tuple[FetchJob, datetime]] = field(default_factory=list)  # host backing off until then
    revisit_ids: set[str] = field(default_factory=set)  # stored articles fetched again on their schedule


def _updated_since(sources: Sequence[EntrySource], fetched_at: datetime, now: datetime) -> bool:
    """An entry's explicit update time after the last fetch (and not in the future) means: fetch again."""
    return any(
        s.entry.updated_at is not None and fetched_at < s.entry.updated_at <= now + timedelta(minutes=5)
        for s in sources
    )


def plan_fetches(
    polls: Sequence[FeedPoll], store: Store, retries: Sequence[FailureRow] = (), now: datetime | None = None,
    hosts: Mapping[str, HostRow] | None = None, revisits: Sequence[tuple[FailureRow, RevisitRow]] = (),
) -> Plan:  # fmt: skip
    """Group feed entries by article id; split into new pages to fetch and known articles.

    `retries` are pages to fetch again even when no feed lists them now: failed fetches, consent
    walls and empty or live pages whose next attempt has come. A failed or walled page whose next
    attempt has not come is left alone, and so is a stored page that is not due for a refetch.
    """
    now = now or datetime.now(UTC)
    grouped: dict[str, list[EntrySource]] = defaultdict(list)
    outlet_of: dict[str, str] = {}
    for poll, ids in zip(polls, entry_article_ids(polls, store), strict=True):
        for entry, (aid, identity_known) in zip(poll.entries, ids, strict=True):
            grouped[aid].append(EntrySource(poll.feed_id, entry, aid, identity_known))
            outlet_of.setdefault(aid, poll.outlet_id)
    for aid in store.waiting_walls(list(grouped), now) | store.waiting_failures(list(grouped), now):
        del grouped[aid]
    due = {f.article_id for f in retries}
    for failure in retries:
        if failure.article_id not in grouped:
            entry = FeedEntry(failure.url, canonical_url(failure.url), failure.guid, failure.feed_title or "", "",
                              failure.feed_published_at, None, ())
            grouped[failure.article_id].append(EntrySource(failure.feed_id, entry, failure.article_id))
            outlet_of[failure.article_id] = failure.feed_id.split("/", 1)[0]
    known = store.known_articles(list(grouped))
    plan = Plan(jobs=[], known_ids=set(known))
    for aid, sources in grouped.items():
        if aid in known and aid not in due and not _updated_since(sources, known[aid], now):
            plan.known_sources.extend(sources)
        else:
            if aid in known:
                plan.updated_ids.add(aid)
            plan.jobs.append(FetchJob(aid, sources[0].entry.url, outlet_of[aid], tuple(sources)))
    by_id = {job.article_id: i for i, job in enumerate(plan.jobs)}
    for stored, schedule in revisits:
        if stored.article_id in by_id:  # fetched anyway: that fetch is the revisit
            i = by_id[stored.article_id]
            plan.jobs[i] = replace(plan.jobs[i], revisit=schedule)
        else:
            entry = FeedEntry(stored.url, canonical_url(stored.url), stored.guid, stored.feed_title or "", "",
                              stored.feed_published_at, None, ())  # fmt: skip
            source = EntrySource(stored.feed_id, entry, stored.article_id)
            plan.jobs.append(FetchJob(stored.article_id, stored.url, stored.feed_id.split("/", 1)[0], (source,),
                                      schedule, from_feed=False))  # fmt: skip
        plan.revisit_ids.add(stored.article_id)
    plan.updated_ids -= plan.revisit_ids
    waiting = {h: r.next_attempt_at for h, r in (hosts or {}).items() if r.next_attempt_at > now}
    if waiting:  # a host backing off is not asked: its new pages are queued for when it may be
        fetch_now = []
        for job in plan.jobs:
            until = waiting.get(host_of(job.url))
            if until is None:
                fetch_now.append(job)
            elif job.article_id not in known:
                plan.deferred.append((job, until))
        plan.jobs = fetch_now
    plan.jobs.sort(key=lambda j: j.article_id)
    return plan
