"""Dutch temporal expressions in news text, resolved against the publication date.

"donderdag" in an article of Tuesday 23 April 2019 is 25 April 2019 when its clause looks
ahead ("ontmoet donderdag", "zal donderdag") and 18 April when it looks back ("sprak
donderdag"). Each expression becomes a date range with a precision (day, week, month,
quarter, year). Expressions relative to another event ("twee weken voor de top") or vague
ones ("onlangs") are kept with no dates rather than guessed. events_tense.py decides the
direction of each clause, events_calendar.py finds the expressions and does the calendar
arithmetic (its docstring gives the conventions).

Own rules, not dateparser, also for absolute dates: dateparser (which has Dutch) resolves
single date strings but neither finds expressions in running text nor uses the tense of the
clause. On the 24 absolute day/month expressions of tests/gold/events and ../shared/realnews,
dateparser.parse on the same spans, told past or future from the clause, got 22 right
(search_dates on the sentence 20), these rules 24, at about a tenth of the time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from re import _parser as _sre  # type: ignore[attr-defined]  # a pattern's parsed form (_starts); Python 3.11-3.13
from typing import Any

import ahocorasick_rs

from newsmon.events_calendar import (
    LOOKALIKES,
    MONTHS,
    PATTERNS,
    SEASONS,
    TRIGGERS,
    WEEKDAYS,
    YEAR_CONTEXT,
    Precision,
    Range,
    add_months,
    count_of,
    month_range,
    resolve,
    week_of,
)
from newsmon.events_tense import (
    LastWord,
    Tense,
    clause_spans,
    clause_tense,
    forced_direction,
    tense_of_clause,
    word_before,
)
from newsmon.records import quick_init
from newsmon.text import Sentence, split_sentences

RULES_VERSION = "2"
__all__ = ["MONTHS", "RULES_VERSION", "SEASONS", "WEEKDAYS", "Precision", "TemporalExpression", "find_expressions",
           "sentence_tense"]  # fmt: skip


@quick_init
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
    """A coarse tense for a whole sentence (one clause); find_expressions uses each expression's clause."""
    return clause_tense(sentence)


_FOUR_DIGITS = re.compile(r"\d\d\d\d")  # as \d{4}; opening with a class of characters, it is scanned for fast
# Kinds whose words are also names when capitalised inside a sentence: "De Morgen", "de Arabische Lente",
# "keizer Augustus", "April Ryan". Dutch writes weekdays, months and seasons in lower case.
_NAME_PRONE = frozenset({"weekday", "deictic", "month", "season"})
# A capital is a sentence's own after its start, a colon, a bracket or a dash, also with a quote mark in
# between ("Hij zei: 'Maandag ...'"); after a quote mark alone it is a title: het boek 'Vrijdag de dertiende'.
_SENTENCE_OPENING = re.compile(r"(?:^|[:;,(\[\u2013\u2014-])\s*[\"'\u2018\u201c\u201e\u00ab]?\s*$")
# Recurring days and months are no dated event: "elke maandag", "iedere zomer", "elk jaar op 9 mei".
_RECURRING = re.compile(r"\b(?:elke|iedere|ieder|alle)\s+$|\b(?:elk|ieder)\s+jaar\s+(?:op|in|rond|met)\s+(?:de\s+)?$",
                        re.I)
# the words those patterns and YEAR_CONTEXT end with (the last of several: "tot en met", "t/m"): see LastWord
_RECURRING_BEFORE = LastWord("elke iedere ieder alle op in rond met de")
_YEAR_CONTEXT_BEFORE = LastWord("in sinds tot vanaf na voor tussen en van uit medio rond jaar het m met", space=False)
# "in de morgen", "de volgende morgen": the morning, not tomorrow.
_MORNING = re.compile(r"\b(?:de|die|deze|elke|iedere|volgende|goede|een|zondag|zaterdag)\s+$", re.I)
# "de herfst van zijn leven": a season of something that is not a year.
_FIGURATIVE_SEASON = re.compile(r"^\s+van\s+(?:zijn|haar|hun|het|de|ons|onze|mijn|een)\b", re.I)
_ANAPHORIC_REACH = 3  # sentences back in which "een dag eerder" finds the date it counts from


