"""Real Dutch news pages (../shared/realpages, read in place, never copied): true publication time,
front pages recognised, body token F1 against the page's own text. Skipped when the folder is absent."""

from __future__ import annotations

import csv
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trafilatura

from newsmon.extract import extract_article
from tests.demo_truth import token_f1

REAL = Path(__file__).resolve().parents[2] / "shared" / "realpages"
pytestmark = pytest.mark.skipif(not (REAL / "manifest.csv").is_file(), reason=f"{REAL} is not here")
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)
MIN_BODY_F1 = 0.95  # pinned floor: raise it when extraction improves, never lower it silently


def manifest() -> list[dict[str, str]]:
    if not (REAL / "manifest.csv").is_file():
        return []
    with (REAL / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


ARTICLES = [r for r in manifest() if r["kind"] == "article"]
FRONT_PAGES = [r for r in manifest() if r["kind"] != "article"]


@pytest.mark.parametrize("row", ARTICLES, ids=lambda r: r["file"])
def test_articles_have_their_true_time_and_body(row: dict[str, str]) -> None:
    art = extract_article((REAL / row["file"]).read_bytes(), row["url"], None, FETCHED)
    assert art.status == "ok"
    truth = datetime.fromisoformat(row["published"])
    assert art.published_at is not None
    assert abs((art.published_at - truth).total_seconds()) <= 60, (art.published_at, art.published_source)
    gold = (REAL / row["gold_body"]).read_text(encoding="utf-8")
    assert token_f1(art.body, gold)[2] >= MIN_BODY_F1


@pytest.mark.parametrize("row", FRONT_PAGES, ids=lambda r: r["file"])
def test_front_pages_are_not_articles(row: dict[str, str]) -> None:
    art = extract_article((REAL / row["file"]).read_bytes(), row["url"], None, FETCHED)
    assert art.status == "not_article"


def test_extraction_is_no_slower_than_trafilatura_plus_a_fifth() -> None:
    """Median over rounds of (newsmon ms/page) / (trafilatura.extract ms/page), the two timed in turn
    within each round (CPU time of this process, so other processes on the machine do not count)."""
    pages = [((REAL / r["file"]).read_bytes(), r["url"]) for r in manifest()]
    extract_article(*pages[0], None, FETCHED)  # load the language model once, outside the timing
    ratios, ours, theirs = [], [], []
    for _ in range(7):
        started = time.process_time()
        for html, url in pages:
            extract_article(html, url, None, FETCHED)
        mid = time.process_time()
        for html, url in pages:
            trafilatura.extract(html, url=url)
        done = time.process_time()
        ours.append((mid - started) * 1000 / len(pages))
        theirs.append((done - mid) * 1000 / len(pages))
        ratios.append(ours[-1] / theirs[-1])
    print(f"extraction ms/page on {len(pages)} real pages: newsmon {statistics.median(ours):.1f}, "
          f"trafilatura.extract {statistics.median(theirs):.1f}, median ratio {statistics.median(ratios):.2f}")
    assert statistics.median(ratios) <= 1.2
