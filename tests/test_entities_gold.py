"""Entity linking against tests/gold/entities: mention-level precision and recall of linked mentions.

A mention counts as right when the same (entity id, surface) pair occurs in the gold list of
that text (multiset comparison, so repeated mentions count each time).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from newsmon.entities import Gazetteer

GOLD = Path(__file__).parent / "gold" / "entities"
# Pinned floors: raise them when linking improves, never lower them silently.
MIN_PRECISION = 0.98
MIN_RECALL = 0.90


def gold() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for file in sorted(GOLD.glob("docs_*.yaml")):
        items.extend(yaml.safe_load(file.read_text(encoding="utf-8")))
    return items


def test_gold_set_is_big_enough_and_annotated() -> None:
    items = gold()
    assert len(items) >= 60
    assert sum(len(i["mentions"]) for i in items) >= 300


def test_linking_precision_and_recall() -> None:
    gaz = Gazetteer.load()
    tp = fp = fn = 0
    errors = []
    for item in gold():
        want = Counter((m["id"], m["surface"]) for m in item["mentions"])
        got = Counter((m.entity_id, m.surface) for m in gaz.find(item["text"], item["published"]) if m.entity_id)
        tp += sum((want & got).values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
        if want != got:
            errors.append((item["id"], dict(got - want), dict(want - got)))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nentities gold: precision {precision:.3f}, recall {recall:.3f} ({tp} right, {fp} wrong, {fn} missed)")
    for error in errors:
        print("  ", error)
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL
