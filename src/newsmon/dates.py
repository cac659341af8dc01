"""Publication dates: the one date module for feeds and pages.

Every date string the product reads (feed pubDate, JSON-LD, meta tags, RDFa, microdata,
<time datetime>, the dates a page shows its readers, dates in URLs) goes through `parse_date`,
which returns an aware UTC time and whether the source gave a time of day. A source without a
zone is Amsterdam time.

A page's date is chosen by `choose_published` from candidates in this order: JSON-LD, meta /
OpenGraph, RDFa and microdata, <time datetime>, htmldate (fast mode, on the parsed tree), the
Dutch date the page shows ("01 MRT 2016", "za 5 mrt 2016, 17:04"), the URL, the feed, and
only last the fetch time. When the winner gives only a day and a later candidate gives a time
on that same (Amsterdam) day, the time is used and its source is named.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

DateSource = Literal["jsonld", "meta", "rdfa", "time", "htmldate", "visible", "url", "feed", "fetched"]
DATE_SOURCES: tuple[str, ...] = ("jsonld", "meta", "rdfa", "time", "htmldate", "visible", "url", "feed", "fetched")
EARLIEST_YEAR = 1990  # older "publication dates" are template defaults or birth dates, not news

MONTHS: dict[str, int] = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "febr": 2, "februari": 2, "february": 2,
    "mrt": 3, "maa": 3, "maart": 3, "mar": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6, "jul": 7, "juli": 7, "july": 7, "aug": 8, "augustus": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "okt": 10, "oct": 10, "oktober": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = (
    r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo|"
    r"mon|tue|wed|thu|fri|sat|sun)\.?,?\s+"
)
_TIME = r"(?:\s*(?:,|\||-|–|·|•|om|at)?\s*(\d{1,2})[:.u](\d{2})(?::(\d{2}))?(?:\s*uur)?(?![\d]))?"
# "19 juni 2024 14:05", "za 5 mrt 2016, 17:04", "01 MRT 2016", "5 maart 2016 om 17.04 uur"
_TEXT_DATE = re.compile(
    rf"(?<![\w])(?:{_WEEKDAY})?(\d{{1,2}})\.?\s+({_MONTH_ALT})\.?\s+(\d{{4}})(?![\d]){_TIME}", re.IGNORECASE
)
# "19-06-2024 14:05", "19/06/2024", "19.06.24, 14:05" (a two-digit year only with a time)
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?![\d/.-])"
    r"(?:\s*(?:,|\||-|–|om)?\s*(\d{1,2})[:.](\d{2})(?::(\d{2}))?(?:\s*uur)?(?!\d))?",
)
_ISO_DATE = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?$",
    re.IGNORECASE,
)
# /2024/06/19/, -20240619-, and a compact date behind a short prefix in a path segment (Mediahuis: /cnt/dmf20240619_)
_URL_DATE = re.compile(
    r"/(20\d{2}|19\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)|(?:[/-]|/[a-z]{1,4})(20\d{2})(\d{2})(\d{2})(?:[-/_.]|$)"
)


@dataclass(frozen=True)
class DateValue:
    """A point in time read from some source, and whether the source gave a time of day."""

    when: datetime  # aware, UTC
    has_time: bool

    @property
    def local_day(self) -> date:
        return self.when.astimezone(AMSTERDAM).date()


@dataclass(frozen=True)
class Candidate:
    value: DateValue
    source: DateSource


def _build(
    year: int, month: int, day: int, hour: int | None = None, minute: int | None = None, second: int | None = None,
    zone: Any = None,
) -> DateValue | None:  # fmt: skip
    try:
        local = datetime(year, month, day, hour or 0, minute or 0, second or 0, tzinfo=zone or AMSTERDAM)
        return DateValue(local.astimezone(UTC), hour is not None)
    except (ValueError, OverflowError):
        return None  # 31 February, hour 25, the edge of the calendar


def _zone(text: str | None) -> Any:
    if not text:
        return None
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _two_digit_year(value: str) -> int:
    year = int(value)
    return year + 2000 if len(value) == 2 else year


def parse_date(value: str | None) -> DateValue | None:
    """An aware UTC time from ISO 8601, RFC 822, or a Dutch date ("19 juni 2024 14:05", "19-06-2024").

    A string without a zone is Amsterdam time; numeric dates are day first, as in Dutch.
    Returns None for anything that is not a date (including impossible ones such as 31-02).
    """
    if not value:
        return None
    text = " ".join(value.split())
    if not text or len(text) > 200:
        return None
    iso = _ISO_DATE.match(text)
    if iso:
        y, mo, d, h, mi, s, z = iso.groups()
        zone = _zone(z)
        if z and zone is None:
            return None
        return _build(int(y), int(mo), int(d), int(h) if h else None, int(mi) if mi else None,
                      int(s) if s else None, zone)  # fmt: skip
    if text[:1].isalpha() and re.search(r"\d{1,2}\s+[a-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", text, re.IGNORECASE):
        try:
            rfc = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            rfc = None
        if rfc is not None:
            if rfc.tzinfo is None:
                rfc = rfc.replace(tzinfo=AMSTERDAM)
            try:
                return DateValue(rfc.astimezone(UTC), True)
            except OverflowError:
                return None
    return find_visible_date(text)


def find_visible_date(text: str) -> DateValue | None:
    """The first Dutch date (with its time, when one follows) in running text."""
    textual = _TEXT_DATE.search(text)
    numeric = _NUMERIC_DATE.search(text)
    if numeric and numeric.group(3) and len(numeric.group(3)) == 2 and not numeric.group(4):
        numeric = None  # "12.06.24" alone is too likely a version or a score
    if textual and (not numeric or textual.start() <= numeric.start()):
        d, month, y, h, mi, s = textual.groups()
        number = MONTHS.get(month.lower())  # None for look-alikes the case-blind match let in ("JANUARİ")
        if number is None:
            return None
        return _build(int(y), number, int(d), int(h) if h else None, int(mi) if mi else None,
                      int(s) if s else None)  # fmt: skip
    if numeric:
        d, mo, y, h, mi, s = numeric.groups()
        return _build(_two_digit_year(y), int(mo), int(d), int(h) if h else None, int(mi) if mi else None,
                      int(s) if s else None)  # fmt: skip
    return None


def url_date(url: str) -> DateValue | None:
    """A date in the URL path (/2024/06/19/, -20240619-), day precision."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    match = _URL_DATE.search(path)
    if not match:
        return None
    groups = match.groups()[:3] if match.group(1) else match.groups()[3:]
    year, month, day = (int(g) for g in groups)
    return _build(year, month, day)


