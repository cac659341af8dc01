"""The shortcuts taken for speed give the same answers as the plain tests they replace.

Each fast path is compared with the slow definition it stands for, on sentences written here (with the
corner cases: capitals, separable prefixes, non-ASCII letters, triggers inside other words) and, when the
folder is there, on every sentence of ../shared/realnews.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from newsmon.document import Document
from newsmon.evaluate import load_batch
from newsmon.events import (
    _FOLDS_TO_ASCII,
    _FOUR_DIGITS,
    _RECURRING,
    _RECURRING_BEFORE,
    _YEAR_CONTEXT_BEFORE,
    GATES,
    PATTERNS,
    STARTS,
    TRIGGERS,
    YEAR_CONTEXT,
    _cases,
    _kinds,
    _matches,
)
from newsmon.events_tense import (
    _AND_VERB,
    _CONJ,
    _FUTURE,
    _FUTURE_AFTER,
    _FUTURE_BEFORE,
    _FUTURE_KEYS,
    _FUTURE_MODIFIER,
    _PAST_AFTER,
    _PAST_BEFORE,
    _PAST_MODIFIER,
    _PAST_WORD,
    _PERFECT,
    _PERFECT_KEYS,
    _REPORTATIVE_KEYS,
    _REPORTATIVE_PERFECT,
    _SUBORDINATOR,
    _TE_INFINITIVE,
    _TE_KEYS,
    WHITE_SPACE,
    LastWord,
    _has_past_word,
    _Runs,
    clause_spans,
    forced_direction,
    spans_between,
)
from newsmon.text import _BOUNDARY
from newsmon.topics import Hit, Scope, _proximity, _tokens, _words

REALNEWS = Path(__file__).resolve().parents[2] / "shared" / "realnews"

WRITTEN = [
    "De minister gaf dinsdag toe dat het overleg vastliep.",
    "Hij TOEGAF niets, maar de delegatie KWAM wel terug.",
    "Het kabinet opgaf zijn plan niet; het was_ een typfout.",
    "Een ſprak met lange s en een İs met een punt.",
    "Zij werd2 gekozen, de aanwas van leden bleef uit.",
    "Volgende week komt de commissie over twee maanden bijeen, eerder dit jaar niet.",
    "Op 9 mei 2024 en in het najaar van 2023 was er een top in Vladivostok.",
    "Dag van de Zon, de verjaardag van Kim Il-sung, valt op 15 april.",
    "Hij vertrok vandaag.",
    "Vanochtend en gisteravond sprak hij, morgenvroeg en deze middag niet; eergisteren ook.",
    "Van middag tot nacht, in de avond en overmorgen; vannacht en vanavond.",
    "Geen enkel trefwoord hier.",
    "Het ZAL gebeuren, hij Wordt Verwacht en staat op het programma; Zij zoudEN het doen.",
    "Poetin heeft Kim ontmoet, het verdrag is getekend en ze zijn gisteren vertrokken.",
    "Kim gaat in september naar Moskou reizen, lijkt het plan te worden; hij heeft ze laten vliegen.",
    "De test ZOU zijn mislukt, zegt men; het panel houdt op te bestaan.",
    "Een İs, een ıs en een eiſt met vreemde letters: zal_ niet, zalm ook niet, wil-de wel.",
]


def _real_sentences() -> list[str]:
    if not REALNEWS.is_dir():
        return []
    out = []
    for folder in sorted(REALNEWS.glob("batch*")):
        for sample in load_batch(folder):
            document = Document.build(sample.text, sample.published)
            out += [s.text for part in document.fields.values() for s in part.sentences]
    return out


def _shuffled_words(count: int) -> list[str]:
    """Sentences strung together from every trigger word and some look-alikes, in random order."""
    words = [w for ws in TRIGGERS.values() for w in ws]
    words += ["Toegaf", "WAS", "was_", "aanwas", "KWAM", "oPGAF", "Ærlig", "Éen", "vannacht", "Deze", "1999", ",", "."]
    rnd = random.Random(17)
    return [" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 8))) for _ in range(count)]


def _kinds_by_substring(low: str) -> list[tuple[str, object]]:
    has_year = _FOUR_DIGITS.search(low) is not None
    return [(k, p) for k, p in PATTERNS
            if (has_year if k in {"year", "numeric_date"} else any(t in low for t in TRIGGERS[k]))]  # fmt: skip


@pytest.mark.parametrize("source", ["written", "shuffled", "realnews"])
def test_trigger_prefilter_picks_the_kinds_substring_tests_pick(source: str) -> None:
    sentences = {"written": WRITTEN, "shuffled": _shuffled_words(5000), "realnews": _real_sentences()}[source]
    if not sentences:
        pytest.skip("../shared/realnews is not there")
    differ = [s for s in sentences if [(k, p) for k, p, _ in _kinds(s.lower())] != _kinds_by_substring(s.lower())]
    assert not differ, differ[:5]
    # the comparison is not empty: most sentences have some kind to try, some none
    assert any(_kinds(s.lower()) for s in sentences)


@pytest.mark.parametrize("source", ["written", "shuffled", "realnews"])
def test_past_word_lookup_agrees_with_the_pattern(source: str) -> None:
    sentences = {"written": WRITTEN, "shuffled": _shuffled_words(5000), "realnews": _real_sentences()}[source]
    if not sentences:
        pytest.skip("../shared/realnews is not there")
    differ = [s for s in sentences if _has_past_word(s) != bool(_PAST_WORD.search(s))]
    assert not differ, differ[:5]
    found = sum(_has_past_word(s) for s in sentences)
    assert 0 < found < len(sentences)


def test_past_word_lookup_corner_cases() -> None:
    assert _has_past_word("Hij TOEGAF niets.")  # a separable prefix, in capitals
    assert _has_past_word("De delegatie kwam.")
    assert _has_past_word("de aanwas")  # "aan" + "was" reads as a separable prefix, as in the pattern
    assert not _has_past_word("de haarwas")  # "was" inside a longer word
    assert not _has_past_word("was_")  # the underscore is a word character
    assert _has_past_word("Hij ſprak.") == bool(_PAST_WORD.search("Hij ſprak."))  # long s: the pattern decides


@pytest.mark.parametrize("source", ["written", "shuffled", "realnews"])
def test_trigger_prefilter_never_drops_a_kind_that_matches(source: str) -> None:
    """Whatever a pattern finds in a sentence, the prefilter lets that pattern run (words a deictic or other
    pattern can match all hold one of its trigger words)."""
    sentences = {"written": WRITTEN, "shuffled": _shuffled_words(5000), "realnews": _real_sentences()}[source]
    if not sentences:
        pytest.skip("../shared/realnews is not there")
    dropped = []
    for s in sentences:
        tried = {k for k, _p, _starts in _kinds(s.lower())}
        dropped += [(k, s) for k, p in PATTERNS if k not in tried and p.search(s)]
    assert not dropped, dropped[:5]


@pytest.mark.parametrize(
    "text",
    [
        "Noord-Korea en Rusland tekenden dinsdag een verdrag. Poetin's gast, Kim Jong-un, sprak van ‘vriendschap’.",
        "İstanbul en ΟΔΟΣ: een Turkse hoofdletter en een Griekse slot-sigma. De VS volgen het.",
        "Straße, Œuvre, Ǆemal en café-eigenaar ’s avonds; 2024-verkiezingen.\n\nEen tweede alinea ZONDER punt",
    ],
)
def test_words_are_the_tokens_without_offsets(text: str) -> None:
    for part in Document.build(text, date(2024, 6, 19), title=text[:40], lead=text[-40:]).fields.values():
        assert part.words == tuple(tuple(t[0] for t in sentence) for sentence in part.tokens)
        assert any(part.words)


def test_words_on_real_news_are_the_tokens_without_offsets() -> None:
    if not REALNEWS.is_dir():
        pytest.skip("../shared/realnews is not there")
    for folder in sorted(REALNEWS.glob("batch*")):
        for sample in load_batch(folder):
            for part in Document.build(sample.text, sample.published).fields.values():
                assert part.words == tuple(tuple(t[0] for t in sentence) for sentence in part.tokens), sample.file


RULES = [
    "Poetin OR Kim^2 OR raket*^0.5",
    '"twee landen" OR "beide leiders"^3 OR verdrag',
    "(Rusland AND Noord-Korea*) OR title:(top^4)",
    "list:nk AND NOT list:ru",
    "list:nk AND (list:ru)^1.5",
    "NOT wapen*",
    "country:KP^2 OR entity:Q7747 OR type:person^0.3",
    '"Kim Poetin"~5^2 OR body:(munitie*)',
    "lead:(bezoek* OR ontmoet*)^2 AND NOT (sanctie* OR veto)",
    '"de * landen"^0.7 OR "Noord-Korea*"',
]


def test_weights_are_the_strongest_hit_of_the_match() -> None:
    """`Rule.weigh` gives what `Rule.match` implies (None, NO_HITS for a hold without hits, else the largest
    hit weight) for every construct of the rule language, on sentences written here."""
    from newsmon.entities import Gazetteer
    from newsmon.topics import NO_HITS, Rule, _entity_info, _units

    gazetteer = Gazetteer.load()
    lists = {"nk": "country:KP OR Noord-Korea* OR Pyongyang", "ru": "country:RU OR Rusland OR Poetin^2"}
    rules = [Rule(source, "test", lists) for source in RULES]
    document = Document.build(
        "Kim Jong-un en Poetin sloten dinsdag een verdrag. De twee landen leveren elkaar raketten en munitie.\n\n"
        "Noord-Koreaanse soldaten vechten in Koersk, meldt Oekraïne. Beide leiders ontkennen dat.\n\n"
        "Washington dreigt met sancties. Het weer blijft droog.",
        date(2024, 6, 19),
        title="Kim en Poetin op top in Pyongyang",
        lead="Het bezoek van Poetin duurt twee dagen.",
    )
    mentions = gazetteer.find_in_document(document)
    units = _units(document, mentions, _entity_info(gazetteer))
    outcomes = set()
    for rule in rules:
        for unit in units:
            hits = rule.match(unit.scope)
            expected = None if hits is None else max((h.weight for h in hits), default=NO_HITS)
            assert rule.weigh(unit.scope) == expected, (rule.source, unit.text)
            outcomes.add("none" if expected is None else "empty" if expected == NO_HITS else "hits")
    assert outcomes == {"none", "empty", "hits"}


def test_an_or_gives_its_parts_hits_in_order() -> None:
    """An OR's key-word tests (for the whole OR, for a run of phrases among other parts) never drop a part's hits:
    the OR's hits are its plain words' hits, then each other part's own hits, in the order written."""
    from newsmon.entities import Gazetteer
    from newsmon.topics import Rule, _entity_info, _units

    gazetteer = Gazetteer.load()
    parts = ["country:KP", '"de twee landen"', '"beide leiders"', '"sloten * verdrag"', "type:person",
             '"twee dagen"', "raket*", "verdrag", "Kim"]  # fmt: skip
    document = Document.build(
        "Kim Jong-un en Poetin sloten dinsdag een verdrag. De twee landen leveren elkaar raketten.\n\n"
        "Noord-Koreaanse soldaten vechten in Koersk. Beide leiders ontkennen dat, de twee landen ook.\n\n"
        "Washington dreigt met sancties. Het weer blijft droog.",
        date(2024, 6, 19),
        title="Kim en Poetin op top in Pyongyang",
        lead="Het bezoek duurt twee dagen.",
    )
    units = _units(document, gazetteer.find_in_document(document), _entity_info(gazetteer))
    words = Rule(" OR ".join(p for p in parts if not p.startswith(('"', "country", "type"))), "test", {})
    others = [Rule(p, "test", {}) for p in parts if p.startswith(('"', "country", "type"))]
    either = Rule(" OR ".join(parts), "test", {})
    held = 0
    for unit in units:
        found = [r.match(unit.scope) for r in [words, *others]]
        expected = None if all(f is None for f in found) else [h for f in found for h in f or []]
        assert either.match(unit.scope) == expected, unit.text
        held += expected is not None
    assert 0 < held < len(units)


