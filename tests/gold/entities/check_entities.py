"""Sanity checks for the entity gold set (docs_*.yaml).

Run: .venv/bin/python tests/gold/entities/check_entities.py [-v]

The gold annotates every name a reader sees, whether or not the gazetteer knows it, so the linker's
recall on it can be below 1. Conventions:
  - a mention is {surface, id, kind}; `id` is the entity meant: a gazetteer id, or null for a name
    the gazetteer does not have (then kind is `name`); a short `note` may say who or what it is;
  - every occurrence of a name is annotated, in text order, on word boundaries; a hyphen does not
    glue ("VN" in "VN-sancties" and "Koersk" in "Koersk-regio" are mentions);
  - adjectives of states and places are annotated ("Russische troepen"), as are demonyms;
  - a role phrase names the person holding it on the publication date ("de Russische president");
    directly followed by that person's name (apposition) only the name is annotated; a former
    holder ("de voormalige Amerikaanse president") is not annotated as a person;
  - a name inside a longer proper name is not annotated separately ("ADO Den Haag" is one club).

Checks, per text: keys, id, date, length (60-250 words); each mention's keys and kind; ids exist in
config/entities.yaml (or are null); surfaces occur in order on word boundaries and no span is
annotated twice; a role phrase the gazetteer knows is held by the annotated person on that date.
With -v it also lists annotated surfaces the gazetteer has no form for (the known gaps).
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


def as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


class Gaz:
    def __init__(self, data: dict[str, Any]) -> None:
        self.ids = {e["id"] for e in data["entities"]}
        self.forms: dict[str, set[str]] = defaultdict(set)
        for e in data["entities"]:
            for key in ("names", "surnames", "adjectives", "demonyms"):
                for form in e.get(key) or []:
                    self.forms[e["id"]].update({form, form + "s", form + "'s", form + "’s", form.upper()})
        self.phrases: dict[str, set[str]] = defaultdict(set)
        for role in data["roles"]:
            for p in role["phrases"]:
                self.phrases[p].add(role["id"])
        self.spells = [(e["id"], r) for e in data["entities"] for r in e.get("roles") or []]

    def holders(self, phrase: str, day: dt.date) -> set[str]:
        return {eid for eid, r in self.spells if r["role"] in self.phrases.get(phrase, set())
                and (r.get("from") is None or as_date(r["from"]) <= day)
                and (r.get("to") is None or day < as_date(r["to"]))}  # fmt: skip


def bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


def occurrences(text: str, surface: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(surface), text) if bounded(text, m.start(), m.end())]


def words(text: str) -> int:
    return len(re.findall(r"\w+(?:[-'’]\w+)*", text))


def check_item(it: dict[str, Any], gaz: Gaz, gaps: list[str]) -> list[str]:
    errors: list[str] = []
    tid, text, day = it.get("id", "?"), it.get("text", ""), it.get("published")
    if set(it) != KEYS:
        errors.append(f"{tid}: keys {sorted(set(it) ^ KEYS)} differ")
    if not isinstance(day, dt.date):
        return [*errors, f"{tid}: published {day!r} is not a date"]
    if not 60 <= words(text) <= 250:
        errors.append(f"{tid}: {words(text)} words")
    pos, spans = 0, set()
    for m in it.get("mentions") or []:
        surface, eid, kind = m.get("surface"), m.get("id"), m.get("kind")
        if not {"surface", "id", "kind"} <= set(m) <= {"surface", "id", "kind", "note"} or kind not in KINDS:
            errors.append(f"{tid}: bad mention {m}")
            continue
        if eid is not None and eid not in gaz.ids:
            errors.append(f"{tid}: id {eid!r} not in the gazetteer (use null for a name it does not have)")
        if eid is None and kind != "name":
            errors.append(f"{tid}: {surface!r}: a mention without id must be of kind name")
        if kind == "role" and surface in gaz.phrases and eid not in gaz.holders(surface, day):
            errors.append(f"{tid}: role {surface!r} is not held by {eid} on {day}")
        if eid is not None and kind != "role" and surface not in gaz.forms[eid]:
            gaps.append(f"{tid}: {surface!r} ({eid}) is not a gazetteer form of it")
        elif eid is None:
            gaps.append(f"{tid}: {surface!r} is not in the gazetteer")
        nxt = [o for o in occurrences(text, str(surface)) if o >= pos]
        if not nxt:
            errors.append(f"{tid}: {surface!r} not found (in order) after offset {pos}")
            continue
        span = (nxt[0], nxt[0] + len(str(surface)))
        if span in spans:
            errors.append(f"{tid}: {surface!r} at {span[0]} annotated twice")
        spans.add(span)
        pos = span[1]
    return errors


def main() -> int:
    verbose = "-v" in sys.argv
    gaz = Gaz(yaml.safe_load(GAZETTEER.read_text(encoding="utf-8")))
    errors: list[str] = []
    items: list[dict[str, Any]] = []
    for f in sorted(HERE.glob("docs_*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if not isinstance(data, list) or not data:
            errors.append(f"{f.name}: expected a list of texts")
            continue
        items.extend(data)
    ids = [it.get("id") for it in items]
    errors += [f"duplicate text id {i}" for i, n in Counter(ids).items() if n > 1]
    if set(ids) != {f"n{n:03d}" for n in range(1, len(ids) + 1)}:
        errors.append(f"text ids are not exactly n001 … n{len(ids):03d}")
    gaps: list[str] = []
    kinds: Counter[str] = Counter()
    for it in items:
        errors += check_item(it, gaz, gaps)
        kinds.update(m.get("kind") for m in it.get("mentions") or [])
    unknown = sum(1 for it in items for m in it.get("mentions") or [] if m.get("id") is None)
    print(f"texts: {len(items)}; mentions: {sum(kinds.values())} ({unknown} of names the gazetteer lacks)")
    for kind in sorted(KINDS):
        print(f"  {kind:10} {kinds[kind]}")
    print(f"annotated surfaces the gazetteer has no form for: {len(gaps)}")
    if verbose:
        for line in gaps:
            print("  " + line)
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