def _is_name(kind: str, m: re.Match[str], sentence: str) -> bool:
    word = m.group()
    if kind in _NAME_PRONE and word[:1].isupper() and not word.isupper():
        before = sentence[: m.start()]
        if not _SENTENCE_OPENING.search(before):
            return True
    if kind == "deictic" and m.group(1).lower() == "morgen" and _MORNING.search(sentence[: m.start()]):
        return True
    return kind == "season" and _FIGURATIVE_SEASON.match(sentence[m.end() :]) is not None


def _inside(names: tuple[re.Pattern[str], ...], sentence: str, start: int, end: int) -> bool:
    return any(n.start() < end and start < n.end() for p in names for n in p.finditer(sentence))


def _shift(base: TemporalExpression, g: list[str]) -> Range | None:
    """"een maand later" counted from the date of an earlier expression."""
    if base.date_start is None or base.date_end is None or base.precision is None:
        return None
    n = count_of(g[0]) * (-1 if g[2] in {"eerder", "daarvoor", "ervoor"} else 1)
    unit = g[1]
    if unit.startswith("dag"):
        if base.precision != "day":
            return None
        day = base.date_start + timedelta(days=n)
        return day, day, "day"
    if unit.startswith("we"):
        if base.precision not in {"day", "week"}:
            return None
        return (*week_of(base.date_start + timedelta(weeks=n)), "week")
    if unit.startswith("maand"):
        if base.precision not in {"day", "week", "month"}:
            return None
        anchor = add_months(base.date_start.replace(day=1), n)
        return (*month_range(anchor.year, anchor.month), "month")
    year = base.date_start.year + n
    return date(year, 1, 1), date(year, 12, 31), "year"


# Which kinds' trigger words a lower-cased sentence holds, in one Aho-Corasick pass (every occurrence, overlapping
# ones too) instead of a substring test per trigger: the same kinds are tried as `any(t in low ...)` would pick.
_TRIGGER_WORDS = sorted({t for words in TRIGGERS.values() for t in words})
_TRIGGER_MATCHER = ahocorasick_rs.AhoCorasick(_TRIGGER_WORDS, matchkind=ahocorasick_rs.MatchKind.Standard)
_NEEDS_YEAR = frozenset({"year", "numeric_date"})
# each kind a bit (in PATTERNS' order), each trigger word the bits of the kinds it triggers
_BIT = {kind: 1 << i for i, (kind, _p) in enumerate(PATTERNS)}
_YEAR_BITS = sum(_BIT[k] for k in _NEEDS_YEAR)
_BITS_OF = {word: sum(_BIT[k] for k, words in TRIGGERS.items() if word in words and k not in _NEEDS_YEAR)
            for word in _TRIGGER_WORDS}  # fmt: skip
# the kinds' bits -> their patterns (and start finders, see STARTS), in order
_PATTERNS_OF: dict[int, list[tuple[str, re.Pattern[str], re.Pattern[str] | None]]] = {0: []}


def _kinds(low: str) -> list[tuple[str, re.Pattern[str], re.Pattern[str] | None]]:
    """The patterns worth running on a lower-cased sentence: its trigger words are in it (a year for years)."""
    bits = 0
    for word in _TRIGGER_MATCHER.find_matches_as_strings(low, overlapping=True):
        bits |= _BITS_OF[word]
    if _FOUR_DIGITS.search(low) is not None:
        bits |= _YEAR_BITS
    found = _PATTERNS_OF.get(bits)
    if found is None:
        found = _PATTERNS_OF[bits] = [(k, p, STARTS[k]) for k, p in PATTERNS if _BIT[k] & bits]
    return found


# Words a kind's every match holds, as a pattern that scans fast (it opens with a character class, so the regex
# engine skips to the next white space instead of trying the kind's pattern at every position). "dag", "jaar",
# "week" let relative_event run in half of all sentences ("vandaag", "dinsdag"), but only "... voor de ...",
# "... na het ..." can make one.
# Dates with a day number need a digit ("5 mei", "3 tot 5 juni", "May 5, 2024"), where a month name alone lets
# them run.
_DIGIT = re.compile(r"\d")
GATES: dict[str, re.Pattern[str]] = {
    "relative_event": re.compile(r"\s(?:voor|na|voordat|nadat)\s+(?:de|het|die|dat)\s+\w", re.I),
    "date": _DIGIT,
    "day_range": _DIGIT,
    "english_date": _DIGIT,
}


