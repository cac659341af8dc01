"""Calendar arithmetic of Dutch temporal expressions: the patterns that find them and the resolvers that
turn each kind into a date range against the publication date and the tense of its clause.

Conventions (also those of tests/gold/events): begin/eind of a year are its first and last month (as news
means "eind 2023"), midden of a year May to August; begin/midden/eind of a month are days 1-10, 11-20 and
21-end; seasons are meteorological (winter = December to February, precision quarter); weeks are ISO weeks.
Months and seasons without a year are the latest on or before publication unless the clause looks ahead.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Literal

from newsmon.events_tense import Tense

Precision = Literal["day", "week", "month", "quarter", "year"]

MONTHS = ("januari februari maart april mei juni juli augustus september oktober november december").split()
WEEKDAYS = ("maandag dinsdag woensdag donderdag vrijdag zaterdag zondag").split()
_NUMBERS = {w: i for i, w in enumerate("nul een twee drie vier vijf zes zeven acht negen tien elf twaalf".split())}
_NUMBERS["één"] = 1
_MONTH = "|".join(MONTHS)
_DAY = "|".join(WEEKDAYS)
# Day parts glued to a weekday; namiddag and voormiddag are the Flemish afternoon and morning.
_PARTS = "namiddag|voormiddag|ochtend|morgen|middag|avond|nacht"
_COUNT = r"\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))
_YEAR = r"(?:19[4-9]\d|20[0-4]\d)"
_UNIT = r"dag|dagen|week|weken|maand|maanden|jaar"
# A number right after a year-like figure that counts things is no year: "tot 2000 euro", "in 1500 gevallen".
_COUNTED = (r"euro|dollar|roebel|won|pond|man|mensen|soldaten|militairen|doden|slachtoffers|gevallen|km|kilometer|"
            r"meter|ton|kilo|stuks|exemplaren|inwoners|procent|raketten|granaten|vaten|banen|woningen|keer")

_ENGLISH_MONTHS = ("January February March April May June July August September October November "
                   "December").split()
# Fixed-date days that news about Korea and Russia names instead of the date (month, day).
_HOLIDAYS = {"koreaanse bevrijdingsdag": (8, 15), "bevrijdingsdag van korea": (8, 15), "dag van de overwinning": (5, 9),
             "overwinningsdag": (5, 9), "dag van de zon": (4, 15), "nieuwjaarsdag": (1, 1), "eerste kerstdag": (12, 25),
             "kerstmis": (12, 25), "oudejaarsdag": (12, 31)}  # fmt: skip

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("earlier_this", re.compile(r"\beerder\s+(deze|dit)\s+(week|maand|jaar)\b", re.I)),
    ("anaphoric", re.compile(
        rf"\b({_COUNT})\s+({_UNIT})\s+(eerder|later|daarvoor|daarna|ervoor|erna|nadien)\b", re.I)),
    ("relative_event", re.compile(
        rf"\b(?:({_COUNT})\s+(?:{_UNIT}|uur)|een\s+dag|daags)\s+"
        r"(?:voor|na|voordat|nadat)\s+(?:de|het|die|dat)\s+\w+", re.I)),
    ("vague", re.compile(
        r"\b(?:binnenkort|onlangs|recentelijk|destijds|ooit|eerder|later|de afgelopen (?:jaren|maanden|weken)|"
        r"de komende (?:jaren|maanden|weken)|sinds (?:de|het) \w+)\b", re.I)),
    ("count_ago", re.compile(rf"\b({_COUNT})\s+({_UNIT})\s+geleden\b", re.I)),
    ("count_ahead", re.compile(rf"\bover\s+({_COUNT})\s+({_UNIT})\b", re.I)),
    ("numeric_date", re.compile(rf"(?<![\w/.-])(\d{{1,2}})([-/.])(\d{{1,2}})\2({_YEAR})(?![\w/-]|\.\d)")),
    ("day_range", re.compile(
        rf"\b(?:tussen\s+(\d{{1,2}})\s+en|(\d{{1,2}})\s*(?:-|\u2013|\u2014|t/m|tot en met|tot))\s*(\d{{1,2}})\s+"
        rf"({_MONTH})(?:\s+({_YEAR}))?\b", re.I)),
    ("date", re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})(?:\s+({_YEAR}))?\b", re.I)),
    # embedded posts and quoted English sources: "July 18, 2018"
    ("english_date", re.compile(rf"\b({'|'.join(_ENGLISH_MONTHS)})\s+(\d{{1,2}}),\s+({_YEAR})\b")),
    ("holiday", re.compile(
        r"\b(?:de\s+)?(Koreaanse\s+bevrijdingsdag|bevrijdingsdag\s+van\s+Korea|Dag\s+van\s+de\s+Overwinning|"
        r"Overwinningsdag|Dag\s+van\s+de\s+Zon|Nieuwjaarsdag|eerste\s+kerstdag|Kerstmis|Oudejaarsdag)\b", re.I)),
    ("part_month", re.compile(
        rf"\b(begin|half|midden|eind|einde|medio)\s+(?:({_MONTH})(?:\s+({_YEAR}))?|(deze|vorige|volgende) maand)\b",
        re.I)),
    ("part_year", re.compile(
        rf"\b(begin|midden|medio|eind|einde)\s+(?:van\s+)?(?:({_YEAR})|(dit|vorig|volgend|afgelopen|komend|het|dat)"
        r"\s+jaar)\b", re.I)),
    ("month_year", re.compile(
        rf"\b({_MONTH})\s+(?:van\s+)?(?:({_YEAR})|(dit|vorig|volgend|afgelopen|komend)\s+jaar)\b", re.I)),
    ("season", re.compile(
        r"\b(?:(het|de|deze|dit|afgelopen|vorige|vorig|voorbije|volgende|volgend|komende|komend)\s+)?"
        rf"(voorjaar|lente|zomer|najaar|herfst|winter)(?:\s+van\s+({_YEAR}))?\b(?!-\w)", re.I)),
    ("quarter", re.compile(
        r"\b(?:het\s+)?(eerste|tweede|derde|vierde|vorig|dit|volgend)\s+kwartaal"
        rf"(?:\s+van\s+({_YEAR}|dit jaar|vorig jaar))?\b", re.I)),
    ("week_number", re.compile(r"\bweek\s+(\d{1,2})\b", re.I)),
    ("week_weekday", re.compile(
        rf"\b(vorige|afgelopen|volgende|komende|deze)\s+week\s+({_DAY})(?:{_PARTS})?\b(?!-\w)", re.I)),
    ("relative_unit", re.compile(
        r"\b(vorige|afgelopen|voorbije|deze|volgende|komende|vorig|dit|volgend|komend)\s+(week|maand|jaar)\b", re.I)),
    ("weekday", re.compile(
        rf"\b(?:(afgelopen|vorige|voorbije|komende|volgende|aanstaande)\s+)?({_DAY})(?:{_PARTS})?\b(?!-\w)", re.I)),
    ("deictic", re.compile(
        r"\b(vandaag|(?:van|deze\s+)(?:ochtend|morgen|middag|namiddag|voormiddag|avond|nacht)|"
        r"(?:eer)?gister(?:en)?(?:ochtend|morgen|middag|namiddag|voormiddag|avond|nacht)?|overmorgen|"
        r"morgen(?:ochtend|vroeg|middag|namiddag|voormiddag|avond)?)\b(?!-\w)", re.I)),
    ("month", re.compile(rf"\b({_MONTH})\b(?!-\w)", re.I)),
    ("year", re.compile(rf"(?<![\w-])({_YEAR})(?![\w-]|,\d|\.\d)(?!\s+(?:{_COUNTED})\b)")),
]
_SEASON_START = {"voorjaar": 3, "lente": 3, "zomer": 6, "najaar": 9, "herfst": 9, "winter": 12}
SEASONS = tuple(_SEASON_START)
YEAR_CONTEXT = re.compile(r"\b(in|sinds|tot|vanaf|na|voor|tussen|en|van|uit|medio|rond|jaar|het|t/m|tot en met)\s*$",
                           re.I)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), _month_end(year, month)


def add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def count_of(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _pick_year_for_month(month: int, pub: date, tense: Tense) -> int:
    """A month without a year is the latest one on or before publication, unless the clause looks ahead."""
    if tense == "future":
        return pub.year if month >= pub.month else pub.year + 1
    return pub.year if month <= pub.month else pub.year - 1


def _season(name: str, year: int) -> tuple[date, date]:
    start = date(year, _SEASON_START[name.lower()], 1)
    return start, _add_season_end(start)


def _add_season_end(start: date) -> date:
    last = add_months(start, 2)
    return _month_end(last.year, last.month)


def _season_year(name: str, modifier: str | None, pub: date, tense: Tense) -> int:
    """The year in which the meant season starts."""
    start_month = _SEASON_START[name.lower()]
    # the latest season of this name that started on or before the publication date
    last_start = date(pub.year if (pub.month, pub.day) >= (start_month, 1) else pub.year - 1, start_month, 1)
    ongoing = pub <= _add_season_end(last_start)
    mod = (modifier or "").lower()
    if mod in {"afgelopen", "vorige", "vorig"}:
        return last_start.year - 1 if ongoing else last_start.year
    if mod in {"volgende", "volgend", "komende", "komend"}:
        return last_start.year + 1
    if ongoing:
        return last_start.year
    if mod in {"deze", "dit"}:  # the nearer one: "deze zomer" in November is the one just past
        gap_back = (pub - _add_season_end(last_start)).days
        gap_ahead = (date(last_start.year + 1, start_month, 1) - pub).days
        return last_start.year if gap_back <= gap_ahead else last_start.year + 1
    return last_start.year + 1 if tense == "future" else last_start.year


Range = tuple[date, date, Precision]


def _resolve_date(g: list[str], pub: date, tense: Tense) -> Range | None:
    month, day_number = MONTHS.index(g[1]) + 1, int(g[0])
    years = [int(g[2])] if g[2] else [pub.year - 1, pub.year, pub.year + 1]
    try:
        options = [date(y, month, day_number) for y in years]
    except ValueError:
        return None
    if tense == "past" and not g[2]:
        options = [d for d in options if d <= pub] or options
    elif tense == "future" and not g[2]:
        options = [d for d in options if d >= pub] or options
    day = min(options, key=lambda d: abs((d - pub).days))
    return day, day, "day"


def _resolve_english_date(g: list[str], pub: date, tense: Tense) -> Range | None:
    day = date(int(g[2]), [m.lower() for m in _ENGLISH_MONTHS].index(g[0]) + 1, int(g[1]))
    return day, day, "day"


def _resolve_holiday(g: list[str], pub: date, tense: Tense) -> Range | None:
    """The latest such day on or before publication, unless the clause looks ahead."""
    month, day_number = _HOLIDAYS[" ".join(g[0].split())]
    day = date(pub.year, month, day_number)
    if tense == "future" and day < pub:
        day = day.replace(year=pub.year + 1)
    elif tense != "future" and day > pub:
        day = day.replace(year=pub.year - 1)
    return day, day, "day"


def _resolve_numeric_date(g: list[str], pub: date, tense: Tense) -> Range | None:
    """19-06-2024, 19/6/2024, 19.06.2024: day first, as Dutch writes it; the year is required."""
    day = date(int(g[3]), int(g[2]), int(g[0]))  # an impossible date raises and is dropped by _resolve
    return day, day, "day"


def _resolve_day_range(g: list[str], pub: date, tense: Tense) -> Range | None:
    """3-4 juni, 3 tot en met 5 juni 2024, tussen 3 en 5 juni: the last day is placed like a single
    date, the first day in the same month. ("op 3 en 5 juni" is two dates, not a range.)"""
    last = _resolve_date([g[2], g[3], g[4]], pub, tense)
    if last is None:
        return None
    first = last[0].replace(day=int(g[0] or g[1]))
    return (first, last[0], "day") if first < last[0] else None


_YEAR_STEP = {"dit": 0, "het": 0, "dat": 0, "vorig": -1, "afgelopen": -1, "volgend": 1, "komend": 1}


def _resolve_month_year(g: list[str], pub: date, tense: Tense) -> Range | None:
    """juni 2018, juni vorig jaar, januari van dit jaar."""
    year = int(g[1]) if g[1] else pub.year + _YEAR_STEP[g[2]]
    return (*month_range(year, MONTHS.index(g[0]) + 1), "month")


def _resolve_part_month(g: list[str], pub: date, tense: Tense) -> Range | None:
    if g[1]:
        month = MONTHS.index(g[1]) + 1
        year = int(g[2]) if g[2] else _pick_year_for_month(month, pub, tense)
    else:
        anchor = add_months(pub.replace(day=1), {"deze": 0, "vorige": -1, "volgende": 1}[g[3]])
        year, month = anchor.year, anchor.month
    last = _month_end(year, month)
    part = {"begin": (1, 10), "half": (11, 20), "midden": (11, 20), "medio": (11, 20)}.get(g[0], (21, last.day))
    return date(year, month, part[0]), date(year, month, part[1]), "month"


def _resolve_part_year(g: list[str], pub: date, tense: Tense) -> Range | None:
    """begin/eind of a year is its first/last month ("eind 2023" is December 2023, as the news means it);
    midden/medio is May to August (precision year)."""
    year = int(g[1]) if g[1] else pub.year + _YEAR_STEP[g[2]]
    if g[0] == "begin":
        return (*month_range(year, 1), "month")
    if g[0] in {"eind", "einde"}:
        return (*month_range(year, 12), "month")
    return date(year, 5, 1), _month_end(year, 8), "year"


def _resolve_season(g: list[str], pub: date, tense: Tense) -> Range | None:
    year = int(g[2]) if g[2] else _season_year(g[1], g[0], pub, tense)
    start, end = _season(g[1], year)
    return start, end, "quarter"


def _resolve_quarter(g: list[str], pub: date, tense: Tense) -> Range | None:
    if g[0] in {"vorig", "dit", "volgend"}:
        q = (pub.month - 1) // 3 + {"vorig": -1, "dit": 0, "volgend": 1}[g[0]]
        year, q = pub.year + q // 4, q % 4
    else:
        q = ["eerste", "tweede", "derde", "vierde"].index(g[0])
        year = int(g[1]) if g[1] and g[1].isdigit() else pub.year - (1 if g[1] == "vorig jaar" else 0)
    return date(year, 3 * q + 1, 1), _month_end(year, 3 * q + 3), "quarter"


def _resolve_week_number(g: list[str], pub: date, tense: Tense) -> Range | None:
    week = int(g[0])
    if not 1 <= week <= date(pub.year, 12, 28).isocalendar().week:  # 28 December is always in the last week
        return None
    monday = date.fromisocalendar(pub.year, week, 1)
    return monday, monday + timedelta(days=6), "week"


def _resolve_earlier_this(g: list[str], pub: date, tense: Tense) -> Range | None:
    """eerder deze week/maand, eerder dit jaar: from the start of that period to the day before publication
    (on its first day the range is empty, and _resolve drops it)."""
    if g[1] == "week":
        return week_of(pub)[0], pub - timedelta(days=1), "week"
    if g[1] == "maand":
        return pub.replace(day=1), pub - timedelta(days=1), "month"
    return date(pub.year, 1, 1), pub - timedelta(days=1), "year"


def _resolve_relative_unit(g: list[str], pub: date, tense: Tense) -> Range | None:
    step = {"vorige": -1, "afgelopen": -1, "vorig": -1, "voorbije": -1, "deze": 0, "dit": 0, "volgende": 1,
            "komende": 1, "volgend": 1, "komend": 1}[g[0]]  # fmt: skip
    if g[1] == "week":
        return (*week_of(pub + timedelta(weeks=step)), "week")
    if g[1] == "maand":
        anchor = add_months(pub.replace(day=1), step)
        return (*month_range(anchor.year, anchor.month), "month")
    return date(pub.year + step, 1, 1), date(pub.year + step, 12, 31), "year"


_BACK = frozenset({"afgelopen", "vorige", "voorbije"})


def _resolve_weekday(g: list[str], pub: date, tense: Tense) -> Range | None:
    """The weekday on or before publication when the clause is past, else on or after (news announces in
    the present: "Kim komt donderdag aan"). "afgelopen donderdag" written on a Thursday is a week back,
    "volgende donderdag" a week ahead."""
    target = WEEKDAYS.index(g[1])
    back = (pub.weekday() - target) % 7 or (7 if g[0] in _BACK else 0)
    ahead = (target - pub.weekday()) % 7 or (7 if g[0] and g[0] not in _BACK else 0)
    day = pub + timedelta(days=-back if tense == "past" else ahead)
    return day, day, "day"


def _resolve_week_weekday(g: list[str], pub: date, tense: Tense) -> Range | None:
    """volgende week dinsdag: that weekday in the ISO week before, of or after publication."""
    step = {"vorige": -1, "afgelopen": -1, "deze": 0, "volgende": 1, "komende": 1}[g[0]]
    day = week_of(pub + timedelta(weeks=step))[0] + timedelta(days=WEEKDAYS.index(g[1]))
    return day, day, "day"


def _resolve_deictic(g: list[str], pub: date, tense: Tense) -> Range | None:
    word = g[0]
    if word.startswith("eergister"):
        offset = -2
    elif word.startswith("gister"):
        offset = -1
    elif word == "overmorgen":
        offset = 2
    elif word.startswith("morgen"):
        offset = 1
    else:
        offset = 0  # vandaag, vanochtend, vanavond, vannacht ...
    day = pub + timedelta(days=offset)
    return day, day, "day"


def _resolvecount_of(g: list[str], pub: date, sign: int) -> Range:
    n = count_of(g[0]) * sign
    unit = g[1]
    if unit.startswith("dag"):
        day, precision = pub + timedelta(days=n), "day"
    elif unit.startswith("wek") or unit == "week":
        day, precision = pub + timedelta(weeks=n), "week"
    elif unit.startswith("maand"):
        day, precision = add_months(pub, n), "month"
    else:
        day, precision = add_months(pub, 12 * n), "year"
    return day, day, precision  # type: ignore[return-value]


def _resolve_count_ago(g: list[str], pub: date, tense: Tense) -> Range:
    return _resolvecount_of(g, pub, -1)


def _resolve_count_ahead(g: list[str], pub: date, tense: Tense) -> Range:
    return _resolvecount_of(g, pub, 1)


def _resolve_month(g: list[str], pub: date, tense: Tense) -> Range | None:
    month = MONTHS.index(g[0]) + 1
    year = _pick_year_for_month(month, pub, tense)
    return (*month_range(year, month), "month")


def _resolve_year(g: list[str], pub: date, tense: Tense) -> Range | None:
    year = int(g[0])
    return date(year, 1, 1), date(year, 12, 31), "year"

_RESOLVERS: dict[str, Callable[[list[str], date, Tense], Range | None]] = {
    "date": _resolve_date,
    "english_date": _resolve_english_date,
    "holiday": _resolve_holiday,
    "numeric_date": _resolve_numeric_date,
    "day_range": _resolve_day_range,
    "month_year": _resolve_month_year,
    "part_month": _resolve_part_month,
    "part_year": _resolve_part_year,
    "season": _resolve_season,
    "quarter": _resolve_quarter,
    "week_number": _resolve_week_number,
    "earlier_this": _resolve_earlier_this,
    "week_weekday": _resolve_week_weekday,
    "relative_unit": _resolve_relative_unit,
    "weekday": _resolve_weekday,
    "deictic": _resolve_deictic,
    "count_ago": _resolve_count_ago,
    "count_ahead": _resolve_count_ahead,
    "month": _resolve_month,
    "year": _resolve_year,
}


# Under IGNORECASE the patterns also match these look-alikes of ASCII letters (dotless i, dotted
# capital I, long s, Kelvin sign); lower() keeps them, so they are folded before any word lookup.
LOOKALIKES = str.maketrans({"\u0131": "i", "\u0130": "i", "\u017f": "s", "\u212a": "k", "\u0307": None})


def resolve(kind: str, m: re.Match[str], pub: date, tense: Tense) -> Range | None:
    groups = [x.translate(LOOKALIKES).lower() if x else "" for x in m.groups()]
    try:
        found = _RESOLVERS[kind](groups, pub, tense)
    except (KeyError, ValueError, IndexError, OverflowError):
        return None  # not a date after all (e.g. an unknown spelling, or a day the calendar lacks)
    if found is not None and found[0] > found[1]:
        return None
    return found


# Cheap substring tests (on the lower-cased sentence) that must pass before a pattern is run:
# most sentences hold no month, weekday or season, and Python's regex engine is the bottleneck.
_UNITS = ("dag", "week", "weken", "maand", "jaar", "uur")
TRIGGERS: dict[str, tuple[str, ...]] = {
    "earlier_this": ("eerder d",),
    "anaphoric": ("eerder", "later", "daarvoor", "daarna", "ervoor", "erna", "nadien"),
    "relative_event": _UNITS,
    "vague": ("binnenkort", "onlangs", "recentelijk", "destijds", "ooit", "eerder", "later", "afgelopen", "komende",
              "sinds"),
    "count_ago": ("geleden",),
    "count_ahead": ("over ",),
    "date": tuple(MONTHS),
    "english_date": tuple(m.lower() for m in _ENGLISH_MONTHS),
    "holiday": ("bevrijdingsdag", "overwinning", "dag van de zon", "nieuwjaarsdag", "kerst", "oudejaarsdag"),
    "day_range": tuple(MONTHS),
    "part_month": ("begin", "half", "midden", "eind", "medio"),
    "part_year": ("begin", "midden", "medio", "eind"),
    "month_year": tuple(MONTHS),
    "season": ("voorjaar", "lente", "zomer", "najaar", "herfst", "winter"),
    "quarter": ("kwartaal",),
    "week_number": ("week ",),
    "week_weekday": ("week ",),
    "relative_unit": ("week", "maand", "jaar"),
    "weekday": tuple(WEEKDAYS),
    "deictic": ("vandaag", "gister", "morgen", "ochtend", "middag", "avond", "nacht"),  # every form holds one
    "month": tuple(MONTHS),
}  # fmt: skip
