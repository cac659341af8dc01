"""Which stored article a feed entry or a fetched page is: the rules of article identity.

An article is the same when
  - its GUID matches one the same feed gave a stored article, for a feed whose GUIDs identify
    its entries (every entry has one and no two entries of the feed share one);
  - its normalised link matches a URL known to lead to a stored article (an earlier link, the
    page's canonical URL, where the redirects of an earlier fetch ended); or, after the fetch,
  - the fetched page's canonical URL, or where its redirects ended, leads to a stored article
    (or to a page fetched earlier in the same run).
A new article's id is the hash of its first normalised link (newsmon.urls.article_id), so a CMS
that edits the slug after publication adds a source row and a URL alias to the article, not a
second article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from newsmon.feeds import FeedEntry
from newsmon.store import Store
from newsmon.urls import article_id, canonical_url

if TYPE_CHECKING:
    from newsmon.fetch import PageOutcome
    from newsmon.poll import FeedPoll


def guids_identify(entries: Sequence[FeedEntry]) -> bool:
    """Whether a feed's GUIDs can tell its entries apart: each has one and none repeats.

    A feed that gives every item the same GUID (its own address, a constant) or leaves some out
    is matched by links only."""
    guids = [e.guid for e in entries]
    return bool(guids) and all(guids) and len(set(guids)) == len(guids)


def entry_article_ids(polls: Sequence[FeedPoll], store: Store) -> list[list[tuple[str, bool]]]:
    """The article id of every entry of every poll (same order): a stored article's when the GUID
    or the link matches one, else the id of the entry's own link; with whether the store already
    knows both the entry's link and its GUID (then they need not be written again)."""
    usable = [guids_identify(p.entries) for p in polls]
    by_guid = store.articles_by_guid(
        [(p.feed_id, e.guid) for p, ok in zip(polls, usable, strict=True) if ok for e in p.entries if e.guid]
    )
    by_url = store.articles_by_url([e.canonical_url for p in polls for e in p.entries])
    ids: list[list[tuple[str, bool]]] = []
    for poll, ok in zip(polls, usable, strict=True):
        row = []
        for e in poll.entries:
            aid = ((by_guid.get((poll.feed_id, e.guid)) if ok and e.guid else None) or by_url.get(e.canonical_url)
                   or article_id(e.canonical_url))  # fmt: skip
            known = by_url.get(e.canonical_url) == aid and (not e.guid or by_guid.get((poll.feed_id, e.guid)) == aid)
            row.append((aid, known))
        ids.append(row)
    return ids


def page_urls(out: PageOutcome) -> list[str]:
    """The normalised URLs a fetched page tells about itself: its canonical URL and where it ended."""
    urls = [out.article.canonical_url] if out.article is not None and out.article.canonical_url else []
    if out.final_url:
        urls.append(canonical_url(out.final_url))
    return list(dict.fromkeys(urls))


def settle_pages(
    outcomes: Sequence[PageOutcome], store: Store, known_ids: set[str], claimed: dict[str, str]
) -> tuple[list[PageOutcome], set[str]]:
    """Pages fetched as new articles whose canonical URL (or final URL) leads to a stored article, or
    to a page fetched earlier in this run (`claimed`: URL -> id, updated here), become that article.

    Returns the outcomes (re-pointed where needed) and the ids that turned out to be stored ones."""
    stored = store.articles_by_url([u for out in outcomes for u in page_urls(out)])
    settled: list[PageOutcome] = []
    merged: set[str] = set()
    for fetched in outcomes:
        out, urls, aid = fetched, page_urls(fetched), fetched.job.article_id
        if out.article is not None and aid not in known_ids:
            target = next((stored.get(u) or claimed.get(u) for u in urls if stored.get(u) or claimed.get(u)), None)
            if target is not None and target != aid:
                sources = tuple(replace(s, article_id=target) for s in out.job.sources)
                out = replace(out, job=replace(out.job, article_id=target, sources=sources))
                merged.add(target)
        if out.article is not None:
            for u in urls:
                claimed.setdefault(u, out.job.article_id)
        settled.append(out)
    return settled, merged
