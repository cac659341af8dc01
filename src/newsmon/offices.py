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
A state's body is framed the same way by its name ("Russische ministerie van Defensie"): the bare "het
ministerie van Defensie" is that body when rule 3 finds that state's government.
Only a definite or possessive noun counts ("de", "zijn", "haar"); "een", "voormalige", a name right after
it or its complement (apposition: "de gouverneur van Koersk, Roman Starovojt," the name links) or right
before it ("Kim Yo-jong, de zus van ...") leave it unlinked, as
does any doubt: two fitting roles, two states, or a complement naming no entry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from newsmon.config import EntityDef

if TYPE_CHECKING:
    from newsmon.entities import Mention

# Office nouns a frame may have. The rest of a role phrase stays a literal phrase only.
OFFICES = frozenset({
    "gouverneur", "burgemeester", "leider", "vicevoorzitter",
    "zus", "zuster", "dochter", "dochtertje", "vrouw", "echtgenote", "halfbroer", "vader", "grootvader", "opa",
    "ambassadeur", "VN-ambassadeur", "premier", "president",
    "minister van Buitenlandse Zaken", "buitenlandminister", "minister van Defensie", "defensieminister",
    "minister van Natuurlijke Hulpbronnen", "minister van Hulpbronnen",
    "ministerie van Buitenlandse Zaken", "ministerie van Defensie",
})  # fmt: skip
# Offices a sentence's (or the previous sentence's) context may resolve without a complement. "de president",
# "de premier", "de leider" are left out: they refer back to whoever the article last called that, often
# another state's holder than the sentence's ("De president zei dat hij Poetin ...").
CONTEXT_OFFICES = frozenset({
    "gouverneur", "burgemeester", "minister van Buitenlandse Zaken", "buitenlandminister", "minister van Defensie",
    "defensieminister", "minister van Natuurlijke Hulpbronnen", "minister van Hulpbronnen",
    "ministerie van Buitenlandse Zaken", "ministerie van Defensie",
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
_DETERMINERS = frozenset({"de", "het", "zijn", "haar", "diens"})
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
    # a body, not a person: "het ministerie van Defensie" framed by the name "Russische ministerie van Defensie"
    # is that body itself, whoever holds what
    body: str | None = None


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


class OfficeResolver:
    """Links the bare offices of one field's mentions (see the module notes); built once per gazetteer."""

    def __init__(
        self, entities: Mapping[str, EntityDef], frames: list[Frame], holder: Callable[[str, date], EntityDef | None],
        country_id: Mapping[str, str], former: Callable[[str, int], bool],
    ) -> None:  # fmt: skip
        self.entities = entities
        self.frames_of: dict[str, list[Frame]] = defaultdict(list)
        for frame in frames:
            self.frames_of[frame.office].append(frame)
        self.holder = holder
        self.country_id = country_id
        self.former = former  # "voormalige", "oud-": no holder on the day

    def resolve(self, text: str, mentions: list[Mention], day: date) -> list[Mention]:
        """Bare offices ("de gouverneur van de regio Koersk", "zijn zus", "de minister van Buitenlandse Zaken")
        linked to the one holder the clause or its context allows (the module notes); the rest dropped."""
        if not any(m.kind == "office" for m in mentions):
            return mentions
        kept: list[Mention] = []
        for i, m in enumerate(mentions):
            if m.kind != "office":
                kept.append(m)
                continue
            resolved = self._resolve_office(text, mentions, i, day)
            if resolved is not None:
                kept.append(resolved)
        return kept

    def _resolve_office(self, text: str, mentions: list[Mention], i: int, day: date) -> Mention | None:
        m = mentions[i]
        clause = read_clause(text, m.start, m.end)
        genitive = self._genitive_owner(text, mentions[:i], m)
        if (clause.determiner is None and genitive is None) or self.former(text, m.start):
            return None
        nxt = next((q for q in mentions[i + 1 :] if q.kind != "office"), None)
        if nxt is not None and nxt.entity_id and self.entities[nxt.entity_id].type == "person" and (
            text[m.end : nxt.start].strip(" ,") == ""
        ):
            return None  # "zijn dochter Kim Ju-ae": the name links
        det_start = genitive.start if genitive else clause.modifier_start - len(clause.determiner or "")
        before = text[:det_start].rstrip()
        if before.endswith(",") and any(
            q.end == len(before) - 1 and q.entity_id and self.entities[q.entity_id].type == "person" for q in mentions
        ):
            return None  # "Kim Yo-jong, de zus van ...": apposition to the name
        pre = {q.entity_id for q in mentions if q.entity_id and clause.modifier_start <= q.start and q.end <= m.start}
        frames = self.frames_of[m.role or ""]
        same = [q for q in mentions if q.sentence == m.sentence and q is not m and q.entity_id]
        sentence_ids = {x for q in same for x in (q.entity_id, q.refers_to) if x}
        fits: list[Frame]
        if clause.complement is not None:
            lo, hi = clause.complement
            inside = [q for q in mentions if lo <= q.start and q.end <= hi and q.entity_id]
            if not inside:
                return None  # "de burgemeester van Melitopol" with Melitopol unknown: no guess
            after = next((q for q in mentions if q.start >= hi), None)
            if after is not None and after.entity_id and self.entities[after.entity_id].type == "person" and (
                text[hi : after.start].strip() == ","
            ):
                return None  # "de gouverneur van Koersk, Roman Starovojt,": the name links
            heads = {x for x in (inside[-1].entity_id, inside[-1].refers_to) if x}
            fits = [f for f in frames if heads & f.anchors and f.anchors <= heads | pre | sentence_ids]
        elif genitive is not None or is_possessive(clause.determiner):
            owner = genitive or next((q for q in reversed(same) if q.end <= m.start and q.entity_id
                                      and self.entities[q.entity_id].type == "person"), None)  # fmt: skip
            if owner is None:  # "Zijn zus ..." opening a sentence: the one person named in the one before
                named = {q.entity_id: q for q in mentions if q.sentence == m.sentence - 1 and q.entity_id
                         and q.kind in {"name", "surname"} and self.entities[q.entity_id].type == "person"}  # fmt: skip
                owner = next(iter(named.values())) if len(named) == 1 else None
            if owner is None or owner.entity_id is None:
                return None
            heads = {owner.entity_id} | self._state_of_official(owner.entity_id, day)
            fits = [f for f in frames if heads & f.anchors and f.anchors <= heads | pre]
        else:  # "de Chinese ambassadeur" with Pyongyang in the sentence; else what the context allows
            fits = [f for f in frames if pre & f.anchors and f.anchors <= pre | sentence_ids]
            if not fits and m.role in CONTEXT_OFFICES:
                fits = self._fits_in_context(text, mentions, m, frames, day)
        holders = {}
        for frame in fits:
            holder = self.entities[frame.body] if frame.body else self.holder(frame.role, day)
            if holder is not None and self._modifiers_agree(pre, frame, holder):
                holders[frame.role] = (holder, frame)
        if len(holders) != 1:
            return None
        role, (holder, frame) = holders.popitem()
        states = [a for a in frame.anchors if self.entities[a].type == "country"]
        return replace(m, entity_id=holder.id, kind="role", refers_to=states[0] if len(states) == 1 else None,
                       role=None if frame.body else role)

    def _genitive_owner(self, text: str, earlier: list[Mention], m: Mention) -> Mention | None:
        """"Kims zus", "Poetins woordvoerder": a person's genitive right before the office owns it."""
        last = next((q for q in reversed(earlier) if q.kind != "office"), None)
        if last is None or last.entity_id is None or text[last.end : m.start] != " ":
            return None
        ent = self.entities[last.entity_id]
        if ent.type != "person" or last.surface in ent.names or last.surface in ent.surnames:
            return None
        return last if last.surface.endswith(("s", "'s", "’s")) else None

    def _state_of_official(self, entity_id: str, day: date) -> set[str]:
        """An office holder stands for his state ("de Japanse minister X ... zijn premier")."""
        ent = self.entities[entity_id]
        if ent.country and any(s.holds_on(day) for s in ent.roles) and ent.country in self.country_id:
            return {self.country_id[ent.country]}
        return set()

    def _fits_in_context(self, text: str, mentions: list[Mention], m: Mention, frames: list[Frame],
                         day: date) -> list[Frame]:  # fmt: skip
        """The frames the sentence (else the one before) allows: a place it names, or the one state it names
        as a government. Two governments, or two fitting places (two roles): nothing."""
        for sentence in (m.sentence, m.sentence - 1):
            places: set[str] = set()
            governments: set[str] = set()
            for q in mentions:
                if q.sentence != sentence or q is m or q.kind == "office" or q.start > m.start + 400:
                    continue
                if sentence == m.sentence and q.start > m.start and q.kind != "role":
                    continue  # what follows in the sentence is not what the office was introduced by
                ent = self.entities[q.entity_id] if q.entity_id else None
                if q.refers_to and (q.kind in {"role", "metonym"} or (ent is not None and ent.type == "organisation")):
                    governments.add(q.refers_to)  # "het Russische ministerie van Buitenlandse Zaken" too
                if ent is None:
                    continue
                if ent.type in {"place", "organisation"} and q.kind != "metonym":
                    places.add(ent.id)
                elif ent.type == "person":
                    governments |= self._state_of_official(ent.id, day)
                elif q.kind == "adjective" and ent.type == "country" and names_a_government(text, q.end):
                    governments.add(ent.id)
            if len(governments) > 1:
                return []
            fits = [f for f in frames if f.anchors <= places or f.anchors <= governments]
            if fits:
                return fits
        return []

    def _modifiers_agree(self, pre: set[str], frame: Frame, holder: EntityDef) -> bool:
        """"de door Rusland aangestelde gouverneur", "de Russische gouverneur": a state before the office is
        one of the frame's (or its places' state) or the holder's own."""
        own = self.country_id.get(holder.country or "")
        covered = set(frame.anchors)
        for a in frame.anchors:
            ent = self.entities[a]
            covered |= {x for x in (ent.metonym_for, self.country_id.get(ent.country or "")) if x}
        return all(a in covered or a == own for a in pre if self.entities[a].type == "country")


def names_a_government(text: str, end: int) -> bool:
    """A state adjective ending at `end` is followed by a word for its government, possibly after a coordinated
    adjective ("het Noord-Koreaanse regime", "de Noord-Koreaanse en de Russische regering")."""
    for raw in text[end : end + 60].split()[:5]:
        word = raw.strip(",.;:")
        if word in GOVERNMENT_WORDS:
            return True
        if word not in {"en", "de", "het"} and not (word[:1].isupper() and word.endswith("e")):
            return False
    return False