_TENSE_PATTERNS = [(_PERFECT, _PERFECT_KEYS), (_REPORTATIVE_PERFECT, _REPORTATIVE_KEYS), (_FUTURE, _FUTURE_KEYS),
                   (_TE_INFINITIVE, _TE_KEYS)]  # fmt: skip


@pytest.mark.parametrize("source", ["written", "shuffled", "realnews"])
def test_tense_key_words_never_skip_a_clause_the_pattern_matches(source: str) -> None:
    """clause_tense searches a tense pattern only in a clause holding one of its key words: every clause (and
    sentence) a pattern matches holds one."""
    sentences = {"written": WRITTEN, "shuffled": _shuffled_words(3000), "realnews": _real_sentences()}[source]
    if not sentences:
        pytest.skip("../shared/realnews is not there")
    texts = sentences + [s[a:b] for s in sentences for a, b in clause_spans(s)]
    skipped = [(p.pattern[:30], t) for t in texts for p, keys in _TENSE_PATTERNS
               if p.search(t) and not _Runs(t).has(*keys)]  # fmt: skip
    assert not skipped, skipped[:5]
    # the key words do skip clauses, and let through ones the patterns then match
    assert any(not _Runs(t).has(*_FUTURE_KEYS) for t in texts)
    assert any(p.search(t) for t in texts for p, _keys in _TENSE_PATTERNS)


