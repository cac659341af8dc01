"""Sanity checks for the NK–RU topic-tagging gold set (batch_01.yaml … batch_12.yaml).

Run: .venv/bin/python tests/gold/topics/check_topics.py [-v]
"""
import datetime as dt
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).parent
LEVELS = {"primary", "secondary", "mention", "none"}
THEMES = {"diplomacy_summit", "military_cooperation", "sanctions", "labour",
          "trade_economy", "energy_transport", "nuclear", "other"}
SPLITS = {"tune", "holdout"}
KEYS = {"id", "split", "published", "title", "lead", "body", "level", "themes", "note"}
TARGET = {"primary": 40, "secondary": 25, "mention": 30, "none": 61}


def words(text: str) -> int:
    return len(re.findall(r"\w+(?:[-'’]\w+)*", text))


def main() -> int:
    verbose = "-v" in sys.argv
    errors = []
    items = []
    files = sorted(HERE.glob("batch_*.yaml"))
    if len(files) != 12:
        errors.append(f"expected 12 batch files, found {len(files)}")
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            errors.append(f"{f.name}: not a list")
            continue
        if len(data) != 13:
            errors.append(f"{f.name}: {len(data)} items, expected 13")
        for it in data:
            it["_file"] = f.name
            items.append(it)

    ids = [it.get("id") for it in items]
    for i, n in Counter(ids).items():
        if n > 1:
            errors.append(f"duplicate id {i}")
    expected = {f"t{n:03d}" for n in range(1, 157)}
    missing = expected - set(ids)
    extra = set(ids) - expected
    if missing:
        errors.append(f"missing ids: {sorted(missing)}")
    if extra:
        errors.append(f"unexpected ids: {sorted(extra)}")

    lengths = {}
    for it in items:
        iid = it.get("id", "?")
        keys = set(it) - {"_file"}
        if keys != KEYS:
            errors.append(f"{iid}: keys {sorted(keys ^ KEYS)} differ")
        m = re.fullmatch(r"t(\d{3})", str(iid))
        if not m:
            errors.append(f"{iid}: bad id")
            continue
        num = int(m.group(1))
        want_split = "holdout" if num % 3 == 0 else "tune"
        if it.get("split") not in SPLITS:
            errors.append(f"{iid}: bad split {it.get('split')!r}")
        elif it["split"] != want_split:
            errors.append(f"{iid}: split {it['split']} should be {want_split}")
        pub = it.get("published")
        if not isinstance(pub, dt.date) or not (dt.date(2017, 1, 1) <= pub <= dt.date(2025, 12, 31)):
            errors.append(f"{iid}: bad published {pub!r}")
        level = it.get("level")
        themes = it.get("themes")
        if level not in LEVELS:
            errors.append(f"{iid}: bad level {level!r}")
        if not isinstance(themes, list):
            errors.append(f"{iid}: themes not a list")
            themes = []
        bad = [t for t in themes if t not in THEMES]
        if bad:
            errors.append(f"{iid}: bad themes {bad}")
        if len(set(themes)) != len(themes):
            errors.append(f"{iid}: duplicate themes")
        if level == "none" and themes:
            errors.append(f"{iid}: level none but themes {themes}")
        if level in LEVELS - {"none"} and not themes:
            errors.append(f"{iid}: level {level} without themes")
        for k in ("title", "lead", "body", "note"):
            if not isinstance(it.get(k), str) or not it[k].strip():
                errors.append(f"{iid}: empty {k}")
        n_words = words(f"{it.get('title', '')} {it.get('lead', '')} {it.get('body', '')}")
        lengths[iid] = n_words

    level_c = Counter(it.get("level") for it in items)
    split_c = Counter(it.get("split") for it in items)
    split_level = Counter((it.get("split"), it.get("level")) for it in items)
    theme_c = Counter(t for it in items for t in it.get("themes") or [])
    theme_level = Counter((t, it.get("level")) for it in items for t in it.get("themes") or [])

    print(f"items: {len(items)}")
    print("per level:", {k: level_c.get(k, 0) for k in ("primary", "secondary", "mention", "none")},
          "target:", TARGET)
    print("per split:", dict(split_c))
    for s in ("tune", "holdout"):
        print(f"  {s}:", {k: split_level.get((s, k), 0) for k in ("primary", "secondary", "mention", "none")})
    print("per theme (non-none texts):")
    for t in sorted(THEMES):
        print(f"  {t:22s} {theme_c.get(t, 0):3d}  "
              + " ".join(f"{lv[0]}={theme_level.get((t, lv), 0)}" for lv in ("primary", "secondary", "mention")))
        if theme_c.get(t, 0) < 6:
            errors.append(f"theme {t} appears only {theme_c.get(t, 0)} times")
    ls = sorted(lengths.values())
    print(f"words (title+lead+body): min {ls[0]}, median {ls[len(ls) // 2]}, max {ls[-1]}; "
          f"<=120: {sum(v <= 120 for v in ls)}, 150-400: {sum(150 <= v <= 400 for v in ls)}, "
          f">=500: {sum(v >= 500 for v in ls)}")
    if verbose:
        for it in items:
            print(f"  {it['id']} {it['_file']} {it['split']:7s} {it['level']:9s} {lengths.get(it['id'])} "
                  f"{','.join(it['themes'])}")
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
