"""Clauses and their tense, for dating the expressions they hold.

A sentence's dates belong to the clause that holds them: in "Poetin zei dinsdag dat hij Kim wil
ontmoeten" the speech act (main clause, simple past) is last Tuesday; the wish in the subordinate
clause does not move it forward. So a sentence is cut into clauses at ; and :, before a comma that
is followed by a conjunction or relative pronoun, and before subordinating conjunctions ("dat",
"omdat", "nadat", "toen", ...) even without a comma, and each clause gets its own tense:

- reportative perfect ("zou/zouden ... zijn/hebben + participle") is past: "Op 2 januari zouden er
  raketten zijn afgevuurd";
- future: "zal/zullen", "gaat/gaan" with an infinitive at the end of the clause, "wordt verwacht",
  "staat gepland", "is gepland", present "verwacht", "wil", "hoopt", "moet", "zou" + infinitive;
- past: simple past (a list of strong and common weak forms, weak forms by their ending, separable
  prefixes glued on as in "toegaf"), perfect and pluperfect (auxiliary + participle);
- a present clause ending in "te" + infinitive looks ahead ("houdt eind april op te bestaan");
- otherwise present.

Words right at the expression can overrule the clause: "afgelopen", "vorige", "jongstleden", "j.l."
and "sinds" make it past, "volgende", "komende", "aanstaande", "a.s." make it future.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from typing import Literal

Tense = Literal["past", "future", "present"]

_STRONG_PAST = (
    "was waren werd werden had hadden zei zeiden sprak spraken kwam kwamen ging gingen stond stonden vond vonden "
    "hield hielden liet lieten bracht brachten gaf gaven nam namen zag zagen trof troffen besloot besloten bezocht "
    "bezochten ontving ontvingen schreef schreven vertrok vertrokken begon begonnen won wonnen verloor verloren "
    "sloot sloten bleef bleven viel vielen vloog vlogen stierf stierven schoot schoten sloeg sloegen brak braken "
    "kocht kochten verkocht verkochten deed deden kreeg kregen ving vingen trad traden steeg stegen overleed "
    "overleden riep riepen vroeg vroegen bood boden trok trokken wees wezen hielp hielpen dacht dachten wist "
    "wisten kon konden wilde wilden moest moesten mocht mochten lag lagen zat zaten liep liepen sprong sprongen "
    "wierp wierpen koos kozen dwong dwongen verscheen verschenen verdween verdwenen keek keken bleek bleken leek "
    "leken gold golden verliet verlieten reed reden prees prezen dronk dronken at aten zweeg zwegen vocht vochten "
    "zocht zochten greep grepen sneed sneden stal stalen verbood verboden bewees bewezen verwierp verwierpen "
    "ontstond ontstonden onderging ondergingen ontkwam ontkwamen verrees verscheen hing hingen schiep schiepen "
    "droeg droegen sloot sloten onderschreef onderschreven vergat vergaten weigerde weigerden legde legden zegde "
    "zegden vloog vlogen bezat bezaten bevond bevonden verkoos verkozen gebeurde gebeurden geloofde geloofden "
    "gebruikte gebruikten"
).split()
_SEPARABLE = "toe|aan|af|op|uit|door|mee|terug|voor|in|bij|weg|vast|om|over|na|tegen|binnen|vrij|bekend|plaats"
# Weak past forms by their ending ('t kofschip): -de(n) after a voiced stem, -te(n) after a voiceless one.
# The word lists keep out frequent nouns, adjectives and ordinals with the same endings.
_WEAK_PAST = re.compile(
    r"\b(?!ge)[a-z]{2,}(?:[kpf]te|[kpf]ten|tte|tten|dde|dden|[flmrsvwz]de|[flmrsvwz]den|oonde|oonden|uwde|uwden|eide|aide)\b"
)
_NOT_PAST = frozenset(
    "helfte diepte ziekte sterkte dikte hitte waarde aarde orde horde derde vierde harde garde wilde milde beelde "
    "velde hulde schulde olde zijde weide breedte vlakte beurde verde velden helden beelden schilden worden woorden "
    "orden aarden waarden boorden horden kaarden garden".split()
)
_PAST_WORD = re.compile(
    rf"\b(?:{_SEPARABLE})?(?:{'|'.join(sorted(set(_STRONG_PAST), key=len, reverse=True))})\b", re.IGNORECASE
)
# The same test without trying ~300 alternatives at every position: the pattern can only match a whole run of
# word characters, so each run is looked up (lower-cased) among every prefix + form. A run with a non-ASCII
# character goes to the pattern itself, whose case-insensitive matching knows more than str.lower.
_PAST_FORMS = frozenset(f"{prefix}{form}" for prefix in ("", *_SEPARABLE.split("|")) for form in _STRONG_PAST)
_WORD_RUN = re.compile(r"\w+")
_ASCII_NON_WORD = {c: " " for c in range(128) if not re.fullmatch(r"\w", chr(c))}  # str.translate table


def _has_past_word(clause: str) -> bool:
    return _Runs(clause).has(_PAST_FORMS, _PAST_WORD)


class _Runs:
    """A clause's runs of word characters, for asking whether one of them is a given word: ASCII runs
    lower-cased into a set; the others are few and go to a pattern, whose case-insensitive matching knows more
    than str.lower ("ſ" for s, "İ" for i)."""

    def __init__(self, clause: str) -> None:
        self.other: list[str] = []
        if clause.isascii():  # lower-casing keeps each ASCII character a word character or not
            # the runs of \w (ASCII: letters, digits, _), found by turning every other character into a space
            self.ascii: set[str] = set(clause.lower().translate(_ASCII_NON_WORD).split())
            return
        runs = _WORD_RUN.findall(clause)
        self.ascii = {run.lower() for run in runs if run.isascii()}
        self.other = [run for run in runs if not run.isascii()]

    def has(self, words: frozenset[str], pattern: re.Pattern[str]) -> bool:
        """Whether a run is one of `words` (lower-case ASCII); `pattern` matches them case-insensitively."""
        return not self.ascii.isdisjoint(words) or any(pattern.fullmatch(run) for run in self.other)


def _key_words(words: str) -> tuple[frozenset[str], re.Pattern[str]]:
    return frozenset(words.split()), re.compile("|".join(words.split()), re.IGNORECASE)


_PARTICIPLE = r"(?:\w{0,14}ge\w{1,24}(?:d|t|en)|(?:be|ver|ont|her|er)\w{2,24}(?:d|t|en)|\w{0,8}(?:bezocht|ontmoet))"
# what may follow a participle that ends its clause: "zijn zondag omgekomen tijdens de aanvallen"
_TAIL = "tijdens|in|op|bij|na|door|met|voor|aan|uit|naar|tegen|sinds|vanwege|rond|nabij"
_PERFECT = re.compile(
    rf"\b(?:heeft|hebben|had|hadden|is|was|waren|werd|werden)\b(?:\s+\S{{1,40}}){{0,16}}?\s+{_PARTICIPLE}\b"
    rf"|\b{_PARTICIPLE}\s+(?:heeft|hebben|had|hadden|is|zijn|was|waren|werd|werden)\b"
    rf"|\bzijn\b(?:\s+\S{{1,40}}){{1,16}}?\s+\w{{0,14}}ge\w{{1,24}}(?:d|t|en)(?:\s*$|\s+(?:{_TAIL})\b)"
    # perfect with an infinitive for a participle: "heeft een raket over Japan laten vliegen"
    r"|\b(?:heeft|hebben|had|hadden)\b(?:\s+\S{1,40}){0,16}?\s+(?:laten|zien|horen|helpen|blijven)\s+\w{1,30}n\b",
    re.IGNORECASE,
)
_REPORTATIVE_PERFECT = re.compile(
    r"\b(?:zou|zouden)\b(?:\s+\S{1,40}){0,16}?\s+(?:zijn|hebben)\b|\b(?:zou|zouden)\b(?:\s+\S{1,40}){0,16}?\s+"
    rf"{_PARTICIPLE}\s+(?:zijn|hebben)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:zal|zullen|zult|wordt verwacht|worden verwacht|staat gepland|staan gepland|is gepland|zijn gepland|"
    r"staat op het programma|staan op het programma|verwacht|verwachten|wil|willen|hoopt|hopen|moet|moeten|"
    r"zou|zouden|van plan|vreest|vrezen|eist|eisen|volgt|volgen)\b"
    r"|\b(?:lijkt|lijken|dreigt|dreigen|belooft|beloven)\b(?:\s+\S{1,40}){0,8}?\s+te\s+\w{2,30}en\b"
    r"|\b(?:gaat|gaan)\b(?:\s+\S{1,40}){0,12}?\s+\w{2,30}en\s*$",
    re.IGNORECASE,
)
_TE_INFINITIVE = re.compile(r"\bte\s+\w{1,30}n\s*$", re.IGNORECASE)
# Each alternative of the patterns above holds a word between word boundaries (the first, or of several
# words the last): a clause none of whose word runs is one of a pattern's key words cannot match it, and is
# not searched (the patterns try dozens of words and word windows at every position).
_PERFECT_KEYS = _key_words("heeft hebben had hadden is zijn was waren werd werden")
_REPORTATIVE_KEYS = _key_words("zou zouden")
_FUTURE_KEYS = _key_words(
    "zal zullen zult verwacht gepland programma verwachten wil willen hoopt hopen moet moeten zou zouden plan "
    "vreest vrezen eist eisen volgt volgen lijkt lijken dreigt dreigen belooft beloven gaat gaan"
)
_TE_KEYS = _key_words("te")

# Clause boundaries: ; and : always; a comma followed by a conjunction or relative word; and a
# subordinating conjunction without a comma (not after a preposition, where "dat" is a pronoun).
_CONJ = (r"en|maar|terwijl|want|omdat|toen|nadat|voordat|waarna|zodat|die|dat|wat|waar|welke|waarop|waarin|"
         r"waarmee|hoewel|als|zoals|of|wanneer|zodra|sinds|totdat")
_SUBORDINATOR = r"dat|omdat|nadat|voordat|toen|terwijl|waarna|zodat|hoewel|zodra|totdat|wanneer"
_PREPOSITIONS = frozenset(
    "in op met van voor door na om aan bij over uit tot naar onder tegen zonder tijdens vanaf sinds ondanks "
    "volgens dankzij via per rond achter naast boven binnen buiten langs".split()
)
# "en" before a verb in the present joins two main clauses: "arriveerde woensdag en vertrekt vrijdag".
_AND_VERB = r"en\s+(?!(?:niet|president|minister|echt|toch|recht|contact|markt|staat|kant|nacht|macht)\b)[a-z]{2,}t\b"
# A clause opens after ; or : (and white space), after a comma (and white space) before a conjunction, or right
# after the white space before a bare subordinator or "en" + verb: that last cut is where the match of the white
# space ends. Each alternative opens with one literal character, the white space of the last one written out as
# each character \s matches (WHITE_SPACE): the regex engine then skips to the next of those characters at once
# instead of trying the alternatives at every position.
WHITE_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())  # \s in a str pattern; none lies higher
_BEFORE_SUBORDINATE = rf"(?=(?:{_SUBORDINATOR})\b|{_AND_VERB})"
_BOUNDARY = re.compile(
    "|".join([r";\s*", r":\s*", rf",\s*(?=(?:{_CONJ})\b)", *(re.escape(c) + _BEFORE_SUBORDINATE for c in WHITE_SPACE)]),
    re.IGNORECASE,
)

_SUBORDINATE_START = re.compile(r"^\W*(?:dat|of)\b", re.IGNORECASE)
_PAST_MODIFIER = re.compile(r"\b(?:afgelopen|vorige|vorig|jongstleden|voorbije|sinds|sedert)\s+$", re.IGNORECASE)
_PAST_AFTER = re.compile(r"^\s*(?:j\.\s?l\.|jl\.?|jongstleden|ll\.)(?!\w)", re.IGNORECASE)
_FUTURE_MODIFIER = re.compile(r"\b(?:volgende|volgend|komende|komend|aanstaande|eerstvolgende)\s+$", re.IGNORECASE)
_FUTURE_AFTER = re.compile(r"^\s*(?:a\.\s?s\.|aanstaande)(?!\w)", re.IGNORECASE)


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """Start and end offsets of the clauses of `sentence`, in order, covering it."""
    boundaries = ((m.end(), sentence[m.start()] not in ";:,") for m in _BOUNDARY.finditer(sentence))
    return spans_between(sentence, boundaries)


def spans_between(sentence: str, boundaries: Iterable[tuple[int, bool]]) -> list[tuple[int, int]]:
    """The clauses `sentence` is cut into at `boundaries`: (offset, bare) in order, `bare` for a cut before a
    subordinator without a comma or colon, which is no cut after a preposition ("in dat land", "met dat doel")."""
    cuts = [0]
    for cut, bare in boundaries:
        if bare:
            before = sentence[:cut].rsplit(None, 1)  # the last word is all that is read
            if not before or before[-1].lower().strip(",'\"‘’“”") in _PREPOSITIONS:
                continue
        if cut > cuts[-1]:
            cuts.append(cut)
    cuts.append(len(sentence))
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def _has_past(clause: str, runs: _Runs) -> bool:
    if runs.has(_PAST_FORMS, _PAST_WORD) or (runs.has(*_PERFECT_KEYS) and _PERFECT.search(clause)):
        return True
    return any(m.group().lower() not in _NOT_PAST for m in _WEAK_PAST.finditer(clause))


def clause_tense(clause: str) -> Tense:
    """The tense of one clause (see the module docstring for the order of the tests)."""
    text = clause.strip().rstrip(".!?,;:")
    runs = _Runs(text)
    if runs.has(*_REPORTATIVE_KEYS) and _REPORTATIVE_PERFECT.search(text):
        return "past"
    if runs.has(*_FUTURE_KEYS) and _FUTURE.search(text):
        return "future"
    if _has_past(text, runs):
        return "past"
    # "het panel houdt eind april op te bestaan": an intention or schedule
    if runs.has(*_TE_KEYS) and _TE_INFINITIVE.search(text):
        return "future"
    return "present"


def subordinate_tense(clause: str, tense: Tense, governing: Tense | None) -> Tense:
    """A present-tense "dat"/"of" clause under a clause that looks ahead looks ahead too: in "Zelensky
    verwacht dat het offensief begin juni begint" June is the coming one. Under a past clause it stays
    present: "Poetin zei dat Kim donderdag aankomt" is the coming Thursday."""
    if tense == "present" and governing == "future" and _SUBORDINATE_START.match(clause):
        return "future"
    return tense


def tense_of_clause(sentence: str, clauses: list[tuple[int, int]], i: int, own: dict[int, Tense]) -> Tense:
    """`subordinate_tense` of clause `i` of `sentence` (`clauses` from clause_spans; none: the whole sentence),
    the clause before it governing. `own` keeps each clause's own tense, so a clause is read once however many
    expressions it holds or governs, and the governing clause is read only when its tense can matter (a
    present-tense clause that opens with "dat" or "of")."""
    a, b = clauses[i] if clauses else (0, len(sentence))
    tense = own.get(i)
    if tense is None:
        tense = own[i] = clause_tense(sentence[a:b])
    if tense != "present" or not i or not _SUBORDINATE_START.match(sentence[a:b]):
        return tense
    governing = own.get(i - 1)
    if governing is None:
        governing = own[i - 1] = clause_tense(sentence[clauses[i - 1][0] : clauses[i - 1][1]])
    return subordinate_tense(sentence[a:b], tense, governing)


_RUN_AT_END = re.compile(r"\w*\Z")
WORD_BEFORE_READ = 16  # characters of the last word that word_before reads at most (one past every LastWord's longest)


def word_before(text: str, end: int) -> tuple[str, bool]:
    """The run of word characters (\\w) that ends text[:end] once its white space is stripped (no more than its
    last WORD_BEFORE_READ characters), and whether there was white space to strip: what every LastWord asks of
    that place, read once for all of them."""
    head = text[:end].rstrip()  # str.rstrip strips what str.isspace calls white space, as \s does
    word = _RUN_AT_END.search(head, max(0, len(head) - WORD_BEFORE_READ)).group()  # type: ignore[union-attr]
    return word, len(head) != end


class LastWord:
    r"""What a pattern `\b(?:word|...)\s+$` (or `\s*$`) needs of the text it searches: one of its words last,
    followed by white space to the end (`space`: at least one character of it). `may_end` reads that from the
    end of the text, so the pattern, which would try its words at every position, is only searched when it can
    match; it answers False only when the pattern cannot match (a word with letters other than ASCII ones is
    left to the pattern's own case-insensitive matching)."""

    def __init__(self, words: str, space: bool = True) -> None:
        self.words = frozenset(words.split())
        self.longest = max(map(len, self.words))
        if self.longest >= WORD_BEFORE_READ:
            raise ValueError(f"LastWord: {max(self.words, key=len)!r} is longer than word_before reads")
        self.space = space

    def may_end(self, text: str, end: int) -> bool:
        """Whether text[:end] may end in one of the words (and the white space)."""
        return self.may_follow(word_before(text, end))

    def may_follow(self, before: tuple[str, bool]) -> bool:
        """`may_end`, from what word_before read there."""
        word, spaced = before
        if self.space and not spaced:
            return False
        if len(word) > self.longest:  # a longer word: each character of the pattern matches one
            return False
        return not word.isascii() or word.lower() in self.words


_PAST_BEFORE = LastWord("afgelopen vorige vorig jongstleden voorbije sinds sedert")  # _PAST_MODIFIER's words
_FUTURE_BEFORE = LastWord("volgende volgend komende komend aanstaande eerstvolgende")  # _FUTURE_MODIFIER's


# the same tests as _PAST_AFTER / _FUTURE_AFTER, read at an offset of the sentence instead of on its rest (`match`
# anchors at the offset as ^ does at the start of a slice)
_PAST_AT = re.compile(_PAST_AFTER.pattern.removeprefix("^"), re.IGNORECASE)
_FUTURE_AT = re.compile(_FUTURE_AFTER.pattern.removeprefix("^"), re.IGNORECASE)


def _is_modifier(word: str, words: LastWord, pattern: re.Pattern[str]) -> bool:
    r"""Whether `pattern` (`\b(?:word|...)\s+$`, the words of `words`) fullmatches the word and a space: for an
    ASCII word, whether it is one of the words, lower-cased; other words go to the pattern's own
    case-insensitive matching."""
    if word.isascii():
        return word.lower() in words.words
    return pattern.fullmatch(word + " ") is not None


def forced_direction(
    sentence: str, start: int, end: int, before: tuple[str, bool] | None = None
) -> Tense | None:  # fmt: skip
    """Past or future when the words right at sentence[start:end] decide it, else None. `before`:
    word_before(sentence, start), when read already."""
    expression = sentence[start:end]
    head = expression.split(maxsplit=1)[0] if expression.strip() else None
    if before is None:
        before = word_before(sentence, start)
    if ((_PAST_BEFORE.may_follow(before) and _PAST_MODIFIER.search(sentence[:start]))
            or (head is not None and _is_modifier(head, _PAST_BEFORE, _PAST_MODIFIER))
            or _PAST_AT.match(sentence, end)):  # fmt: skip
        return "past"
    if ((_FUTURE_BEFORE.may_follow(before) and _FUTURE_MODIFIER.search(sentence[:start]))
            or (head is not None and _is_modifier(head, _FUTURE_BEFORE, _FUTURE_MODIFIER))
            or _FUTURE_AT.match(sentence, end)):  # fmt: skip
        return "future"
    return None