def test_tense_key_words_corner_cases() -> None:
    for text in WRITTEN[-5:]:
        for pattern, keys in _TENSE_PATTERNS:
            assert _Runs(text).has(*keys) or not pattern.search(text), (pattern.pattern[:30], text)
    assert _Runs("Een İs hier").has(*_PERFECT_KEYS)  # the pattern's case-insensitive İ = i
    assert _Runs("Hij eiſt het").has(*_FUTURE_KEYS) and _FUTURE.search("Hij eiſt het")  # long s = s in the pattern
    assert not _Runs("zal_ zalm").has(*_FUTURE_KEYS)  # inside a longer run of word characters


_PLAIN_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)]*\s+|\n+")  # what text._BOUNDARY is written faster for


def _real_fields() -> list[str]:
    if not REALNEWS.is_dir():
        return []
    return [sample.text for folder in sorted(REALNEWS.glob("batch*")) for sample in load_batch(folder)]


@pytest.mark.parametrize("source", ["written", "realnews"])
def test_sentence_boundaries_are_the_plain_patterns(source: str) -> None:
    corners = ["Echt?! Ja…” Nee.)\n\n\nDus. 3.5 en v.s.\nA!\t'B'", "..\n.\n", ""]
    written = [" ".join(WRITTEN), "\n\n".join(WRITTEN), *corners]
    texts = {"written": written, "realnews": _real_fields()}[source]
    if not texts:
        pytest.skip("../shared/realnews is not there")
    for text in texts:
        assert [m.span() for m in _BOUNDARY.finditer(text)] == [m.span() for m in _PLAIN_BOUNDARY.finditer(text)]


