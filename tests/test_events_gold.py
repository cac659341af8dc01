"""Temporal expressions against tests/gold/events (written by hand, conventions in its header)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from newsmon.events import find_expressions

GOLD = Path(__file__).parent / "gold" / "events" / "sentences.yaml"
# Pinned floors: raise when the rules improve, never lower silently.
MIN_RESOLVED_ACCURACY = 0.98  # expressions found with the right range and precision
MIN_UNRESOLVED_KEPT = 0.8  # event-relative/vague expressions found and left unresolved
MAX_SPURIOUS_PER_SENTENCE = 0.05


def items() -> list[dict[str, Any]]:
    return list(yaml.safe_load(GOLD.read_text(encoding="utf-8")))


def score() -> dict[str, Any]:
    right = total = kept = vague = spurious = 0
    misses = []
    for item in items():
        found = find_expressions(item["sentence"], item["published"])
        used: set[int] = set()
        seen: dict[str, int] = {}
        for gold in item["expressions"]:
            # the n-th listing of a text is its n-th whole-word occurrence
            g_start = -1
            for _ in range(seen.get(gold["text"], 0) + 1):
                g_start = next(i for i in range(g_start + 1, len(item["sentence"]))
                               if item["sentence"].startswith(gold["text"], i)
                               and not item["sentence"][i + len(gold["text"]) : i + len(gold["text"]) + 1].isalpha())
            seen[gold["text"]] = seen.get(gold["text"], 0) + 1
            g_end = g_start + len(gold["text"])
            overlapping = (i for i, e in enumerate(found) if i not in used and e.start < g_end and g_start < e.end)
            match = next(overlapping, None)
            if match is not None:
                used.add(match)
            got = found[match] if match is not None else None
            if gold["precision"] is None:
                vague += 1
                kept += got is not None and got.precision is None
                continue
            total += 1
            ok = got is not None and (got.date_start, got.date_end, got.precision) == (
                gold["start"], gold["end"], gold["precision"])
            right += ok
            if not ok:
                misses.append((item["id"], gold["text"], gold["start"], gold["end"], gold["precision"],
                               (got.text, got.date_start, got.date_end, got.precision) if got else None))
        spurious += len(found) - len(used)
    return {"accuracy": right / total, "resolved": total, "kept": kept / max(vague, 1), "vague": vague,
            "spurious": spurious / len(items()), "misses": misses}


def test_gold_set_is_well_formed() -> None:
    data = items()
    assert len(data) >= 80
    for item in data:
        assert isinstance(item["published"], date)
        for e in item["expressions"]:
            assert e["text"] in item["sentence"], item["id"]


def test_resolution_floor() -> None:
    result = score()
    print(f"events gold: {result['accuracy']:.3f} of {result['resolved']} resolved right; "
          f"{result['kept']:.2f} of {result['vague']} vague kept; {result['spurious']:.2f} spurious/sentence")
    for miss in result["misses"]:
        print("  miss", miss)
    assert result["accuracy"] >= MIN_RESOLVED_ACCURACY
    assert result["kept"] >= MIN_UNRESOLVED_KEPT
    assert result["spurious"] <= MAX_SPURIOUS_PER_SENTENCE