# Where a kind's pattern can start a match, found fast. Each pattern opens with \b and words tried
# case-insensitively, which the regex engine tries at every position of the sentence; but every match opens with
# one of a few literal words (the pattern's leading words, read from its parse: "afgelopen", "maandag", ...). A
# pattern of those words alone, whose first character is written out in each case the pattern would match (so it
# is not case-insensitive: the engine then skips at once to the next such character), finds every place a match
# can start; the kind's pattern is tried there only. Kinds whose matches can open otherwise (a digit, a class of
# characters) are scanned as before.
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"  # İ ı ſ K: the only others case-insensitive matching takes for a-z


def _leading_words(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The literal strings one of which opens every match of the parsed pattern `items`; None when a match can
    open otherwise (or the construct is not one of those read here)."""
    i = 0
    while i < len(items) and items[i][0] is _sre.AT:  # \b and the like take no character
        i += 1
    if i == len(items):
        return None  # it can match the empty string here
    op, av = items[i]
    rest = items[i + 1 :]
    if op is _sre.LITERAL:
        after = _leading_words(rest) if rest else None
        return {chr(av) + a for a in after} if after else {chr(av)}
    if op is _sre.SUBPATTERN:
        _group, add_flags, del_flags, inner = av
        return None if add_flags or del_flags else _leading_words([*inner.data, *rest])
    if op is _sre.BRANCH:
        found: set[str] = set()
        for alternative in av[1]:
            words = _leading_words([*alternative.data, *rest])
            if words is None:
                return None
            found |= words
        return found
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        low, high, inner = av
        once = _leading_words([*inner.data, *rest] if high == 1 else list(inner.data))
        if once is None or low >= 1:
            return once
        without = _leading_words(rest)
        return None if without is None else once | without
    return None


def _cases(char: str) -> list[str] | None:
    """Every character a case-insensitive pattern matches for the ASCII letter `char` (None for others)."""
    if not (char.isascii() and char.isalpha()):
        return None
    return sorted(c for c in {char.lower(), char.upper(), *_FOLDS_TO_ASCII} if re.fullmatch(char, c, re.IGNORECASE))


def _starts(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern that matches wherever `pattern` can start a match (see above), or None."""
    words = _leading_words(list(_sre.parse(pattern.pattern, pattern.flags).data))
    if not words:
        return None
    folded = bool(pattern.flags & re.IGNORECASE)
    alternatives = []
    for word in sorted(words):
        firsts = _cases(word[0]) if folded else [word[0]]
        if firsts is None:
            return None
        rest = re.escape(word[1:])
        alternatives += [re.escape(c) + (f"(?i:{rest})" if folded and rest else rest) for c in firsts]
    return re.compile("|".join(alternatives))


def _matches(pattern: re.Pattern[str], starts: re.Pattern[str] | None, text: str) -> Iterable[re.Match[str]]:
    """pattern.finditer(text), trying the pattern only where `starts` matches (no match is empty: each opens
    with a word)."""
    if starts is None:
        return pattern.finditer(text)
    found = []
    at = 0
    while (start := starts.search(text, at)) is not None:
        m = pattern.match(text, start.start())
        if m is None:
            at = start.start() + 1
        else:
            found.append(m)
            at = m.end()
    return found


STARTS: dict[str, re.Pattern[str] | None] = {kind: _starts(pattern) for kind, pattern in PATTERNS}


@cache
def _name_patterns(names: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((n, re.compile(rf"(?<!\w){re.escape(n)}(?!\w)")) for n in names if n.strip())


def find_expressions(
    text: str, published: date, *, names: Iterable[str] = (), sentences: Sequence[Sentence] | None = None
) -> list[TemporalExpression]:
    """All temporal expressions in `text`, resolved against `published` where possible.

    Each expression is dated by the tense of the clause that holds it (events_tense), unless the words at
    it decide ("afgelopen", "volgende", "sinds"). `names` are proper names (outlets, places, titles) inside
    which nothing is temporal, e.g. a gazetteer's names; a weekday, month or season capitalised inside a
    sentence is taken for a name anyway. `sentences`: the text already split (a Document's).
    "een dag eerder" / "een maand later" count from the nearest
    dated expression before it, within a few sentences.
    """
    if not isinstance(published, date):
        raise TypeError(f"published={published!r}: expected a datetime.date, got {type(published).__name__}")
    if not isinstance(text, str):
        raise TypeError(f"text: expected str, got {type(text).__name__}")
    all_names = [(n, p) for n, p in _name_patterns(tuple(names)) if n in text]  # a sentence's are among these
    found: list[TemporalExpression] = []
    anaphoric: list[tuple[int, list[str]]] = []
    for sentence in split_sentences(text) if sentences is None else sentences:
        kinds = _kinds(sentence.text.lower())
        if not kinds:
            continue
        # a name can only be found where its words are: the others are not searched
        name_patterns = tuple(p for n, p in all_names if n in sentence.text) if all_names else ()
        clauses: list[tuple[int, int]] | None = None  # cut when an expression's tense is first needed
        tenses: dict[tuple[int, int], Tense] = {}  # worked out only for clauses that hold an expression
        own: dict[int, Tense] = {}  # each clause's own tense, read once (tense_of_clause)
        taken: list[tuple[int, int]] = []
        for kind, pattern, starts in kinds:
            gate = GATES.get(kind)
            if gate is not None and gate.search(sentence.text) is None:
                continue  # the words every match holds are not there
            for m in _matches(pattern, starts, sentence.text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                before = word_before(sentence.text, m.start())  # for each test of the word before it
                if kind == "year" and not (_YEAR_CONTEXT_BEFORE.may_follow(before)
                                           and YEAR_CONTEXT.search(sentence.text[: m.start()])):  # fmt: skip
                    continue
                if _is_name(kind, m, sentence.text) or (_RECURRING_BEFORE.may_follow(before)
                                                        and _RECURRING.search(sentence.text[: m.start()])):  # fmt: skip
                    continue
                if name_patterns and _inside(name_patterns, sentence.text, m.start(), m.end()):
                    continue
                unresolvable = kind in {"relative_event", "vague", "anaphoric"}
                resolved = None
                if not unresolvable:  # dated by the words at it, else by the tense of its clause
                    tense = forced_direction(sentence.text, m.start(), m.end(), before)
                    if tense is None:
                        if clauses is None:
                            clauses = clause_spans(sentence.text)
                        i = next((i for i, (a, b) in enumerate(clauses) if a <= m.start() < b), 0)
                        clause = clauses[i] if clauses else (0, len(sentence.text))
                        if clause not in tenses:
                            tenses[clause] = tense_of_clause(sentence.text, clauses, i, own)
                        tense = tenses[clause]
                    resolved = resolve(kind, m, published, tense)
                    if resolved is None:
                        continue
                taken.append((m.start(), m.end()))
                start, end = sentence.start + m.start(), sentence.start + m.end()
                if kind == "anaphoric":
                    anaphoric.append((start, [x.translate(LOOKALIKES).lower() for x in m.groups()]))
                found.append(TemporalExpression(text[start:end], start, end, sentence.index,
                                                *(resolved or (None, None, None))))  # fmt: skip
    found.sort(key=lambda e: e.start)
    return _resolve_anaphoric(found, dict(anaphoric)) if anaphoric else found


def _resolve_anaphoric(found: list[TemporalExpression], groups: dict[int, list[str]]) -> list[TemporalExpression]:
    out: list[TemporalExpression] = []
    for e in found:
        shifted = None
        if e.start in groups:
            base = next((b for b in reversed(out) if b.date_start is not None
                         and e.sentence - b.sentence <= _ANAPHORIC_REACH), None)  # fmt: skip
            shifted = _shift(base, groups[e.start]) if base is not None else None
        if shifted is not None and shifted[0] <= shifted[1]:
            out.append(TemporalExpression(e.text, e.start, e.end, e.sentence, *shifted))
        else:
            out.append(e)
    return out