_BEFORE_PATTERNS = [(_RECURRING, _RECURRING_BEFORE), (YEAR_CONTEXT, _YEAR_CONTEXT_BEFORE),
                    (_PAST_MODIFIER, _PAST_BEFORE), (_FUTURE_MODIFIER, _FUTURE_BEFORE)]  # fmt: skip


@pytest.mark.parametrize("source", ["written", "realnews"])
def test_last_word_tests_never_skip_a_text_the_pattern_matches(source: str) -> None:
    """The patterns that read the words before an expression ("elke", "sinds", "afgelopen", "volgende" last)
    are searched only where LastWord.may_end says they can match: never where they do."""
    written = [*WRITTEN, "Sinds  ", "elke\n", "Ieder jaar op de ", "tot en met", "t/m ", "AFGELOPEN\t", "vorigeX ",
               "de eerstvolgende", "İn ", "ıN ", "ſinds ", "in", " ", "", "medio-", "van_ ", "vanaf\u00a0"]  # fmt: skip
    texts = {"written": written, "realnews": _real_sentences()}[source]
    if not texts:
        pytest.skip("../shared/realnews is not there")
    cuts = [(t, i) for t in texts for i in sorted({0, len(t)} | {m.start() for m in re.finditer(r"\b", t)}
                                                  | {m.end() for m in re.finditer(r"\s+", t)})]  # fmt: skip
    skipped = [(p.pattern[:20], t[:i]) for t, i in cuts for p, last in _BEFORE_PATTERNS
               if not last.may_end(t, i) and p.search(t[:i])]  # fmt: skip
    assert not skipped, skipped[:5]
    for p, last in _BEFORE_PATTERNS:  # each pattern matches somewhere, and the test skips most places
        assert any(p.search(t[:i]) for t, i in cuts), p.pattern[:20]
        assert sum(last.may_end(t, i) for t, i in cuts) < len(cuts) / 2


