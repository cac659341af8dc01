"""Bare offices: "de gouverneur", "zijn zus", "de minister van Buitenlandse Zaken" resolved from what they hang on.

A role phrase in the gazetteer whose place, person or body is itself a gazetteer entry ("gouverneur van
Koersk", "zus van Kim Jong-un", "Chinese ambassadeur in Pyongyang") is read as a frame: an office noun
("gouverneur") and the entries it hangs on ({Koersk}). In text the bare noun then names that role's holder
on the publication date when, in this order:
  1. a complement names the entry: "de gouverneur van de aan Rusland grenzende regio Koersk" (the last
     entry before the clause goes on), "de Chinese ambassadeur" with Pyongyang in the sentence; a complement
     without a name ("van de regio") points back and counts as none;
  2. a possessive or genitive points at a person named before it in the sentence (else the one person
     named in the sentence before): "Kim ... met zijn dochter", "Kims zus", "de Japanse minister X ... zijn
     premier" (an office holder stands for his state);
  3. for the offices in CONTEXT_OFFICES only, the sentence (else the one before) names exactly one fitting
     place, or exactly one state as a government ("het Noord-Koreaanse regime", "Moskou reageerde", a
     state's office holder): "de minister van Buitenlandse Zaken noemde het absurd".
Only a definite or possessive noun counts ("de", "zijn", "haar"); "een", "voormalige", a name right after
it or its complement (apposition: "de gouverneur van Koersk, Roman Starovojt," the name links) or right
before it ("Kim Yo-jong, de zus van ...") leave it unlinked, as
does any doubt: two fitting roles, two states, or a complement naming no entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Office nouns a frame may have. The rest of a role phrase stays a literal phrase only.
OFFICES = frozenset({
    "gouverneur", "burgemeester", "leider", "vicevoorzitter",
    "zus", "zuster", "dochter", "dochtertje", "vrouw", "echtgenote", "halfbroer", "vader", "grootvader", "opa",
    "ambassadeur", "VN-ambassadeur", "premier", "president",
    "minister van Buitenlandse Zaken", "buitenlandminister", "minister van Defensie", "defensieminister",
    "minister van Natuurlijke Hulpbronnen", "minister van Hulpbronnen",
})  # fmt: skip
# Offices a sentence's (or the previous sentence's) context may resolve without a complement. "de president",
# "de premier", "de leider" are left out: they refer back to whoever the article last called that, often
# another state's holder than the sentence's ("De president zei dat hij Poetin ...").
CONTEXT_OFFICES = frozenset({
    "gouverneur", "burgemeester", "minister van Buitenlandse Zaken", "buitenlandminister", "minister van Defensie",
    "defensieminister", "minister van Natuurlijke Hulpbronnen", "minister van Hulpbronnen",
})  # fmt: skip
# words around the anchor inside a role phrase that are not part of the office noun
_FILLER = frozenset("van de het in bij uit regio oblast provincie kraj stad havenstad grensregio".split())
# what may stand between the determiner and the office: adjectives and participles ("invloedrijke", "door
# Rusland aangestelde"), names and state adjectives ("Russische")
_MODIFIER = re.compile(r"door|[A-ZÀ-ÖØ-Þ][\w'’-]*|[\w-]+e")
# "van de regio", "van die stad" without a name after it points back at a region or city named before
_ARTICLES = frozenset("van in bij uit de het die deze dat dit".split())
_BACK_REFERENCE = frozenset("regio stad provincie oblast grensregio havenstad hoofdstad streek".split())
# "hun" never points at one person ("de staatsmedia ... hun leider")
_DETERMINERS = frozenset({"de", "zijn", "haar", "diens"})
_POSSESSIVES = frozenset({"zijn", "haar", "diens"})
_STOPS = frozenset("een geen voormalige voormalig oud-minister toenmalige vorige nieuwe nieuw".split())
# "de (door Rusland aangestelde) gouverneur": a complement after the noun ends at punctuation or a clause word
_COMPLEMENT = re.compile(r" (?:van|in|bij|uit) ")
_CLAUSE_END = re.compile(r"[,.;:!?()\"“”„]| (?:en|die|dat|zei|zegt|heeft|had|is|was|wordt|werd|noemde|meldt|meldde) ")
# "het Noord-Koreaanse regime": a state's adjective before one of these names its government
GOVERNMENT_WORDS = frozenset(
    "regime regering overheid autoriteiten ministerie leiding bewind staatsmedia staatspersbureau minister "
    "ministers functionarissen hoogwaardigheidsbekleders diplomaten delegatie leger".split()
)


@dataclass(frozen=True)
class Frame:
    office: str  # the bare noun: "gouverneur", "minister van Buitenlandse Zaken"
    anchors: frozenset[str]  # entity ids the role hangs on: {"nm:koersk"}, {"Q148", "Q18808"}
    role: str


def office_of(phrase: str, spans: list[tuple[int, int]]) -> str | None:
    """The office noun of a role phrase once the entries at `spans` are taken out, or None when the rest is
    not a known office ("door ... aangestelde gouverneur" is not)."""
    rest, last = [], 0
    for start, end in sorted(spans):
        rest.append(phrase[last:start])
        last = end
    rest.append(phrase[last:])
    words = " ".join(rest).split()
    while words and words[0] in _FILLER:
        words.pop(0)
    while words and words[-1] in _FILLER:
        words.pop()
    office = " ".join(words)
    return office if office in OFFICES else None


@dataclass(frozen=True)
class Clause:
    determiner: str | None  # "de", "zijn", ... or None when the noun has none
    modifier_start: int  # where the words between the determiner and the noun begin
    complement: tuple[int, int] | None  # the span of "van/in/bij ..." after the noun, up to the clause end


def read_clause(text: str, start: int, end: int) -> Clause:
    """The determiner before an office noun and the complement after it."""
    before = text[max(0, start - 80) : start]
    cut = max(before.rfind(c) for c in ",.;:!?()\"“”„")
    words = list(re.finditer(r"\S+", before[cut + 1 :]))
    determiner, modifier_start = None, start
    for word in reversed(words[-6:]):
        token = word.group().lower()
        if token in _STOPS:
            break
        if token in _DETERMINERS:
            determiner = token
            modifier_start = start - len(before) + cut + 1 + word.end()
            break
        if not _MODIFIER.fullmatch(word.group()):
            break  # "in zijn eerste jaar als president": not a noun phrase headed by the office
    complement = None
    head = _COMPLEMENT.match(text, end)
    if head:
        stop = _CLAUSE_END.search(text, head.end(), min(len(text), head.end() + 80))
        complement = (end, stop.start() if stop else min(len(text), head.end() + 80))
        tokens = text[slice(*complement)].split()
        while tokens and tokens[0] in _ARTICLES:
            tokens.pop(0)
        if tokens and tokens[0] in _BACK_REFERENCE and (len(tokens) == 1 or not tokens[1][:1].isupper()):
            complement = None  # "de gouverneur van de regio sprak": the region named before, as if bare
    return Clause(determiner, modifier_start, complement)


def is_possessive(determiner: str | None) -> bool:
    return determiner in _POSSESSIVES
