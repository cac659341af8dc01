"""Dutch temporal expressions, resolved against the publication date.

"donderdag" in an article of Tuesday 23 April 2019 is 25 April 2019 when the sentence looks
ahead ("ontmoet donderdag", "zal donderdag") and 18 April when it looks back ("sprak
donderdag"). Each expression becomes a date range with a precision (day, week, month,
quarter, year). Expressions relative to another event ("twee weken voor de top") or vague
ones ("onlangs") are kept with no dates rather than guessed.

Conventions (also those of tests/gold/events): begin/midden/eind of a year are its first,
middle and last four months (precision year); of a month, days 1-10, 11-20 and 21-end
(precision month); seasons are meteorological (winter = December to February, precision
quarter); weeks are ISO weeks (Monday to Sunday).

Rules, not dateparser: dateparser (which has Dutch) resolves single date strings but neither
finds expressions in running text nor uses the tense of the sentence, which decides most
weekday and month cases in news.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from newsmon.text import split_sentences

RULES_VERSION = "1"
Precision = Literal["day", "week", "month", "quarter", "year"]
Tense = Literal["past", "future", "present"]

MONTHS = ("januari februari maart april mei juni juli augustus september oktober november december").split()
WEEKDAYS = ("maandag dinsdag woensdag donderdag vrijdag zaterdag zondag").split()
_NUMBERS = {w: i for i, w in enumerate("nul een twee drie vier vijf zes zeven acht negen tien elf twaalf".split())}
_NUMBERS["één"] = 1
_MONTH = "|".join(MONTHS)
_DAY = "|".join(WEEKDAYS)
_PARTS = "ochtend|morgen|middag|avond|nacht"
_COUNT = r"\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))
_YEAR = r"(?:19[4-9]\d|20[0-4]\d)"

_PAST_VERBS = (
    "was waren werd werden had hadden zei zeiden sprak spraken kwam kwamen ging gingen stond stonden vond vonden "
    "hield hielden liet lieten bracht brachten gaf gaven nam namen zag zagen trof troffen besloot besloten bezocht "
    "bezochten ontving ontvingen schreef schreven vertrok vertrokken begon begonnen won wonnen verloor verloren sloot "
    "sloten bleef bleven viel vielen vloog vlogen stierf stierven schoot schoten sloeg sloegen brak braken kocht "
    "kochten verkocht verkochten deed deden kreeg kregen ving vingen trad traden steeg stegen overleed overleden "
    "meldde meldden verklaarde verklaarden bevestigde bevestigden ontkende ontkenden noemde noemden kondigde "
    "kondigden tekende tekenden ontmoette ontmoetten reisde reisden landde landden arriveerde arriveerden "
    "lanceerde lanceerden vuurde vuurden stemde stemden maakte maakten waarschuwde waarschuwden dreigde dreigden "
    "eiste eisten beloofde beloofden voerde voerden leidde leidden speelde speelden opende openden zette zetten "
    "legde legden volgde volgden toonde toonden presenteerde presenteerden publiceerde publiceerden stelde "
    "stelden keurde keurden veroordeelde veroordeelden reageerde reageerden vertelde vertelden benadrukte "
    "benadrukten herhaalde herhaalden erkende erkenden beschuldigde beschuldigden sneuvelde sneuvelden raakte "
    "raakten doodde doodden arresteerde arresteerden leverde leverden stuurde stuurden betaalde betaalden "
    "gebeurde ontstond eindigde eindigden duurde kostte kostten daalde daalden groeide groeiden zakte zakten "
    "bereikte bereikten passeerde passeerden ondertekende ondertekenden kwalificeerde onderhandelde "
    "onderhandelden riep riepen vroeg vroegen antwoordde antwoordden bood boden hoorde hoorden keerde keerden "
    "trok trokken stelde stelden wees wezen hielp hielpen dacht dachten wist wisten kon konden wilde wilden "
    "moest moesten mocht mochten lag lagen zat zaten liep liepen sprong wierp wierpen koos kozen dwong dwongen "
    "verscheen verschenen verdween verdwenen ontsnapte vluchtte vluchtten vormde vormden werkte werkten woonde "
    "woonden hoopte hoopten wachtte wachtten keek keken bleek bleken leek leken gold golden verliet verlieten "
    "reed reden groette groetten schudde schudden overhandigde overhandigden prees prezen bedankte bedankten "
    "omhelsde omhelsden dronk dronken at aten belde belden telde telden mislukte mislukten lukte lukten slaagde "
    "slaagden faalde faalden probeerde probeerden noteerde noteerden zweeg "
    "zwegen beweerde beweerden bezorgde waarschuwde ontstonden oefende oefenden marcheerde marcheerden "
    "paradeerde paradeerden inspecteerde inspecteerden plande planden regelde regelden"
).split()
_PAST = re.compile(
    r"\b(?:" + "|".join(_PAST_VERBS) + r")\b"
    # word lengths are bounded: on one very long "word" unbounded \S+ / \w* made this quadratic
    r"|\b(?:heeft|hebben|had|hadden|is|was|waren|werd|werden)\b(?:\s+\S{1,40}){0,8}?\s+"
    r"(?:\w{0,30}ge\w{1,30}[dt]|gesproken|gezien|gekomen|gegaan|genomen|gegeven|gebleven|geweest|gevonden|geschoten|getroffen|"
    r"gekozen|gesloten|geschreven|begonnen|ontvangen|vertrokken|overleden|gestorven|gevallen|gehouden|aangekomen|"
    r"ondertekend|bezocht|verklaard|bevestigd)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(zal|zullen|zult|gaat|gaan|wordt verwacht|worden verwacht|staat gepland|staan gepland|volgt|"
    r"is gepland|zijn gepland|moet|moeten|wil|willen|hoopt|hopen|plant|plannen|verwacht|zou|zouden)\b",
    re.IGNORECASE,
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("earlier_this_year", re.compile(r"\beerder dit jaar\b", re.I)),
    ("relative_event", re.compile(
        rf"\b(?:({_COUNT})\s+(?:dag|dagen|week|weken|maand|maanden|jaar|uur)|een\s+dag|daags)\s+"
        r"(?:voor|na|voordat|nadat)\s+(?:de|het|die|dat)\s+\w+", re.I)),
    ("vague", re.compile(
        r"\b(?:binnenkort|onlangs|recentelijk|destijds|ooit|eerder|later|de afgelopen (?:jaren|maanden|weken)|"
        r"de komende (?:jaren|maanden|weken)|sinds (?:de|het) \w+)\b", re.I)),
    ("count_ago", re.compile(rf"\b({_COUNT})\s+(dag|dagen|week|weken|maand|maanden|jaar)\s+geleden\b", re.I)),
    ("count_ahead", re.compile(rf"\bover\s+({_COUNT})\s+(dag|dagen|week|weken|maand|maanden|jaar)\b", re.I)),
    ("numeric_date", re.compile(rf"(?<![\w/.-])(\d{{1,2}})([-/.])(\d{{1,2}})\2({_YEAR})(?![\w/-]|\.\d)")),
    ("day_range", re.compile(
        rf"\b(?:tussen\s+(\d{{1,2}})\s+en|(\d{{1,2}})\s*(?:-|\u2013|\u2014|t/m|tot en met|tot))\s*(\d{{1,2}})\s+"
        rf"({_MONTH})(?:\s+({_YEAR}))?\b", re.I)),
    ("date", re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})(?:\s+({_YEAR}))?\b", re.I)),
    ("part_month", re.compile(
        rf"\b(begin|half|midden|eind|einde|medio)\s+(?:({_MONTH})(?:\s+({_YEAR}))?|(deze|vorige|volgende) maand)\b",
        re.I)),
    ("part_year", re.compile(
        rf"\b(begin|midden|medio|eind|einde)\s+(?:({_YEAR})|(dit|vorig|volgend|afgelopen|komend) jaar)\b", re.I)),
    ("month_year", re.compile(rf"\b({_MONTH})\s+({_YEAR})\b", re.I)),
    ("season", re.compile(
        r"\b(?:(het|de|deze|dit|afgelopen|vorige|vorig|volgende|volgend|komende|komend)\s+)?"
        rf"(voorjaar|lente|zomer|najaar|herfst|winter)(?:\s+van\s+({_YEAR}))?\b", re.I)),
    ("quarter", re.compile(
        r"\b(?:het\s+)?(eerste|tweede|derde|vierde|vorig|dit|volgend)\s+kwartaal"
        rf"(?:\s+van\s+({_YEAR}|dit jaar|vorig jaar))?\b", re.I)),
    ("week_number", re.compile(r"\bweek\s+(\d{1,2})\b", re.I)),
    ("relative_unit", re.compile(
        r"\b(vorige|afgelopen|deze|volgende|komende|vorig|dit|volgend|komend)\s+(week|maand|jaar)\b", re.I)),
    ("weekday", re.compile(rf"\b({_DAY})({_PARTS})?\b", re.I)),
    ("deictic", re.compile(
        r"\b(vandaag|vanochtend|vanmorgen|vanmiddag|vanavond|vannacht|eergisteren|gisteren|gisteravond|"
        r"gisterochtend|gistermiddag|gisternacht|overmorgen|morgenochtend|morgenmiddag|morgenavond|morgen)\b", re.I)),
    ("month", re.compile(rf"\b({_MONTH})\b", re.I)),
    ("year", re.compile(rf"(?<![\w-])({_YEAR})(?![\w-]|,\d|\.\d)")),
]
# Clauses: split at ; and : and before a comma + conjunction, so each verb governs its own dates.
_CLAUSE = re.compile(
    r"(?:[^;:,]|,(?!\s+(?:en|maar|terwijl|want|omdat|toen|nadat|voordat|waarna|zodat|die|dat|wat|waar|welke|"
    r"waarop|waarin|waarmee|hoewel|als|zoals)\b))+"
)
_SEASON_START = {"voorjaar": 3, "lente": 3, "zomer": 6, "najaar": 9, "herfst": 9, "winter": 12}
_YEAR_CONTEXT = re.compile(r"\b(in|sinds|tot|vanaf|na|voor|tussen|en|van|uit|medio|rond|jaar|het|t/m|tot en met)\s*$",
                           re.I)


@dataclass(frozen=True)
class TemporalExpression:
    text: str
    start: int  # character offsets into the text that was analysed
    end: int
    sentence: int
    date_start: date | None  # None: found but not resolvable (relative to another event, vague)
    date_end: date | None
    precision: Precision | None


def sentence_tense(sentence: str) -> Tense:
    """A coarse tense for the sentence: explicit future first, then past forms, else present."""
    if _FUTURE.search(sentence):
        return "future"
    if _PAST.search(sentence):
        return "past"
    return "present"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), _month_end(year, month)


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _pick_year_for_month(month: int, pub: date, tense: Tense) -> int:
    if tense == "past":
        return pub.year if month <= pub.month else pub.year - 1
    return pub.year if month >= pub.month else pub.year + 1


def _season(name: str, year: int) -> tuple[date, date]:
    start = date(year, _SEASON_START[name.lower()], 1)
    return start, _add_season_end(start)


def _add_season_end(start: date) -> date:
    last = _add_months(start, 2)
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
    return last_start.year if tense == "past" else last_start.year + 1


_Range = tuple[date, date, Precision]


def _resolve_date(g: list[str], pub: date, tense: Tense) -> _Range | None:
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


def _resolve_numeric_date(g: list[str], pub: date, tense: Tense) -> _Range | None:
    """19-06-2024, 19/6/2024, 19.06.2024: day first, as Dutch writes it; the year is required."""
    day = date(int(g[3]), int(g[2]), int(g[0]))  # an impossible date raises and is dropped by _resolve
    return day, day, "day"


def _resolve_day_range(g: list[str], pub: date, tense: Tense) -> _Range | None:
    """3-4 juni, 3 tot en met 5 juni 2024, tussen 3 en 5 juni: the last day is placed like a single
    date, the first day in the same month. ("op 3 en 5 juni" is two dates, not a range.)"""
    last = _resolve_date([g[2], g[3], g[4]], pub, tense)
    if last is None:
        return None
    first = last[0].replace(day=int(g[0] or g[1]))
    return (first, last[0], "day") if first < last[0] else None


def _resolve_month_year(g: list[str], pub: date, tense: Tense) -> _Range | None:
    return (*_month_range(int(g[1]), MONTHS.index(g[0]) + 1), "month")


def _resolve_part_month(g: list[str], pub: date, tense: Tense) -> _Range | None:
    if g[1]:
        month = MONTHS.index(g[1]) + 1
        year = int(g[2]) if g[2] else _pick_year_for_month(month, pub, tense)
    else:
        anchor = _add_months(pub.replace(day=1), {"deze": 0, "vorige": -1, "volgende": 1}[g[3]])
        year, month = anchor.year, anchor.month
    last = _month_end(year, month)
    part = {"begin": (1, 10), "half": (11, 20), "midden": (11, 20), "medio": (11, 20)}.get(g[0], (21, last.day))
    return date(year, month, part[0]), date(year, month, part[1]), "month"


def _resolve_part_year(g: list[str], pub: date, tense: Tense) -> _Range | None:
    year = int(g[1]) if g[1] else pub.year + {"dit": 0, "vorig": -1, "afgelopen": -1, "volgend": 1,
                                               "komend": 1}[g[2]]  # fmt: skip
    months = {"begin": (1, 4), "midden": (5, 8), "medio": (5, 8)}.get(g[0], (9, 12))
    return date(year, months[0], 1), _month_end(year, months[1]), "year"


def _resolve_season(g: list[str], pub: date, tense: Tense) -> _Range | None:
    year = int(g[2]) if g[2] else _season_year(g[1], g[0], pub, tense)
    start, end = _season(g[1], year)
    return start, end, "quarter"


def _resolve_quarter(g: list[str], pub: date, tense: Tense) -> _Range | None:
    if g[0] in {"vorig", "dit", "volgend"}:
        q = (pub.month - 1) // 3 + {"vorig": -1, "dit": 0, "volgend": 1}[g[0]]
        year, q = pub.year + q // 4, q % 4
    else:
        q = ["eerste", "tweede", "derde", "vierde"].index(g[0])
        year = int(g[1]) if g[1] and g[1].isdigit() else pub.year - (1 if g[1] == "vorig jaar" else 0)
    return date(year, 3 * q + 1, 1), _month_end(year, 3 * q + 3), "quarter"


def _resolve_week_number(g: list[str], pub: date, tense: Tense) -> _Range | None:
    week = int(g[0])
    if not 1 <= week <= date(pub.year, 12, 28).isocalendar().week:  # 28 December is always in the last week
        return None
    monday = date.fromisocalendar(pub.year, week, 1)
    return monday, monday + timedelta(days=6), "week"


def _resolve_earlier_this_year(g: list[str], pub: date, tense: Tense) -> _Range | None:
    # on 1 January this range is empty (end before start), and _resolve drops it
    return date(pub.year, 1, 1), pub - timedelta(days=1), "year"


def _resolve_relative_unit(g: list[str], pub: date, tense: Tense) -> _Range | None:
    step = {"vorige": -1, "afgelopen": -1, "vorig": -1, "deze": 0, "dit": 0, "volgende": 1, "komende": 1,
            "volgend": 1, "komend": 1}[g[0]]  # fmt: skip
    if g[1] == "week":
        return (*_week_of(pub + timedelta(weeks=step)), "week")
    if g[1] == "maand":
        anchor = _add_months(pub.replace(day=1), step)
        return (*_month_range(anchor.year, anchor.month), "month")
    return date(pub.year + step, 1, 1), date(pub.year + step, 12, 31), "year"


def _resolve_weekday(g: list[str], pub: date, tense: Tense) -> _Range | None:
    target = WEEKDAYS.index(g[0])
    back = (pub.weekday() - target) % 7
    ahead = (target - pub.weekday()) % 7
    delta = -back if tense == "past" else ahead  # present tense with a weekday: scheduled, so ahead
    day = pub + timedelta(days=delta)
    return day, day, "day"


def _resolve_deictic(g: list[str], pub: date, tense: Tense) -> _Range | None:
    offsets = {"eergisteren": -2, "gisteren": -1, "gisteravond": -1, "gisterochtend": -1, "gistermiddag": -1,
               "gisternacht": -1, "morgen": 1, "morgenochtend": 1, "morgenmiddag": 1, "morgenavond": 1,
               "overmorgen": 2}  # fmt: skip
    day = pub + timedelta(days=offsets.get(g[0], 0))
    return day, day, "day"


def _resolve_count(g: list[str], pub: date, sign: int) -> _Range:
    n = _count(g[0]) * sign
    unit = g[1]
    if unit.startswith("dag"):
        day, precision = pub + timedelta(days=n), "day"
    elif unit.startswith("wek") or unit == "week":
        day, precision = pub + timedelta(weeks=n), "week"
    elif unit.startswith("maand"):
        day, precision = _add_months(pub, n), "month"
    else:
        day, precision = _add_months(pub, 12 * n), "year"
    return day, day, precision  # type: ignore[return-value]


def _resolve_count_ago(g: list[str], pub: date, tense: Tense) -> _Range:
    return _resolve_count(g, pub, -1)


def _resolve_count_ahead(g: list[str], pub: date, tense: Tense) -> _Range:
    return _resolve_count(g, pub, 1)


def _resolve_month(g: list[str], pub: date, tense: Tense) -> _Range | None:
    month = MONTHS.index(g[0]) + 1
    year = _pick_year_for_month(month, pub, tense if tense != "present" else "future")
    return (*_month_range(year, month), "month")


def _resolve_year(g: list[str], pub: date, tense: Tense) -> _Range | None:
    year = int(g[0])
    return date(year, 1, 1), date(year, 12, 31), "year"

_RESOLVERS: dict[str, Callable[[list[str], date, Tense], _Range | None]] = {
    "date": _resolve_date,
    "numeric_date": _resolve_numeric_date,
    "day_range": _resolve_day_range,
    "month_year": _resolve_month_year,
    "part_month": _resolve_part_month,
    "part_year": _resolve_part_year,
    "season": _resolve_season,
    "quarter": _resolve_quarter,
    "week_number": _resolve_week_number,
    "earlier_this_year": _resolve_earlier_this_year,
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
_LOOKALIKES = str.maketrans({"\u0131": "i", "\u0130": "i", "\u017f": "s", "\u212a": "k", "\u0307": None})


def _resolve(kind: str, m: re.Match[str], pub: date, tense: Tense) -> _Range | None:
    groups = [x.translate(_LOOKALIKES).lower() if x else "" for x in m.groups()]
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
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "earlier_this_year": ("eerder dit jaar",),
    "relative_event": _UNITS,
    "vague": ("binnenkort", "onlangs", "recentelijk", "destijds", "ooit", "eerder", "later", "afgelopen", "komende",
              "sinds"),
    "count_ago": ("geleden",),
    "count_ahead": ("over ",),
    "date": tuple(MONTHS),
    "day_range": tuple(MONTHS),
    "part_month": ("begin", "half", "midden", "eind", "medio"),
    "part_year": ("begin", "midden", "medio", "eind"),
    "month_year": tuple(MONTHS),
    "season": ("voorjaar", "lente", "zomer", "najaar", "herfst", "winter"),
    "quarter": ("kwartaal",),
    "week_number": ("week ",),
    "relative_unit": ("week", "maand", "jaar"),
    "weekday": tuple(WEEKDAYS),
    "deictic": ("vandaag", "vanochtend", "vanmorgen", "vanmiddag", "vanavond", "vannacht", "gister", "morgen"),
    "month": tuple(MONTHS),
}  # fmt: skip
_FOUR_DIGITS = re.compile(r"\d{4}")


def find_expressions(text: str, published: date) -> list[TemporalExpression]:
    """All temporal expressions in `text`, resolved against `published` where possible."""
    found: list[TemporalExpression] = []
    for sentence in split_sentences(text):
        low = sentence.text.lower()
        has_year = _FOUR_DIGITS.search(low) is not None
        kinds = [(k, p) for k, p in _PATTERNS
                 if (has_year if k in {"year", "numeric_date"} else any(t in low for t in _TRIGGERS[k]))]  # fmt: skip
        if not kinds:
            continue
        clauses = [(c.start(), c.end()) for c in _CLAUSE.finditer(sentence.text)]
        tenses: dict[tuple[int, int], Tense] = {}  # worked out only for clauses that hold an expression
        taken: list[tuple[int, int]] = []
        for kind, pattern in kinds:
            for m in pattern.finditer(sentence.text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                if kind == "year" and not _YEAR_CONTEXT.search(sentence.text[: m.start()]):
                    continue
                clause = next(((a, b) for a, b in clauses if a <= m.start() < b), (0, len(sentence.text)))
                if clause not in tenses:
                    tenses[clause] = sentence_tense(sentence.text[clause[0] : clause[1]])
                unresolvable = kind in {"relative_event", "vague"}
                resolved = None if unresolvable else _resolve(kind, m, published, tenses[clause])
                if resolved is None and not unresolvable:
                    continue
                taken.append((m.start(), m.end()))
                start, end = sentence.start + m.start(), sentence.start + m.end()
                found.append(TemporalExpression(text[start:end], start, end, sentence.index,
                                                *(resolved or (None, None, None))))  # fmt: skip
    found.sort(key=lambda e: e.start)
    return found