def test_word_tests_find_the_tokens_their_words_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """The word tests of all rules are bits of one lexicon, each token judged once and remembered, the memory
    starting again when full: each test still finds exactly the tokens its words match (wildcards too), whether it
    was made before or after a scope's bits were first worked out, however often the memory started again."""
    import fnmatch

    from newsmon.topics import _LEXICON, Scope, _word_finder

    monkeypatch.setattr(_LEXICON, "LIMIT", 60)
    rnd = random.Random(5)
    stems = ["raket", "verdrag", "bezoek", "sanctie", "olie", "handel", "kern", "x", "ontmoet"]
    words_of = [["raket*", "verdrag"], ["bezoek*", "ontmoet?ng", "olie"], ["*handel*", "kern?"]]
    finders = [(words, _word_finder(words)) for words in words_of[:2]]
    seen: set[str] = set()
    checked = found = 0
    for article in range(40):
        sentences = [[rnd.choice(stems) + rnd.choice(["", "en", "s", "ing", "ten", str(rnd.randint(0, 99))])
                      for _ in range(rnd.randint(1, 12))] for _ in range(rnd.randint(1, 6))]  # fmt: skip
        scopes = [Scope("body", words, [], {}) for words in sentences]
        for position, scope in enumerate(scopes):
            seen |= scope.vocabulary
            if article == 20 and position == 1:  # a test made after this article's first scope has its bits
                finders.append((words_of[2], _word_finder(words_of[2])))
            for s in (scopes[0], scope):
                for words, find in finders:
                    expected = {t for t in s.vocabulary if any(fnmatch.fnmatchcase(t, w.lower()) for w in words)}
                    assert set(find(s)) == expected, (words, sorted(s.vocabulary))
                    assert bool(s.has(_LEXICON.mask(words))) == bool(expected)
                    checked += 1
                    found += bool(expected)
    assert len(seen) > 60 >= len(_LEXICON.known)  # the memory did start again
    assert 0 < found < checked


def _proximity_from_hits(words: list[str], distance: int) -> Callable[[Scope, float], list[Hit] | None]:
    """The proximity matcher as first written: every word's hits (with offsets), then their token indexes."""
    singles = [_words([w]) for w in words]

    def match(scope: Scope, weight: float) -> list[Hit] | None:
        found = [m(scope, weight) for m in singles]
        if not all(found):
            return None
        index_of = {t[1]: i for i, t in enumerate(scope.tokens)}
        positions = [[index_of[h.start] for h in hits or []] for hits in found]
        for anchor in positions[0]:
            window = [min(p, key=lambda i: abs(i - anchor)) for p in positions[1:]]
            if all(abs(i - anchor) <= distance + len(words) - 1 for i in window):
                idx = [anchor, *window]
                return [Hit(scope.field, scope.tokens[min(idx)][1], scope.tokens[max(idx)][2], " ".join(words),
                            weight)]  # fmt: skip
        return None

    return match


def test_proximity_reads_word_places_as_its_hits_did() -> None:
    sentences = [
        "Kim wil raketten ontwikkelen, zegt Poetin; Poetin en Kim ontwikkelden eerder raketmotoren met Kim.",
        "Ontwikkeling van satellieten: Rusland ontwikkelt raket en satelliet, de raketten ontwikkelen zich.",
        "Noord-Koreanen werken in Rusland, waar Noord-Koreanen vaak werken en werkten als bouwvakkers.",
        "Geen van de woorden staat hier.",
    ]
    rules = [(["ontwikkel*", "raket*"], 3), (["Kim", "Poetin"], 5), (["Noord-Koreanen", "werken"], 4),
             (["ontwikkel*", "satelliet*"], 3), (["raket*", "Kim", "ontwikkel*"], 2),
             (["Kim", "Poetin"], 0)]  # fmt: skip
    held = 0
    for text in sentences:
        tokens = _tokens(text)
        for words, distance in rules:
            scope = Scope("body", [t[0] for t in tokens], [], {}, text)
            expected = _proximity_from_hits(words, distance)(Scope("body", [t[0] for t in tokens], [], {}, text), 1.0)
            assert _proximity(words, distance)(scope, 1.0) == expected, (words, text)
            held += expected is not None
    assert held >= 4


