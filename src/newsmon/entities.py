"""Entity mentions: a Dutch gazetteer matched on word boundaries, linked to stable ids.

What a mention can be (its `kind`):
  name       a full name or unambiguous form ("Kim Jong-un", "Poetin", "Pyongyang" as a place)
  surname    an ambiguous short form ("Kim", "Choe"): linked to the entity of that surname most
             recently named in full in the same article; with no such mention, to the one head of
             state or government of that surname in office on the publication date (a headline's
             "Kim" in 2024), unless the article uses it as someone else's first name ("Kim Clijsters");
             after a title ("minister Choe") to the one person of that surname in an office so called;
             a body's short form ("de Veiligheidsraad") to the body whose context the article names (VN)
  role       a role phrase ("Russische president") resolved with the publication date; after
             "voormalige", "oud-", "ex-" it names no holder. In apposition ("de Russische president
             Poetin") the person is the name's: the role keeps only the state it belongs to. A bare office
             ("de gouverneur van de grensregio Koersk", "zijn zus", "de minister van Buitenlandse Zaken")
             is a role too when what it hangs on is clear from the clause or its context (newsmon.offices)
  adjective  "Russische", "Noord-Koreaanse" (of a country or place)
  demonym    "Russen", "Noord-Koreanen"
  metonym    a capital or institution standing for a government ("Moskou reageerde", "het
             Kremlin ontkent"); `refers_to` then holds the government's (country's) id. After a
             locative ("in (het) Kremlin"), a word for a town ("de hoofdstad Moskou") or what a town
             has ("de burgemeester van Moskou") it is the place
`refers_to` on a role or a state body ("Amerikaanse president", "Zuid-Koreaanse inlichtingendienst")
holds the state or body named inside it. Genitives ("Poetins", "Sjojgoe's") and capitals-only forms
("POETIN", "SEOUL (ANP)") are generated from every form. A hyphen joins a name into a compound that
still names it ("VN-resolutie", "Koersk-regio"); a name joined by a space to another capitalised word
is part of a longer name ("ADO Den Haag") and left to the candidates. Unknown capitalised names
(not in the gazetteer, not at a sentence start) are kept as unlinked mentions with source
'candidate', so the gazetteer can grow from what the news actually says.

Matching is one Aho-Corasick pass (ahocorasick-rs, all overlapping matches, then longest whole-word
matches), case-sensitive as Dutch news writes names; acronyms therefore match only in capitals.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick_rs
import pandas as pd

from newsmon.config import EntityDef, GazetteerFile, load_gazetteer
from newsmon.document import Document
from newsmon.offices import Frame, OfficeResolver, office_of
from newsmon.records import quick_init
from newsmon.text import Sentence, SentenceIndex, split_sentences

RULES_VERSION = "3"
DEFAULT_GAZETTEER = Path(__file__).resolve().parents[2] / "config" / "entities.yaml"

# A place after one of these is a place ("in Moskou"); elsewhere it stands for the government.
_LOCATIVE = frozenset(
    "in naar uit bij rond nabij vanuit via te richting buiten boven langs door over vanaf tot "
    "om aan onder tegenover voorbij".split()
)
_PARTICLES = r"(?:van|de|der|den|ter|ten|von|al|bin|ibn|el|le|la|du|da|dos)"
_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-Þ]")  # what each word of a _CAPITALISED match opens with
_CAPITALISED = re.compile(rf"[A-ZÀ-ÖØ-Þ][\w'’-]*[\w](?:\s+(?:{_PARTICLES}\s+)*[A-ZÀ-ÖØ-Þ][\w'’-]*[\w])*")
# "de voormalige Russische president", "een Amerikaanse president": no holder on the day
_FORMER = frozenset(
    "voormalig voormalige oud ex toenmalig toenmalige vorige gewezen aanstaande toekomstige een".split()
)
# titles that put a surname in office: "minister Choe", "president Yoon", "generaal Kim"
_TITLES = frozenset(
    "minister premier president vicepresident vicepremier generaal luitenant-generaal maarschalk admiraal "
    "ambassadeur gezant gouverneur burgemeester staatssecretaris minister-president kanselier".split()
)
# plural role nouns after coordinated state adjectives, and the singular a role phrase uses
_PLURAL_ROLES = {
    "presidenten": "president", "leiders": "leider", "premiers": "premier", "staatshoofden": "staatshoofd",
    "defensieministers": "defensieminister", "buitenlandministers": "buitenlandminister",
    "ministers van Defensie": "minister van Defensie",
    "ministers van Buitenlandse Zaken": "minister van Buitenlandse Zaken",
}  # fmt: skip
_ADJ = r"[A-ZÀ-ÖØ-Þ][\w-]*e"
_NOUNS = "|".join(sorted(_PLURAL_ROLES, key=len, reverse=True))
_SHARED_ROLE = re.compile(rf"(?P<adjectives>{_ADJ}(?:, {_ADJ})* en (?:de )?{_ADJ}) (?P<noun>{_NOUNS})\b")
# "de hoofdstad Moskou", "de havenstad Vladivostok": the place itself
_TOWN_WORDS = frozenset("hoofdstad stad havenstad grensstad miljoenenstad stadje plaats".split())
# "de burgemeester van Moskou", "de inwoners van Seoul": what belongs to the town, not its government
_OF_A_TOWN = frozenset(
    "burgemeester burgemeesters gouverneur loco-burgemeester gemeenteraad stadsbestuur gemeente inwoners "
    "bewoners inwoner bewoner straten centrum binnenstad buitenwijken buitenwijk wijk wijken haven luchthaven "
    "luchthavens vliegveld station metro voorsteden voorstad omgeving rand hartje universiteit dierentuin "
    "stadion skyline".split()
)
# genitive forms that are ordinary Dutch words ("Lees ook", "Hans")
_NOT_GENITIVES = frozenset({"Lees", "Hans", "Moons", "Parks", "Hans'", "Kangs"})
_NOT_NAMES = frozenset(
    "De Het Een In Op Aan Bij Met Voor Na Van Uit Over Onder Naar Door Als Dat Die Dit Deze Er Ook Maar En Of "
    "Hij Zij Ze Wij We Ik Je U Het Zo Nu Toen Wel Niet Geen Volgens Tijdens Sinds Na Om Tot Wat Wie Waar Hoe "
    "Waarom Toch Dan Daar Hier Al Nog Eind Begin Half Midden Even Inmiddels Intussen Ondertussen Bovendien "
    "LIVE Update Lees Bekijk Foto Video ANP AP Reuters AFP Belga".split()
)


@quick_init
@dataclass(frozen=True)
class Mention:
    entity_id: str | None  # None: recognised as a name but not linked
    surface: str
    start: int
    end: int
    field: str  # title | lead | body
    sentence: int  # index of the sentence within its field
    kind: str  # name | surname | role | adjective | demonym | metonym
    source: str  # gazetteer | candidate
    refers_to: str | None = None  # for metonyms: the government it stands for
    role: str | None = None  # for role mentions: the role id


@dataclass(frozen=True)
class _Pattern:
    target: str  # an entity id, or a role id for role phrases
    kind: str


class Gazetteer:
    """The compiled matcher for one gazetteer file."""

    def __init__(self, data: GazetteerFile) -> None:
        self.data = data
        self.version = f"{data.version}+rules-{RULES_VERSION}"
        self.entities: dict[str, EntityDef] = {e.id: e for e in data.entities}
        self.role_holders: dict[str, list[EntityDef]] = defaultdict(list)
        for ent in data.entities:
            for role_id in dict.fromkeys(spell.role for spell in ent.roles):  # a role held twice: one holder
                self.role_holders[role_id].append(ent)
        table: dict[str, list[_Pattern]] = defaultdict(list)
        for ent in data.entities:
            for kind, values in (("name", ent.names), ("surname", ent.surnames), ("adjective", ent.adjectives),
                                 ("demonym", ent.demonyms)):  # fmt: skip
                for value in values:
                    table[value].append(_Pattern(ent.id, kind))
        self.office_frames = self._office_frames(data, dict(table))
        framed = {(f.role, p) for f, p in self._frame_phrases}
        for role in data.roles:
            for phrase in role.phrases:
                if (role.id, phrase) not in framed:
                    table[phrase].append(_Pattern(role.id, "role"))
        self._add_genitive_roles(data, table)
        for office in {f.office for f in self.office_frames}:
            if office not in table:
                table[office].append(_Pattern(office, "office"))
        # Genitives ("Poetins", "Sjojgoe's") only where no listed form already owns the string ("Japans").
        generated: dict[str, list[_Pattern]] = defaultdict(list)
        for string, patterns in table.items():
            for p in patterns:
                if p.kind in {"name", "surname"}:
                    for form in _genitives(string):
                        if form not in table and form not in _NOT_GENITIVES:
                            generated[form].append(p)
        table.update(generated)
        # Headlines and datelines in capitals ("POETIN ONTMOET KIM", "SEOUL (ANP)"): every form also in capitals.
        for string in list(table):
            upper = string.upper()
            if upper != string and len(upper) >= 3 and upper not in table and table[string][0].kind != "office":
                table[upper] = table[string]
        self._strings = list(table)
        self._position = {string: i for i, string in enumerate(self._strings)}
        self._patterns = [table[s] for s in self._strings]
        # All overlapping matches: when the longest one is glued to a word ("Amerikaanse
        # presidentsverkiezingen"), a shorter one at the same place can still count.
        self._matcher = ahocorasick_rs.AhoCorasick(self._strings, matchkind=ahocorasick_rs.MatchKind.Standard)
        # "Amerikaanse president", "Zuid-Koreaanse inlichtingendienst": a role or body named with a
        # state's adjective or name refers to that state, found once here rather than per mention.
        self._embedded_state = [self._state_inside(i) for i in range(len(self._strings))]
        country_id: dict[str, str] = {}
        for ent in data.entities:
            if ent.type == "country" and ent.country:
                country_id.setdefault(ent.country, ent.id)
        self._offices = OfficeResolver(self.entities, self.office_frames, self.holder, country_id, _former)
        self._leader_roles = frozenset(r.id for r in data.roles if r.leader)
        self._leaders = [e for e in data.entities if any(s.role in self._leader_roles for s in e.roles)]
        # what a role is called, lower-cased, to see which titles fit it ("minister" fits the foreign minister)
        self._role_words = {r.id: " ".join((r.label, *r.phrases)).lower() for r in data.roles}

    def _office_frames(self, data: GazetteerFile, forms: dict[str, list[_Pattern]]) -> list[Frame]:
        """Role phrases that name an office and the entries it hangs on ("gouverneur van Koersk"). A phrase
        whose entry is a place, person or body is matched through its frame only, so the entry inside stays a
        mention of its own ("de burgemeester van Moskou": Moskou the place, and the mayor)."""
        strings = [s for s, ps in forms.items() if ps[0].kind in {"name", "adjective"}]
        matcher = ahocorasick_rs.AhoCorasick(strings, matchkind=ahocorasick_rs.MatchKind.Standard)
        frames: list[Frame] = []
        self._frame_phrases: list[tuple[Frame, str]] = []
        for role in data.roles:
            for phrase in role.phrases:
                found = _select(phrase, matcher.find_matches_as_indexes(phrase, overlapping=True))
                anchors = [forms[strings[i]][0].target for i, _a, _b in found]
                office = office_of(phrase, [(a, b) for _i, a, b in found]) if anchors else None
                if office is None:
                    continue
                frame = Frame(office, frozenset(anchors), role.id)
                frames.append(frame)
                if all(self.entities[a].type in {"place", "person", "organisation"} for a in anchors):
                    self._frame_phrases.append((frame, phrase))
        # a state's body named with the state's adjective ("Russische ministerie van Defensie"): the bare noun
        # ("het ministerie van Defensie") is that body where the context names that state's government
        for ent in data.entities:
            if ent.type != "organisation":
                continue
            for name in ent.names:
                parts = [m for m in matcher.find_matches_as_indexes(name, overlapping=True) if m[2] - m[1] < len(name)]
                found = [m for m in _select(name, parts)
                         if self.entities[forms[strings[m[0]]][0].target].type == "country"]  # fmt: skip
                anchors = [forms[strings[i]][0].target for i, _a, _b in found]
                if len(anchors) != 1:
                    continue
                office = office_of(name, [(a, b) for _i, a, b in found])
                if office is not None:
                    frames.append(Frame(office, frozenset(anchors), f"body:{ent.id}", ent.id))
        return list(dict.fromkeys(frames))

    def _add_genitive_roles(self, data: GazetteerFile, table: dict[str, list[_Pattern]]) -> None:
        """"Ruslands president", "China's minister van Defensie": the genitive of a state's name before the
        office, from every "<office> van <state>" phrase."""
        for role in data.roles:
            for phrase in role.phrases:
                office, sep, state = phrase.rpartition(" van ")
                owners = table.get(state, [])
                if not sep or not owners or owners[0].kind != "name":
                    continue
                if self.entities[owners[0].target].type != "country":
                    continue
                for genitive in _genitives(state):
                    if f"{genitive} {office}" not in table and state not in office:
                        table[f"{genitive} {office}"].append(_Pattern(role.id, "role"))

    def _state_inside(self, index: int) -> str | None:
        first = self._patterns[index][0]
        if first.kind != "role" and not (first.kind == "name" and self.entities[first.target].type == "organisation"):
            return None
        string = self._strings[index]
        matches = self._matcher.find_matches_as_indexes(string, overlapping=True)
        parts = [m for m in matches if m[2] - m[1] < len(string)]
        for i, _start, _end in _select(string, parts):
            inner = self._patterns[i][0]
            if inner.kind in {"adjective", "name"} and inner.target in self.entities:
                entity = self.entities[inner.target]
                if entity.type in {"country", "organisation"}:
                    return entity.id
                if entity.metonym_for:
                    return entity.metonym_for
        return None

    @classmethod
    def load(cls, path: Path | str = DEFAULT_GAZETTEER) -> Gazetteer:
        return _load_cached(*rules_file_key(path))

    def holder(self, role_id: str, day: date) -> EntityDef | None:
        holders = [e for e in self.role_holders[role_id] if any(s.role == role_id and s.holds_on(day) for s in e.roles)]
        return holders[0] if len(holders) == 1 else None

    def find_in_document(self, document: Document) -> list[Mention]:
        """All mentions of a Document's fields, using its sentences (the text is not split again)."""
        return self.find(document.text("body") or "", document.published, document.text("title"),
                         document.text("lead"), sentences={n: list(f.sentences) for n, f in document.fields.items()})

    def find(
        self, body: str, published: date, title: str | None = None, lead: str | None = None,
        sentences: dict[str, list[Sentence]] | None = None,
    ) -> list[Mention]:  # fmt: skip
        """All mentions in title, lead and body (offsets are per field), linked where the rules allow;
        `sentences`: each field already split (a Document's)."""
        state = _Coreference()
        # Headlines say "Kim" and leave the full name to the body: for title and lead, a surname may
        # point ahead to an entity the article names in full anywhere (if only one fits).
        state.named_anywhere = set()
        fields = [(field, text, self._select_with_nested(text, self._matcher.find_matches_as_indexes(text, True)))
                  for field, text in (("title", title), ("lead", lead), ("body", body)) if text]  # fmt: skip
        for _field, text, selected in fields:
            for i, _start, end in selected:
                first = self._patterns[i][0]
                if first.kind == "name":
                    state.named_anywhere.add(first.target)
                elif first.kind == "surname" and _followed_by_other_name(text, end):
                    state.first_names.add(self._strings[i])  # "Kim Clijsters": a bare "Kim" here may be her
                elif first.kind == "role" and (holder := self.holder(first.target, published)) is not None:
                    state.named_anywhere.add(holder.id)
        found: list[Mention] = []
        for field, text, selected in fields:
            split = sentences.get(field) if sentences else None
            found.extend(self._find_in(text, field, published, state, selected, split))
        return found

    def _select_with_nested(self, text: str, matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """The longest matches (`_select`), and inside the name of an event, treaty or the like the states and
        places it names: "de Russische invasie van Oekraïne" mentions Ukraine, "de top van Singapore" Singapore."""
        chosen = _select(text, matches)
        events = [(a, b) for i, a, b in chosen if self._is_event_name(i)]
        if not events:
            return chosen
        # each inner name starts after the outer one: a mention is keyed by where it starts
        inner = [m for m in matches if any(a < m[1] and m[2] <= b for a, b in events)
                 and self._patterns[m[0]][0].kind == "name"
                 and self.entities[self._patterns[m[0]][0].target].type in {"country", "place"}]  # fmt: skip
        return sorted(chosen + _select(text, inner), key=lambda m: (m[1], -m[2]))

    def _is_event_name(self, index: int) -> bool:
        first = self._patterns[index][0]
        return first.kind == "name" and self.entities[first.target].type == "other"

    def _find_in(
        self, text: str, field: str, published: date, state: _Coreference, selected: list[tuple[int, int, int]],
        split: list[Sentence] | None = None,
    ) -> list[Mention]:  # fmt: skip
        sentences = split_sentences(text) if split is None else split
        index = SentenceIndex(sentences)
        raw: list[Mention] = []
        bounds = {m[1] for m in selected} | {m[2] for m in selected}
        for pattern_index, start, end in selected:
            sentence = index.at(start)
            mention = self._resolve(text, start, end, pattern_index, published, state, field,
                                    sentence.index if sentence else 0, bounds)  # fmt: skip
            if mention is not None and not _in_credit_line(text, start, end):
                raw.append(mention)
        if any(noun in text for noun in _PLURAL_ROLES):
            raw = self._shared_roles(text, raw, published)
        raw = self._offices.resolve(text, raw, published)
        kept = self._drop_appositive_roles(text, raw)
        kept.extend(_candidates(text, sentences, raw, field))
        kept.sort(key=lambda m: (m.start, m.end))
        return kept

    def _resolve(
        self, text: str, start: int, end: int, index: int, published: date, state: _Coreference,
        field: str, sentence: int, bounds: set[int],
    ) -> Mention | None:  # fmt: skip
        patterns = self._patterns[index]
        surface = text[start:end]
        first = patterns[0]
        inside = self._embedded_state[index]
        if first.kind == "office":  # resolved once the whole field is read (_resolve_offices)
            return Mention(None, surface, start, end, field, sentence, "office", "gazetteer", role=first.target)
        if first.kind == "role":
            holder = None if _former(text, start) else self.holder(first.target, published)
            if holder is not None:
                state.introduce(holder)
            return Mention(holder.id if holder else None, surface, start, end, field, sentence, "role", "gazetteer",
                           inside, role=first.target)  # fmt: skip
        if first.kind == "surname":
            if _followed_by_other_name(text, end):
                return None  # someone else's first name: the candidate pass keeps the whole name
            candidates = [p.target for p in patterns if p.kind == "surname"]
            entity_id = state.resolve_surname(candidates, look_ahead=field != "body")
            if entity_id is None and surface not in state.first_names:
                entity_id = (self._leader_with_surname(candidates, published)
                             or self._titled_holder(text, start, candidates, published)
                             or self._short_form_in_context(candidates, state))  # fmt: skip
            return Mention(entity_id, surface, start, end, field, sentence, "surname", "gazetteer")
        entity = self.entities[first.target]
        if first.kind == "name" and entity.type in {"country", "place", "organisation"} and _inside_longer_name(
            text, start, end, bounds
        ):
            return None  # "ADO Den Haag", "Washington Post": another name; the candidate pass keeps it
        if first.kind == "name":
            state.introduce(entity)
            if entity.metonym_for and not _means_the_place(text, start):
                return Mention(entity.id, surface, start, end, field, sentence, "metonym", "gazetteer",
                               entity.metonym_for)  # fmt: skip
        return Mention(entity.id, surface, start, end, field, sentence, first.kind, "gazetteer", inside)

    def _shared_roles(self, text: str, mentions: list[Mention], published: date) -> list[Mention]:
        """"de Amerikaanse en Zuid-Koreaanse defensieministers": each state adjective before a plural role
        noun names that state's holder of the role, as "de Amerikaanse defensieminister" would."""
        adjectives = {m.start: m for m in mentions if m.kind == "adjective"}
        for match in _SHARED_ROLE.finditer(text):
            if _former(text, match.start()):
                continue
            singular = _PLURAL_ROLES[match.group("noun")]
            for word in re.finditer(r"[^\s,]+", match.group("adjectives")):
                adjective = adjectives.get(match.start() + word.start())
                index = self._position.get(f"{word.group()} {singular}")
                if adjective is None or index is None or self._patterns[index][0].kind != "role":
                    continue
                role = self._patterns[index][0].target
                holder = self.holder(role, published)
                adjectives[adjective.start] = Mention(
                    holder.id if holder else None, adjective.surface, adjective.start, adjective.end, adjective.field,
                    adjective.sentence, "role", "gazetteer", adjective.entity_id, role=role,
                )
        return [adjectives.get(m.start, m) if m.kind == "adjective" else m for m in mentions]

    def _leader_with_surname(self, candidates: list[str], day: date) -> str | None:
        """A bare "Kim" or "Yoon" that no full mention explains: the one head of state or government
        of that surname in office on the day, if exactly one fits."""
        wanted = set(candidates)
        fits = {e.id for e in self._leaders if e.id in wanted
                and any(s.holds_on(day) and s.role in self._leader_roles for s in e.roles)}  # fmt: skip
        return fits.pop() if len(fits) == 1 else None

    def _titled_holder(self, text: str, start: int, candidates: list[str], day: date) -> str | None:
        """"minister Choe", "generaal Kim": a surname after a title is the one person of that surname who
        holds an office so called on the day, if exactly one does."""
        words = _previous_words(text, start)
        title = words[-1].rstrip(",") if words else ""
        if title not in _TITLES:
            return None
        fits = {c for c in candidates
                if any(s.holds_on(day) and title in self._role_words.get(s.role, "") for s in self.entities[c].roles)}
        return fits.pop() if len(fits) == 1 else None

    def _short_form_in_context(self, candidates: list[str], state: _Coreference) -> str | None:
        """"de Veiligheidsraad" in an article that names the VN: the entity whose context is named."""
        fits = {c for c in candidates if state.named_anywhere.intersection(self.entities[c].short_form_context)}
        return fits.pop() if len(fits) == 1 else None

    def _drop_appositive_roles(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """'de Russische president Poetin': keep the name, drop the role that introduces it. The name may be
        of an earlier holder of the role ("de Noord-Koreaanse leider Kim Jong-il", days after his death)."""
        kept = []
        for i, m in enumerate(mentions):
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            if (
                m.kind == "role"
                and nxt is not None
                and nxt.kind in {"name", "surname", "metonym"}
                and nxt.entity_id is not None
                and (nxt.entity_id == m.entity_id
                     or any(r.role == m.role for r in self.entities[nxt.entity_id].roles))
                and text[m.end : nxt.start].strip(" ,") == ""
            ):  # fmt: skip
                if m.refers_to:  # the person is the name's; the state in "de Amerikaanse president" stays
                    kept.append(Mention(None, m.surface, m.start, m.end, m.field, m.sentence, "role", m.source,
                                        m.refers_to, m.role))  # fmt: skip
                continue
            kept.append(m)
        return kept

    def describe(self, entity_id: str) -> dict[str, Any]:
        ent = self.entities[entity_id]
        return {"name": ent.name_nl, "type": ent.type}

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(entities, entity_aliases) rows for the database."""
        entities = pd.DataFrame([
            {"id": e.id, "type": e.type, "country": e.country, "name_nl": e.name_nl, "name_en": e.name_en,
             "metonym_for": e.metonym_for, "tags": list(e.tags), "gazetteer_version": self.version}
            for e in self.data.entities
        ])  # fmt: skip
        phrases = {r.id: r.phrases for r in self.data.roles}
        aliases: list[dict[str, Any]] = []
        for e in self.data.entities:
            for kind, values in (("name", e.names), ("surname", e.surnames), ("adjective", e.adjectives),
                                 ("demonym", e.demonyms)):  # fmt: skip
                aliases += [{"entity_id": e.id, "alias": v, "kind": kind, "valid_from": None, "valid_to": None}
                            for v in values]  # fmt: skip
            for spell in e.roles:
                aliases += [{"entity_id": e.id, "alias": p, "kind": "role", "valid_from": spell.from_,
                             "valid_to": spell.to} for p in phrases[spell.role]]  # fmt: skip
        return entities, pd.DataFrame(aliases, columns=["entity_id", "alias", "kind", "valid_from", "valid_to"])


def rules_file_key(path: Path | str) -> tuple[str, int]:
    """(absolute path, modification time) of a rules file: what its compiled copy is cached under, so an edited
    file is compiled again. Asked once per article: no path resolution, one stat (which follows links), and an
    absolute Path (the default files) is used as it is (building a new Path is two thirds of the time)."""
    absolute = path if isinstance(path, Path) and path.is_absolute() else Path(path).absolute()
    return str(absolute), absolute.stat().st_mtime_ns


@cache
def _load_cached(path: str, _mtime: int) -> Gazetteer:
    return Gazetteer(load_gazetteer(path))


class _Coreference:
    """Which entity each surname points at, as the article goes on."""

    def __init__(self) -> None:
        self._last_seen: dict[str, int] = {}
        self._clock = 0
        self.named_anywhere: set[str] = set()
        self.first_names: set[str] = set()  # surnames that are someone else's first name in this article

    def introduce(self, entity: EntityDef) -> None:
        self._clock += 1
        self._last_seen[entity.id] = self._clock

    def resolve_surname(self, candidates: list[str], look_ahead: bool = False) -> str | None:
        seen = [(self._last_seen[c], c) for c in candidates if c in self._last_seen]
        if seen:
            return max(seen)[1]
        ahead = [c for c in candidates if c in self.named_anywhere]
        return ahead[0] if look_ahead and len(ahead) == 1 else None


def _genitives(name: str) -> list[str]:
    if name[-1].isalpha() and name[-1].lower() not in "sxz":
        return [name + "s", name + "'s", name + "’s"]
    return []


def _is_whole_word(text: str, start: int, end: int) -> bool:
    """Not glued to letters or digits; a hyphen joins a name into a compound that still names it
    ("VN-resolutie", "NAVO-top", "Koersk-regio", "Russisch-Chinese", "Oost-Oekraïne")."""
    if end < len(text) and (text[end].isalnum() or text[end] == "_"):
        return False
    if start == 0:
        return True
    before = text[start - 1]
    if before.isalnum() or before == "_":
        # a dateline glued to the line before it on a scraped page: "geledenWASHINGTON (ANP)"
        return before.islower() and end - start >= 4 and text[start:end].isupper()
    return True


def _select(text: str, matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Whole-word matches, longest first at each place, never overlapping."""
    ok = sorted((m for m in matches if _is_whole_word(text, m[1], m[2])), key=lambda m: (m[1], -(m[2] - m[1])))
    chosen: list[tuple[int, int, int]] = []
    end = -1
    for match in ok:
        if match[1] >= end:
            chosen.append(match)
            end = match[2]
    return chosen


def _previous_words(text: str, start: int) -> list[str]:
    """The words before `start` (nearest last), lower-cased, articles skipped: "in het Kremlin" -> [.., "in"]."""
    words = [w.lower().strip("(\"'„“") for w in text[max(0, start - 60) : start].split()]
    while words and words[-1] in {"het", "de", "'t"}:
        words.pop()
    return words


_CREDIT = re.compile(r"[A-Z]{2,}(?:/[A-Z]{2,})*")


def _in_credit_line(text: str, start: int, end: int) -> bool:
    """"SEOUL (ANP/AFP) - ...": news agencies credited after a dateline are not mentions of them."""
    left = text.rfind("(", max(0, start - 40), start)
    right = text.find(")", end, end + 40)
    if left < 0 or right < 0 or not _CREDIT.fullmatch(text[left + 1 : right]):
        return False
    before = text[max(0, left - 40) : left].split()
    return "/" in text[left:right] or (bool(before) and before[-1].isupper() and len(before[-1]) > 2)


def _former(text: str, start: int) -> bool:
    """"de voormalige Russische president", "oud-premier", "ex-president", and the indefinite "een
    Amerikaanse president" (any holder): not the holder on the day."""
    if start > 0 and text[start - 1] == "-":
        return True
    words = text[max(0, start - 30) : start].lower().split()
    return bool(words) and words[-1].rstrip(",") in _FORMER


def _means_the_place(text: str, start: int) -> bool:
    """A capital or seat of government used as a place: after a locative preposition ("in (het) Kremlin"),
    after a word for a town ("de hoofdstad Moskou"), or as what a town's office or people belong to
    ("de burgemeester van Moskou", "inwoners van Seoul")."""
    words = _previous_words(text, start)
    if not words:
        return False
    if words[-1] in _LOCATIVE or words[-1] in _TOWN_WORDS:
        return True
    return len(words) >= 2 and words[-1] == "van" and words[-2] in _OF_A_TOWN


_NAME_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ](?:[\w'’-]*\w)?")


def _inside_longer_name(text: str, start: int, end: int, bounds: set[int]) -> bool:
    """"ADO Den Haag", "Washington Post", "Moskou Stadion": a name directly joined (one space) to another
    capitalised word that no other gazetteer match explains is part of a longer name, not the shorter one.
    Capitals-only matches (headlines, datelines) and the first word of a sentence are left alone."""
    if text[start:end].isupper():
        return False
    after = _NAME_WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    if after and (end + 1) not in bounds and after.group().rstrip(".") not in _NOT_NAMES:
        return True
    if start < 2 or text[start - 1] != " ":
        return False
    word_start = start - 1
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    before = text[word_start : start - 1]
    if not _NAME_WORD.fullmatch(before) or before in _NOT_NAMES or (start - 1) in bounds:
        return False
    if before.endswith(("se", "sche")):  # a capitalised adjective: "de Vlaamse Oekraïne-kenner"
        return False
    preceding = text[:word_start].rstrip(" \"'„“‘(")
    if not preceding or preceding[-1] in ".!?:\n|–-":  # the first word of a sentence: only an acronym ("ADO")
        return before.isupper() and len(before) >= 2
    return True


def _followed_by_other_name(text: str, end: int) -> bool:
    """'Kim Clijsters', 'Moon Ji-ho': a capitalised word right after a surname makes it someone else's name."""
    rest = text[end : end + 40]
    return bool(re.match(r" [A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]", rest))


def _candidates(text: str, sentences: list[Sentence], known: list[Mention], field: str) -> list[Mention]:
    """Capitalised spans the gazetteer does not know, not at a sentence start: names to review."""
    taken = sorted((m.start, m.end) for m in known)  # never overlapping: ends rise with starts
    starts = [s for s, _ in taken]
    found = []
    for sentence in sentences:
        words = sentence.text
        if _CAPITAL.search(words, 1) is None:
            continue  # a name of two words has two capitals; one word at offset 0 opens the sentence
        opens = words[:1] in _OPENING_MARKS  # else only offset 0 is the sentence's start
        for match in _CAPITALISED.finditer(words):
            tokens = match.group().split()
            offset = match.start()
            if len(tokens) == 1 and (offset == 0 or tokens[0] in _NOT_NAMES):
                continue  # one word that opens the sentence or is no name: the tests below drop it too
            while tokens and tokens[0] in _NOT_NAMES:  # "De", "Volgens", ... before a name
                offset = words.index(tokens[1], offset + len(tokens[0])) if len(tokens) > 1 else offset
                tokens = tokens[1:]
            if not tokens:
                continue
            start = sentence.start + offset
            end = sentence.start + match.end()  # only leading words were dropped
            before_end = bisect_left(starts, end)  # the known spans starting before this one ends
            if before_end and taken[before_end - 1][1] > start:
                continue  # the gazetteer's
            if len(tokens) == 1 and (offset == 0 or (opens and words[:offset].strip(_OPENING_MARKS) == "")):
                continue  # the first word of a sentence is capitalised anyway
            if all(t in _NOT_NAMES or (t.isupper() and len(t) <= 2) for t in tokens):
                continue
            found.append(Mention(None, text[start:end], start, end, field, sentence.index, "name", "candidate"))
    return found


_OPENING_MARKS = " \"'„“‘(-–"  # what may stand before a sentence's first word