def feed_value(when: datetime | None) -> DateValue | None:
    """A feed entry's date as a candidate: feeds give times; exactly midnight local is taken as a bare day."""
    if when is None:
        return None
    local = when.astimezone(AMSTERDAM)
    return DateValue(when.astimezone(UTC), (local.hour, local.minute, local.second) != (0, 0, 0))


def choose_published(
    candidates: list[Candidate], fetched_at: datetime, max_future_days: float, notes: list[str]
) -> Candidate:
    """The first usable candidate, refined by a later one's time of day on the same day; else the fetch time.

    A candidate more than `max_future_days` after the fetch, or before 1990, is skipped with a note.
    """
    limit = fetched_at + timedelta(days=max_future_days)
    usable: list[Candidate] = []
    for cand in candidates:
        if cand.value.when > limit:
            notes.append(f"rejected {cand.source} date {cand.value.when.isoformat()}: "
                         f"more than {max_future_days:g} days ahead")  # fmt: skip
        elif cand.value.when.year < EARLIEST_YEAR:
            notes.append(f"rejected {cand.source} date {cand.value.when.isoformat()}: before {EARLIEST_YEAR}")
        else:
            usable.append(cand)
    if not usable:
        return Candidate(DateValue(fetched_at.astimezone(UTC), True), "fetched")
    first = usable[0]
    if not first.value.has_time:
        day = first.value.local_day
        timed = next((c for c in usable[1:] if c.value.has_time and c.value.local_day == day), None)
        if timed is not None:
            notes.append(f"{first.source} gave the day, {timed.source} the time")
            return timed
    return first