@pytest.mark.parametrize("source", ["written", "realnews"])
def test_sentence_token_offsets_from_the_documents_words(source: str) -> None:
    """A sentence's token offsets, found for the Document's words (only the offsets), are the tokens found
    afresh, also where lower-casing changes a length (İ) or depends on a neighbour (final sigma)."""
    from newsmon.entities import Gazetteer
    from newsmon.topics import _entity_info, _units

    written = ["İstanbul en ΟΔΟΣ: een Turkse hoofdletter. De VS volgen het.\n\nNoord-Korea nabij Rusland, ‘zei hij’.",
               " ".join(WRITTEN),
               "De de DE de-de, ’s Avonds 's nachts: Noord--Korea, a-'b, -x- _y_ 2024-09-03 en Kim’s ‘top’ in Rusland.",
               "Rusland rusland RUSLAND Ruslands; kim-kim Kim kim."]  # fmt: skip
    texts = {"written": written, "realnews": _real_fields()}[source]
    if not texts:
        pytest.skip("../shared/realnews is not there")
    gazetteer = Gazetteer.load()
    checked = 0
    for text in texts:
        document = Document.build(text, date(2024, 6, 19), title=text[:60])
        for unit in _units(document, gazetteer.find_in_document(document), _entity_info(gazetteer)):
            if unit.scope._words_of_span:  # not a headline clause, no place taken out
                assert unit.scope.tokens == _tokens(unit.scope.text, unit.start, unit.end), unit.text
                checked += 1
    assert checked > 3


def test_a_rule_holds_only_where_its_tests_do() -> None:
    """A rule (and each OR inside it) is tried only in scopes that pass one of the tests it needs (words, linked
    entities): every rule of config/topics.yaml and the rules above holds only in scopes that pass its `need`,
    and the tests do rule out scopes, also for the sides (country:KP OR ...)."""
    from newsmon.entities import Gazetteer
    from newsmon.topics import Rule, TopicRules, _entity_info, _units

    gazetteer = Gazetteer.load()
    topics = TopicRules.load()
    rules = [*topics.relations.values(), *(r for pair in topics.sides.values() for r in pair),
             *(r for pairs in topics.context_relations.values() for pair in pairs for r in pair),
             *(r for ref in topics.back_references.values() for r in ref[:2]),
             *(r for themes in topics.themes.values() for r in themes.values()),
             *(Rule(source, "test", topics.data.lists) for source in RULES)]  # fmt: skip
    texts = _real_fields()[:60] or [" ".join(WRITTEN)]
    assert all(side.need is not None for pair in topics.sides.values() for side in pair)
    held = skipped = 0
    for text in texts:
        document = Document.build(text, date(2024, 6, 19))
        for unit in _units(document, gazetteer.find_in_document(document), _entity_info(gazetteer)):
            for rule in rules:
                if rule.need is None:
                    continue
                if rule.match(unit.scope) is not None:
                    assert unit.scope.has(rule.need), (rule.source, unit.text)
                    held += 1
                else:
                    skipped += not unit.scope.has(rule.need)
    assert held and skipped


def test_the_side_strings_never_pass_over_a_field_that_names_a_side() -> None:
    """A field is read for the sides only when it holds one of the strings their words need (or a mention their
    entity fields need): every field in which a side rule holds passes that test, and fields without a side are
    passed over, also written ones with wildcard forms, capitals, İ and final sigma."""
    from newsmon.entities import Gazetteer
    from newsmon.topics import Scope, TopicRules, _entity_info, _may_name

    gazetteer = Gazetteer.load()
    rules = TopicRules.load()
    info = _entity_info(gazetteer)
    written = ["NOORDKOREAANSE troepen", "De Noord-Koreaanse leider", "Het Kremlin zweeg.", "Een cursus in Brussel.",
               "İstanbul en ΟΔΟΣ: Poetin", "Kim Jong-un sprak.", "Het weer blijft droog.", "DVK-delegatie"]  # fmt: skip
    texts = _real_fields() + written
    held = passed_over = 0
    for text in texts:
        document = Document.build(text, date(2024, 6, 19), title=text[:60])
        mentions = gazetteer.find_in_document(document)
        for topic in rules.data.topics:
            strings = rules._side_strings[topic.id]
            for name, part in document.fields.items():
                in_field = [m for m in mentions if m.field == name]
                scope = Scope(name, [w for ws in part.words for w in ws], in_field, info, part.text)
                named = any(side.match(scope) is not None for side in rules.sides[topic.id])
                may = _may_name(strings, part.lower, in_field, info)
                assert may or not named, (name, part.text[:80])
                held += named
                passed_over += not may
    assert held and passed_over


