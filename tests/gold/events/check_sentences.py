"""Sanity checks for the temporal-expression gold set (sentences.yaml).

Run: .venv/bin/python tests/gold/events/check_sentences.py
"""
import calendar
import datetime as dt
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

PATH = Path(__file__).with_name("sentences.yaml")
PRECISIONS = {"day", "week", "month", "quarter", "year"}
WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


def as_date(v):
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def main() -> int:
    items = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    errors = []
    ids = [it["id"] for it in items]
    for i, n in Counter(ids).items():
        if n > 1:
            errors.append(f"duplicate id {i}")
    prec = Counter()
    n_expr = 0
    empty = 0
    for it in items:
        iid, sent = it["id"], it["sentence"]
        pub = as_date(it["published"])
        if not isinstance(pub, dt.date):
            errors.append(f"{iid}: bad published {it['published']!r}")
        if not re.fullmatch(r"e\d{3}", iid):
            errors.append(f"{iid}: id format")
        exprs = it["expressions"]
        if not exprs:
            empty += 1
        seen_spans = []
        for ex in exprs:
            n_expr += 1
            text = ex["text"]
            if text not in sent:
                errors.append(f"{iid}: {text!r} not a substring of the sentence")
            try:
                s, e = as_date(ex["start"]), as_date(ex["end"])
            except ValueError as exc:
                errors.append(f"{iid}: {text!r} date does not parse: {exc}")
                continue
            p = ex["precision"]
            prec[p] += 1
            if (s is None) != (e is None) or (s is None) != (p is None):
                errors.append(f"{iid}: {text!r} start/end/precision must be all null or all set")
                continue
            if p is not None and p not in PRECISIONS:
                errors.append(f"{iid}: {text!r} precision {p!r}")
            if s is not None and s > e:
                errors.append(f"{iid}: {text!r} start > end")
            names = [w for w in WEEKDAYS if w in text.lower()]
            if names and s is not None:
                if len(names) != 1 or s != e or s.weekday() != WEEKDAYS.index(names[0]):
                    errors.append(f"{iid}: {text!r} resolved to {s} ({s:%A}), not a {names[0]}")
                elif abs((s - pub).days) > 6:
                    errors.append(f"{iid}: {text!r} more than 6 days from publication")
            # shape checks per precision
            if p == "day" and s != e and not re.search(r"\d\s*(?:-|\u2013|t/m|tot)|tussen", text):
                errors.append(f"{iid}: {text!r} day precision but start != end, and no day range")
            # a week is Monday-Sunday, or its start up to a day in it ("eerder deze week")
            if p == "week" and s != e and (s.weekday() != 0 or (e - s).days > 6):
                errors.append(f"{iid}: {text!r} week range does not start on a Monday within one week")
            if p == "month" and s != e and (s.year, s.month) != (e.year, e.month):
                errors.append(f"{iid}: {text!r} month range crosses months")
            if p == "month" and s != e:
                last = calendar.monthrange(e.year, e.month)[1]
                if (s.day, e.day) not in {(1, last), (1, 10), (11, 20), (21, last)}:
                    errors.append(f"{iid}: {text!r} month range is not a whole month or begin/midden/eind")
            # two expressions of one sentence should not share a position
            pos = sent.find(text)
            while any(a <= pos < b for a, b in seen_spans) and pos != -1:
                pos = sent.find(text, pos + 1)
            if pos == -1:
                errors.append(f"{iid}: {text!r} occurs fewer times than listed")
            else:
                seen_spans.append((pos, pos + len(text)))
    # the weekday comment after `published:` must be right
    for m in re.finditer(r"published: (\S+)\s+# (\w+)", PATH.read_text(encoding="utf-8")):
        d = dt.date.fromisoformat(m.group(1))
        if f"{d:%A}" != m.group(2):
            errors.append(f"published {d}: comment says {m.group(2)}, is {d:%A}")
    for e in errors:
        print("ERROR", e)
    print(f"{len(items)} items, {n_expr} expressions, {empty} without expressions")
    for p in ["day", "week", "month", "quarter", "year", None]:
        print(f"  {p!s:8} {prec[p]}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
