"""When a stored article is fetched again to catch corrections and growing stories.

Most RSS 2.0 feeds carry no <updated>, so a changed page is only seen by looking again. An
article whose publication is younger than `revisit_window_h` at its first fetch is revisited
`revisit_after_h` hours after that fetch (1, 3, 12, 24 and 48 h by default; offsets beyond the
window are left out) with a conditional GET (If-None-Match / If-Modified-Since), so an unchanged
page usually costs a 304 and no extraction. A changed body becomes a new article version.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from newsmon.config import IngestSettings


def offsets(settings: IngestSettings) -> list[timedelta]:
    return [timedelta(hours=h) for h in settings.revisit_after_h if h <= settings.revisit_window_h]


def revisit_horizon(settings: IngestSettings) -> timedelta:
    """How long after its first fetch an article may still be revisited: its window and a quarter
    more (a revisit a few hours late is still worth it; one days late, after runs stopped, is not)."""
    return timedelta(hours=settings.revisit_window_h * 1.25)


def first_revisit(settings: IngestSettings, fetched_at: datetime, published_at: datetime | None) -> datetime | None:
    """The first revisit of an article fetched for the first time, or None when it is already older
    than the window (an archive page, a backfill) or revisits are switched off."""
    steps = offsets(settings)
    window = timedelta(hours=settings.revisit_window_h)
    if not steps or (published_at is not None and fetched_at - published_at > window):
        return None
    return fetched_at + steps[0]


def next_revisit(settings: IngestSettings, first_fetched_at: datetime, done: int, now: datetime) -> datetime | None:
    """After `done` revisits: the next one still ahead of `now` (a run that was missed is not made up
    with several in a row), or None when the schedule is done."""
    for step in offsets(settings)[done:]:
        if first_fetched_at + step > now:
            return first_fetched_at + step
    return None