# --- events: clause cuts, forced direction, last words, kind gates ----------------------------------------------

_PLAIN_CLAUSE_BOUNDARY = re.compile(
    rf"[;:]\s*|,\s*(?=(?:{_CONJ})\b)|(?<=\s)(?=(?:{_SUBORDINATOR})\b)|(?<=\s)(?={_AND_VERB})", re.IGNORECASE
)  # what events_tense._BOUNDARY is written faster for: the bare cuts as empty matches after white space


def _plain_clause_spans(sentence: str) -> list[tuple[int, int]]:
    """The cuts where the plain pattern matches: a bare cut is its empty match, at the match's start."""
    boundaries = ((m.start() if not m.group() else m.end(), not m.group())
                  for m in _PLAIN_CLAUSE_BOUNDARY.finditer(sentence))  # fmt: skip
    return spans_between(sentence, boundaries)


def _glued(count: int, pieces: list[str], seed: int) -> list[str]:
    """Strings of `pieces` glued with nothing, spaces, commas and non-breaking spaces, in random order."""
    rnd = random.Random(seed)
    glue = ["", " ", "  ", ",", ", ", "\u00a0", "\t"]
    return ["".join(rnd.choice(pieces) + rnd.choice(glue) for _ in range(rnd.randint(1, 9))) for _ in range(count)]


_CLAUSE_PIECES = ("dat omdat en en vertrekt gaat ; : , in met Dat DAT EN wanneer totdat die x staat komt niet "
                  "en_t nadat maar").split(" ")  # fmt: skip


@pytest.mark.parametrize("source", ["written", "glued", "realnews"])
def test_clause_cuts_are_the_plain_patterns(source: str) -> None:
    sentences = {"written": WRITTEN, "glued": _glued(20000, _CLAUSE_PIECES, 3), "realnews": _real_sentences()}[source]
    if not sentences:
        pytest.skip("../shared/realnews is not there")
    differ = [s for s in sentences if clause_spans(s) != _plain_clause_spans(s)]
    assert not differ, differ[:5]
    assert sum(len(clause_spans(s)) > 1 for s in sentences) > len(sentences) // 10  # cuts are made


def _plain_forced_direction(sentence: str, start: int, end: int) -> str | None:
    before, after = sentence[:start], sentence[end:]
    head = sentence[start:end].split(maxsplit=1)[0] + " " if sentence[start:end].strip() else ""
    if ((_PAST_BEFORE.may_end(sentence, start) and _PAST_MODIFIER.search(before)) or _PAST_MODIFIER.fullmatch(head)
            or _PAST_AFTER.match(after)):  # fmt: skip
        return "past"
    if ((_FUTURE_BEFORE.may_end(sentence, start) and _FUTURE_MODIFIER.search(before))
            or _FUTURE_MODIFIER.fullmatch(head) or _FUTURE_AFTER.match(after)):  # fmt: skip
        return "future"
    return None


def _plain_may_end(last_word: LastWord, text: str, end: int) -> bool:
    last = end
    while last and text[last - 1].isspace():
        last -= 1
    if last_word.space and last == end:
        return False
    first = last
    while first and (text[first - 1].isalnum() or text[first - 1] == "_"):
        first -= 1
        if last - first > last_word.longest:
            return False
    word = text[first:last]
    return not word.isascii() or word.lower() in last_word.words


_DIRECTION_PIECES = (
    "afgelopen Afgelopen VORIGE sinds Sinds, ſinds jongstleden volgende Komende aanstaande a.s. j.l. jl ll. "
    "maandag mei 2024 ( ) de het KOMEND eerstvolgende eerstvolgendex İn x _ é \n"
).split(" ")


