"""newsmon.dates: the date strings Dutch news pages and feeds carry, and the choice between sources."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsmon.dates import Candidate, DateValue, choose_published, feed_value, parse_date, url_date

FETCHED = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "utc", "has_time"),
    [
        ("2016-03-10T16:42:00+01:00", datetime(2016, 3, 10, 15, 42, tzinfo=UTC), True),
        ("2024-06-19T12:05:00Z", datetime(2024, 6, 19, 12, 5, tzinfo=UTC), True),
        ("2024-06-19T14:05:00.000+0200", datetime(2024, 6, 19, 12, 5, tzinfo=UTC), True),
        ("2024-06-19 14:05", datetime(2024, 6, 19, 12, 5, tzinfo=UTC), True),  # no zone: Amsterdam (summer)
        ("2016-03-10", datetime(2016, 3, 9, 23, 0, tzinfo=UTC), False),  # a bare day: local midnight
        ("Thu, 10 Mar 2016 16:42:00 +0100", datetime(2016, 3, 10, 15, 42, tzinfo=UTC), True),
        ("Wed, 19 Jun 2024 12:05:00 GMT", datetime(2024, 6, 19, 12, 5, tzinfo=UTC), True),
        ("01 MRT 2016", datetime(2016, 2, 29, 23, 0, tzinfo=UTC), False),
        ("21 NOV 2015", datetime(2015, 11, 20, 23, 0, tzinfo=UTC), False),
        ("19 juni 2024 14:05", datetime(2024, 6, 19, 12, 5, tzinfo=UTC), True),
        ("za 5 mrt 2016, 17:04", datetime(2016, 3, 5, 16, 4, tzinfo=UTC), True),
        ("maandag 3 februari 2025 om 9.30 uur", datetime(2025, 2, 3, 8, 30, tzinfo=UTC), True),
        ("Gepubliceerd: 12 okt. 2023 | 08:15", datetime(2023, 10, 12, 6, 15, tzinfo=UTC), True),
        ("25-04-2019 16:40", datetime(2019, 4, 25, 14, 40, tzinfo=UTC), True),
        ("25/04/2019", datetime(2019, 4, 24, 22, 0, tzinfo=UTC), False),
        ("19.06.24, 14:05", datetime(2024, 6, 19, 12, 5, tzinfo=UTC), True),
    ],
)
def test_dates_pages_and_feeds_write(text: str, utc: datetime, has_time: bool) -> None:
    parsed = parse_date(text)
    assert parsed is not None, text
    assert (parsed.when, parsed.has_time) == (utc, has_time)


@pytest.mark.parametrize("text", ["", "geen datum", "31-02-2024", "32 januari 2024", "2024-13-45", "versie 12.06.24",
                                  "0000-00-00", "2024-06-19T25:00:00"])  # fmt: skip
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_url_dates_are_days() -> None:
    found = url_date("https://x.be/2024/06/19/poetin-in-pyongyang/")
    assert found == DateValue(datetime(2024, 6, 18, 22, 0, tzinfo=UTC), False)
    assert url_date("https://x.nl/nieuws/top-in-vladivostok") is None
    # a compact date behind a short prefix in a path segment (Mediahuis titles: /cnt/dmf20190425_01234567)
    mediahuis = url_date("https://www.example.be/cnt/dmf20190425_01234567")
    assert mediahuis is not None and mediahuis.local_day == date(2019, 4, 25)
    assert url_date("https://www.example.be/cnt/dmf20191345_01234567") is None  # no 45th of month 13
    assert url_date("https://www.example.nl/artikel/nieuwsbericht20190425") is None  # a long word is no prefix


def cand(text: str, source: str) -> Candidate:
    value = parse_date(text)
    assert value is not None
    return Candidate(value, source)  # type: ignore[arg-type]


def test_a_day_takes_the_time_of_a_later_source_on_the_same_day() -> None:
    notes: list[str] = []
    chosen = choose_published([cand("2016-03-10", "meta"), cand("2016-03-10T16:42:00+01:00", "rdfa")], FETCHED, 2,
                              notes)  # fmt: skip
    assert (chosen.value.when, chosen.source) == (datetime(2016, 3, 10, 15, 42, tzinfo=UTC), "rdfa")
    # a time on another day does not move the day
    chosen = choose_published([cand("2016-03-10", "visible"), cand("2016-03-11T09:00:00+01:00", "feed")], FETCHED,
                              2, [])  # fmt: skip
    assert (chosen.value.when, chosen.source) == (datetime(2016, 3, 9, 23, 0, tzinfo=UTC), "visible")


def test_future_and_ancient_dates_are_skipped_and_the_fetch_time_is_last() -> None:
    notes: list[str] = []
    chosen = choose_published([cand("2026-02-01T10:00:00Z", "jsonld"), cand("1970-01-01", "meta")], FETCHED, 2,
                              notes)  # fmt: skip
    assert (chosen.value.when, chosen.source) == (FETCHED, "fetched")
    assert any("jsonld" in n and "ahead" in n for n in notes) and any("meta" in n for n in notes)


def test_feed_dates_at_local_midnight_count_as_days() -> None:
    midnight = feed_value(datetime(2024, 6, 18, 22, 0, tzinfo=UTC))  # 00:00 in Amsterdam
    assert midnight is not None and not midnight.has_time
    timed = feed_value(datetime(2024, 6, 19, 12, 5, tzinfo=UTC))
    assert timed is not None and timed.has_time
