"""Sanity checks for the entity-linking gold set (docs_01.yaml … docs_04.yaml).

Run: .venv/bin/python tests/gold/entities/check_entities.py [-v]

Checks, per text: keys, id, date, length (60–250 words); every mention has surface, id, kind;
every id exists in config/entities.yaml; mentions appear in text order; every annotated surface
occurs on word boundaries exactly as often as it is annotated (a hyphen glues words: "VN-sancties"
holds no "VN"; occurrences inside a longer gazetteer match, such as "Russische" in an appositive
"Russische president Poetin", do not count); the surface is a form of that entity (or a role phrase
whose holder on the publication date is that entity). A role phrase directly followed by an
annotated name of its holder (apposition, rule 4) is expected to stay unannotated; every other
gazetteer match left unannotated must be listed in UNLINKED below with its reason, so nothing is
left out by accident.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
GAZETTEER = HERE.parents[2] / "config" / "entities.yaml"
KINDS = {"name", "surname", "role", "adjective", "demonym", "metonym"}
KEYS = {"id", "published", "text", "mentions"}

# Gazetteer matches that are deliberately NOT annotated: (text id, surface) -> (count, reason).
UNLINKED: dict[tuple[str, str], tuple[int, str]] = {
    ("n002", "Kim"): (1, "headline surname before any full mention"),
    ("n005", "Kim"): (1, "headline surname before any full mention"),
    ("n009", "Veiligheidsraad"): (1, "Russian Security Council, no full mention of an entity with that short form"),
    ("n013", "Noord-Koreaanse leider"): (1, "role in apposition with the name Kim Jong-il: only the name counts"),
    ("n019", "Ri"): (2, "fictional colonel Ri Chol-nam: first name part and bare surname, no Ri entity named"),
    ("n029", "Kim"): (4, "Kim Clijsters"),
    ("n030", "Kim"): (3, "Kim Putters"),
    ("n034", "Kim"): (4, "Kim van Leeuwen, Kim Eun-ji (unknown players)"),
    ("n035", "Kim"): (5, "Kim Min-jae (not in the gazetteer)"),
    ("n050", "Moon"): (1, "headline surname before any full mention"),
    ("n050", "Kim"): (1, "headline surname before any full mention"),
    ("n049", "Kim"): (1, "headline surname before any full mention"),
    ("n062", "Kim"): (1, "surname without a full mention in the text"),
    ("n063", "defensieverdrag"): (1, "treaty short form before its full name"),
    ("n064", "defensieverdrag"): (1, "treaty short form without its full name in the text"),
}


def load_gazetteer() -> dict[str, Any]:
    data = yaml.safe_load(GAZETTEER.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def genitives(form: str) -> list[str]:
    if form[-1].isalpha() and form[-1].lower() not in "sxz":
        return [form, form + "s", form + "'s", form + "’s"]
    return [form]


def as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


class Gaz:
    def __init__(self, data: dict[str, Any]) -> None:
        self.ids = {e["id"] for e in data["entities"]}
        self.forms: dict[str, set[str]] = defaultdict(set)  # entity id -> surfaces it may have
        strings: set[str] = set()
        for e in data["entities"]:
            for key in ("names", "surnames"):
                for form in e.get(key) or []:
                    self.forms[e["id"]].update(genitives(form))
            for key in ("adjectives", "demonyms"):
                self.forms[e["id"]].update(e.get(key) or [])
            strings |= self.forms[e["id"]]
        self.phrases: dict[str, set[str]] = {}  # phrase -> role ids
        for role in data["roles"]:
            for p in role["phrases"]:
                self.phrases.setdefault(p, set()).add(role["id"])
                strings.add(p)
        self.spells = [(e["id"], r) for e in data["entities"] for r in e.get("roles") or []]
        self.strings = sorted(strings, key=len, reverse=True)

    def holder(self, role: str, day: dt.date) -> str | None:
        found = {eid for eid, r in self.spells if r["role"] == role and as_date(r["from"]) <= day
                 and (r.get("to") is None or day < as_date(r["to"]))}  # fmt: skip
        return found.pop() if len(found) == 1 else None

    def tokens(self, text: str) -> list[tuple[int, int]]:
        """Leftmost-longest gazetteer matches on word boundaries."""
        out, i = [], 0
        while i < len(text):
            if i == 0 or not glued(text[i - 1]):
                hit = next((s for s in self.strings if text.startswith(s, i) and bounded(text, i, i + len(s))), None)
                if hit:
                    out.append((i, i + len(hit)))
                    i += len(hit)
                    continue
            i += 1
        return out


def glued(ch: str) -> bool:
    return ch.isalnum() or ch in "-_"


def bounded(text: str, start: int, end: int) -> bool:
    return (start == 0 or not glued(text[start - 1])) and (end == len(text) or not glued(text[end]))


def occurrences(text: str, surface: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(surface), text) if bounded(text, m.start(), m.end())]


def words(text: str) -> int:
    return len(re.findall(r"\w+(?:[-'’]\w+)*", text))


def main() -> int:
    verbose = "-v" in sys.argv
    gaz = Gaz(load_gazetteer())
    errors: list[str] = []
    items: list[dict[str, Any]] = []
    files = sorted(HERE.glob("docs_*.yaml"))
    if len(files) != 4:
        errors.append(f"expected 4 docs files, found {len(files)}")
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if not isinstance(data, list) or len(data) != 16:
            errors.append(f"{f.name}: expected a list of 16 texts")
            continue
        items.extend(data)

    ids = [it.get("id") for it in items]
    errors += [f"duplicate text id {i}" for i, n in Counter(ids).items() if n > 1]
    if set(ids) != {f"n{n:03d}" for n in range(1, 65)}:
        errors.append("text ids are not exactly n001 … n064")

    kinds: Counter[str] = Counter()
    unlinked_seen: list[str] = []
    for it in items:
        tid, text, day = it.get("id", "?"), it.get("text", ""), it.get("published")
        if set(it) != KEYS:
            errors.append(f"{tid}: keys {sorted(set(it) ^ KEYS)} differ")
        if not isinstance(day, dt.date):
            errors.append(f"{tid}: published {day!r} is not a date")
            continue
        if not 60 <= words(text) <= 250:
            errors.append(f"{tid}: {words(text)} words")
        mentions = it.get("mentions") or []
        tokens = gaz.tokens(text)
        token_at = dict(tokens)
        pos = 0
        spans: list[tuple[int, int, str]] = []
        for m in mentions:
            surface, eid, kind = m.get("surface"), m.get("id"), m.get("kind")
            if set(m) != {"surface", "id", "kind"} or kind not in KINDS:
                errors.append(f"{tid}: bad mention {m}")
                continue
            kinds[kind] += 1
            if eid not in gaz.ids:
                errors.append(f"{tid}: id {eid!r} not in the gazetteer")
            if kind == "role":
                holders = {gaz.holder(r, day) for r in gaz.phrases.get(surface, set())}
                if eid not in holders:
                    errors.append(f"{tid}: role {surface!r} is not held by {eid} on {day}")
            elif surface not in gaz.forms.get(eid, set()):
                errors.append(f"{tid}: {surface!r} is not a form of {eid}")
            nxt = [o for o in occurrences(text, surface) if o >= pos]
            if not nxt:
                errors.append(f"{tid}: {surface!r} not found (in order) after offset {pos}")
                continue
            spans.append((nxt[0], nxt[0] + len(surface), eid))
            pos = nxt[0] + len(surface)
            if token_at.get(nxt[0]) != pos:
                errors.append(f"{tid}: {surface!r} at {nxt[0]} is not a whole gazetteer match")

        annotated = Counter(m.get("surface") for m in mentions)
        # rule 4: a role phrase directly followed by an annotated name of its holder is not annotated
        appositive = {
            (s, e)
            for s, e in tokens
            if text[s:e] in gaz.phrases
            and any(
                text[e:ns].strip(" ,") == "" and ns > e and nid in {gaz.holder(r, day) for r in gaz.phrases[text[s:e]]}
                for ns, _, nid in spans
            )
        }
        in_tokens: Counter[str] = Counter(text[s:e] for s, e in tokens if (s, e) not in appositive)
        # the plain count on word boundaries: each occurrence is annotated, inside a longer gazetteer
        # match (e.g. "Kim" in "Kim Jong-un"), or itself a match checked against UNLINKED below
        aligned = {(s, e) for s, e, _ in spans}
        for surface, n in annotated.items():
            plain = occurrences(text, surface)
            for o in plain:
                span = (o, o + len(surface))
                inside = any(s <= o and span[1] <= e and e - s > len(surface) for s, e in tokens)
                if span not in aligned and not inside and token_at.get(o) != span[1]:
                    errors.append(f"{tid}: {surface!r} at {o} is neither annotated nor inside a longer match")
            if verbose and len(plain) != n:
                print(f"  {tid}: {surface!r} occurs {len(plain)}x on word boundaries, annotated {n}x, "
                      f"{len(plain) - n}x inside a longer match or deliberately unlinked")  # fmt: skip
        for surface in set(annotated) | set(in_tokens):
            missing = in_tokens[surface] - annotated[surface]
            allowed, why = UNLINKED.get((tid, surface), (0, ""))
            if missing != allowed:
                errors.append(f"{tid}: {surface!r} matched {in_tokens[surface]}x, annotated {annotated[surface]}x, "
                              f"expected {allowed} deliberately unlinked")  # fmt: skip
            elif allowed:
                unlinked_seen.append(f"{tid} {surface!r} x{allowed}: {why}")
        if len(set(spans)) != len(spans):
            errors.append(f"{tid}: a span is annotated twice")

    print(f"texts: {len(items)}; mentions: {sum(kinds.values())}")
    for kind in sorted(KINDS):
        print(f"  {kind:10} {kinds[kind]}")
    print(f"texts without mentions: {sorted(it['id'] for it in items if not it.get('mentions'))}")
    print(f"deliberately unlinked gazetteer matches: {len(unlinked_seen)}")
    if verbose:
        for line in unlinked_seen:
            print("  " + line)
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
