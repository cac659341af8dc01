"""The fetch queue's rules: what kind of failure a page had and when it is tried again.

Every page a feed announced waits in fetch_failures until it is stored or given up, whether or
not the feed still lists it:
  - transient (timeout, reset, 429, 5xx, robots.txt answering 5xx): the page waits for its host,
    whose wait doubles with each failed batch (retry_base_s up to retry_max_s, with jitter, never
    shorter than a Retry-After), and is given up only retry_window_h (72 h) after its first failure;
  - permanent (404, 410, not an HTML page): given up at once;
  - disallowed by robots.txt: tried daily, given up after disallowed_days;
  - failed (anything else: extraction failed, a size cap, a redirect loop, 401/403): tried again
    after 1 h and 4 h, given up after the third attempt;
  - deferred (never fetched: its host is backing off): waits for the host.
The jitter is derived from the host (or page) and the attempt, so two hosts that failed together
come back at different times, and a run replayed on the same clock schedules the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from newsmon.config import IngestSettings

TRANSIENT, PERMANENT, DISALLOWED, FAILED, DEFERRED = "transient", "permanent", "disallowed", "failed", "deferred"
MAX_FAILED_ATTEMPTS = 3  # a page that failed in another way this often is given up
FAILED_WAIT_H = (1, 4)  # hours before the 2nd and 3rd attempt of such a page
DISALLOWED_WAIT = timedelta(hours=24)


def host_of(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def failure_kind(status: int | None, error: str | None, transient: bool) -> str:
    """The kind of a failed page fetch (see the module's docstring)."""
    text = error or ""
    if transient or status == 429 or (status is not None and 500 <= status < 600):
        return TRANSIENT
    if status in (404, 410) or text.startswith("not an HTML page"):
        return PERMANENT
    if text.startswith("disallowed by"):
        return DISALLOWED
    return FAILED


def jitter(key: str, attempt: int) -> float:
    """A factor in [0.8, 1.2) fixed by `key` and `attempt`."""
    digest = hashlib.sha256(f"{key}:{attempt}".encode()).digest()
    return 0.8 + 0.4 * int.from_bytes(digest[:4], "big") / 2**32


def host_wait(settings: IngestSettings, host: str, failures: int, retry_after_s: float | None) -> timedelta:
    """How long a host that failed transiently `failures` times in a row is left alone."""
    seconds = min(settings.retry_max_s, settings.retry_base_s * 2 ** min(failures - 1, 30)) * jitter(host, failures)
    return timedelta(seconds=max(seconds, retry_after_s or 0.0))


@dataclass(frozen=True)
class Retry:
    next_attempt_at: datetime | None  # None: given up
    given_up_at: datetime | None


def schedule(
    settings: IngestSettings, kind: str, attempt: int, first_failed_at: datetime, failed_at: datetime,
    host_next: datetime | None,
) -> Retry:  # fmt: skip
    """When a page that failed for the `attempt`-th time (1 = its first) is tried again, if ever.
    `host_next` is when its host may be asked again (transient failures)."""
    if kind == PERMANENT:
        return Retry(None, failed_at)
    if kind == TRANSIENT:
        if failed_at - first_failed_at >= timedelta(hours=settings.retry_window_h):
            return Retry(None, failed_at)
        return Retry(max(host_next or failed_at, failed_at + timedelta(seconds=60)), None)
    if kind == DISALLOWED:
        if failed_at - first_failed_at >= timedelta(days=settings.disallowed_days):
            return Retry(None, failed_at)
        return Retry(failed_at + DISALLOWED_WAIT, None)
    if attempt >= MAX_FAILED_ATTEMPTS:
        return Retry(None, failed_at)
    return Retry(failed_at + timedelta(hours=FAILED_WAIT_H[attempt - 1]), None)
