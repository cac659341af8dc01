"""Temporal expressions on real Dutch and Flemish news (../shared/realnews, labelled by hand).

The texts belong to their publishers and are only read here; the test skips when the folder is
absent. An expression counts as resolved right when an expression found in the file's text (the
labelled text contained in the found one or the reverse, case-insensitive) resolves entirely within
the labelled day, month or year. The publication date is the file's DATE; when that gives only a
month or year, the URL's date is used, and files without one are skipped and counted.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from newsmon.events import find_expressions

REALNEWS = Path(__file__).resolve().parents[1].parent / "shared" / "realnews"
# Pinned floor over all batches: raise when the rules improve, never lower silently.
MIN_RESOLVED_RIGHT = 0.97

_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/|(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?!\d)")
_PARTS = re.compile(r"(ochtend|morgen|middag|avond|nacht)\b|^van(ochtend|morgen|middag|avond|nacht)", re.I)
_WEEKDAY = re.compile(r"(maan|dins|woens|donder|vrij|zater|zon)dag", re.I)
_MONTH = re.compile(r"\b(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
                    r"january|february|march|june|july|august|october)\b", re.I)
_RANGE = re.compile(r"\b(begin|midden|medio|eind|einde|half|tussen|voorjaar|lente|zomer|najaar|herfst|winter)\b"
                    r"|\d\s*(-|–|t/m|tot)\s*\d", re.I)


def kind_of(expression: str) -> str:
    """The construction a labelled expression belongs to (weekday, day part, month, relative, absolute, range)."""
    if _PARTS.search(expression):
        return "day part"
    if _WEEKDAY.search(expression):
        return "weekday"
    if _RANGE.search(expression):
        return "range"
    if re.search(r"\d", expression):
        return "absolute" if re.search(r"\b(19|20)\d\d\b", expression) or _MONTH.search(expression) else "relative"
    if _MONTH.search(expression):
        return "month"
    return "relative"


def publication_date(header_date: str, url: str) -> date | None:
    parts = header_date.split("-")
    if len(parts) == 3:
        return date.fromisoformat(header_date)
    for m in _URL_DATE.finditer(url):
        y, mo, d = (int(x) for x in (m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6)))
        try:
            found = date(y, mo, d)
        except ValueError:
            continue
        if "-".join(parts) == found.isoformat()[: len(header_date)]:
            return found
    return None


def _in_label(start: date, end: date, label: str) -> bool:
    return start.isoformat().startswith(label) and end.isoformat().startswith(label)


@dataclass
class Outcome:
    right: Counter[str]
    total: Counter[str]
    skipped_files: set[str]
    misses: list[tuple[str, str, str, list[tuple[str, str, str]]]]


def measure(batch: Path) -> Outcome:
    out = Outcome(Counter(), Counter(), set(), [])
    with (batch / "events.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts: dict[str, tuple[str, date | None]] = {}
    for row in rows:
        name = row["file"]
        if name not in texts:
            raw = (batch / name).read_text(encoding="utf-8")
            head, _, body = raw.partition("\n\n")
            fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
            texts[name] = (body, publication_date(fields["DATE"].strip(), fields.get("URL", "")))
        body, published = texts[name]
        if published is None:
            out.skipped_files.add(name)
            continue
        kind = kind_of(row["expression"])
        out.total[kind] += 1
        label_text = row["expression"].lower()
        candidates = [e for e in find_expressions(body, published)
                      if label_text in e.text.lower() or e.text.lower() in label_text]
        ok = any(e.date_start and e.date_end and _in_label(e.date_start, e.date_end, row["resolved"])
                 for e in candidates)
        out.right[kind] += ok
        if not ok:
            out.misses.append((name, row["expression"], row["resolved"],
                               [(e.text, str(e.date_start), str(e.date_end)) for e in candidates]))
    return out


def report(name: str, out: Outcome) -> str:
    total = sum(out.total.values())
    lines = [f"{name}: {sum(out.right.values())}/{total} = {sum(out.right.values()) / max(total, 1):.3f} "
             f"({len(out.skipped_files)} files skipped: no day in DATE or URL)"]
    lines += [f"  {k:9} {out.right[k]}/{out.total[k]}" for k in sorted(out.total)]
    lines += [f"  miss {m}" for m in out.misses]
    return "\n".join(lines)


def batches() -> list[Path]:
    return sorted(p for p in REALNEWS.glob("batch*") if (p / "events.csv").exists())


@pytest.mark.skipif(not REALNEWS.is_dir(), reason="../shared/realnews is not on this machine")
def test_real_news_expressions_resolved_right() -> None:
    right = total = 0
    for batch in batches():
        out = measure(batch)
        print(report(batch.name, out))
        right += sum(out.right.values())
        total += sum(out.total.values())
    assert total > 0
    assert right / total >= MIN_RESOLVED_RIGHT, f"{right}/{total} resolved right"


def test_construction_kinds_of_labelled_expressions() -> None:
    assert [kind_of(x) for x in ("zondagochtend", "vanochtend", "afgelopen woensdag", "In december vorig jaar",
                                 "eind 2023", "12 september 2018", "in 2019", "Vorige week", "24 jaar geleden",
                                 "3-4 juni")] == [
        "day part", "day part", "weekday", "month", "range", "absolute", "absolute", "relative", "relative", "range"]


def test_publication_date_from_the_url_when_the_header_has_only_a_month() -> None:
    assert publication_date("2019-04", "https://example.be/cnt/dmf20190423_01") == date(2019, 4, 23)
    assert publication_date("2019-04", "https://example.nl/nieuws/2019/04/25/top/") == date(2019, 4, 25)
    assert publication_date("2019-04", "https://example.nl/artikel/1033674-top") is None
    assert publication_date("2019-04", "https://example.be/cnt/dmf20180423_01") is None  # another month