def test_forced_direction_and_last_words_are_the_plain_tests() -> None:
    rnd = random.Random(11)
    texts = _glued(20000, _DIRECTION_PIECES, 5) + WRITTEN
    checked = {"past": 0, "future": 0}
    for text in texts:
        a = rnd.randint(0, len(text))
        b = rnd.randint(a, len(text))
        got = forced_direction(text, a, b)
        assert got == _plain_forced_direction(text, a, b), (text, a, b)
        if got:
            checked[got] += 1
        for last_word in (_PAST_BEFORE, _FUTURE_BEFORE, _RECURRING_BEFORE, _YEAR_CONTEXT_BEFORE):
            assert last_word.may_end(text, a) == _plain_may_end(last_word, text, a), (text, a, last_word.words)
    assert min(checked.values()) > 100  # both directions are decided, many times


def test_runs_are_the_plain_split() -> None:
    for text in [*WRITTEN, *_glued(5000, _DIRECTION_PIECES, 7)]:
        runs = re.findall(r"\w+", text)
        r = _Runs(text)
        assert r.ascii == {w.lower() for w in runs if w.isascii()} and r.other == [w for w in runs if not w.isascii()]


@pytest.mark.parametrize("source", ["written", "shuffled", "realnews"])
def test_kind_gates_never_skip_a_sentence_the_kind_matches(source: str) -> None:
    sentences = {"written": WRITTEN, "shuffled": _shuffled_words(5000), "realnews": _real_sentences()}[source]
    if not sentences:
        pytest.skip("../shared/realnews is not there")
    patterns = dict(PATTERNS)
    skipped = [(k, s) for s in sentences for k, gate in GATES.items() if not gate.search(s) and patterns[k].search(s)]
    assert not skipped, skipped[:5]
    assert any(gate.search(s) is None for s in sentences for gate in GATES.values())  # a gate skips some


def _folded_words(count: int) -> list[str]:
    """Sentences of trigger words and the words before them, in every case, some written with the letters that
    case-insensitive matching takes for ASCII ones (ſeptember, KOMENDE with a Kelvin sign, İN), glued loosely."""
    words = [w for ws in TRIGGERS.values() for w in ws] + ["afgelopen", "vorige", "de komende weken", "van", "eer"]
    rnd = random.Random(29)
    pieces = []
    for w in words:
        pieces += [w, w.upper(), w.capitalize(), w.replace("s", "\u017f"), w.upper().replace("K", "\u212a"),
                   w.replace("i", "\u0131"), w.upper().replace("I", "\u0130"), f"x{w}", f"{w}-x"]
    pieces += ["5", "2024", ",", "."]
    return _glued(count, pieces, rnd.randint(0, 10**6))


@pytest.mark.parametrize("source", ["written", "folded", "realnews"])
def test_start_finders_give_the_matches_of_the_patterns(source: str) -> None:
    sentences = {"written": WRITTEN, "folded": _folded_words(20000), "realnews": _real_sentences()}[source]
    if not sentences:
        pytest.skip("../shared/realnews is not there")
    differ, found = [], 0
    for kind, pattern in PATTERNS:
        for s in sentences:
            plain = [(m.span(), m.groups()) for m in pattern.finditer(s)]
            fast = [(m.span(), m.groups()) for m in _matches(pattern, STARTS[kind], s)]
            found += len(plain)
            if plain != fast:
                differ.append((kind, s))
    assert not differ, differ[:5]
    assert found > len(sentences) // 10  # the sentences hold expressions to find


def test_the_big_kinds_have_start_finders() -> None:
    assert all(STARTS[k] is not None for k in ("weekday", "month", "month_year", "deictic", "relative_unit", "vague"))
    assert STARTS["year"] is None and STARTS["date"] is None  # a match can open with a digit


def test_white_space_is_every_character_backslash_s_matches() -> None:
    """What the clause boundary pattern relies on, written out per character."""
    everything = "".join(map(chr, range(0x110000)))
    assert set(re.findall(r"\s", everything)) == set(WHITE_SPACE)


def test_case_insensitive_matching_takes_no_other_letters_for_ascii_ones() -> None:
    """What _cases relies on: of all characters, only ASCII letters and _FOLDS_TO_ASCII match an ASCII letter
    case-insensitively, and _cases gives each letter's exactly."""
    everything = "".join(map(chr, range(0x110000)))
    takers = set(re.findall(r"[a-z]", everything, re.IGNORECASE))
    assert takers - {c for c in takers if c.isascii()} == set(_FOLDS_TO_ASCII)
    for letter in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        assert set(_cases(letter) or []) == {c for c in takers if re.fullmatch(letter, c, re.IGNORECASE)}
