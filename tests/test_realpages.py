"""Real Dutch news pages (../shared/realpages, read in place, never copied): true publication time,
front pages recognised, body token F1 against the page's own text. Skipped when the folder is absent."""

from __future__ import annotations

import csv
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import trafilatura

from newsmon.config import load_config
from newsmon.extract import extract_article
from newsmon.pipeline import run_ingest
from newsmon.store import Store
from tests.demo_truth import token_f1
from tests.loopback import LoopbackServer, Route

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


def test_real_pages_ingested_from_loopback(tmp_path: Path, server: LoopbackServer) -> None:
    """The real pages served on 127.0.0.1 (each outlet under its own folder) behind a feed without dates,
    ingested into a real DuckDB file: statuses, times and sources as a reader would give them."""
    rows = manifest()
    paths = {r["file"]: "/" + r["file"].split("_")[0] + urlsplit(r["url"]).path for r in rows}
    for r in rows:
        server.routes[paths[r["file"]]] = Route(200, (REAL / r["file"]).read_bytes(),
                                                {"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
    items = "".join(f"<item><title>{r['file']}</title><link>{server.url(paths[r['file']])}</link></item>"
                    for r in rows)  # fmt: skip
    server.routes["/feed.xml"] = Route(
        200, f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    )
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "settings.yaml").write_text(
        f"db_path: {tmp_path / 'db.duckdb'}\ndata_dir: {tmp_path / 'data'}\n"
        "http:\n  user_agent: 'newsmon-test (+mailto:t@example.org)'\n  allow_hosts: ['127.0.0.1']\n"
        "  per_host_min_delay_s: 0\n  retries: 0\ningest:\n  extract_workers: 1\n"
    )
    (cfg / "feeds.yaml").write_text("outlets:\n  - {id: t, name: T}\n"
                                    f"feeds:\n  - {{outlet: t, name: alles, url: '{server.url('/feed.xml')}'}}\n")
    config = load_config(cfg)
    with Store.open(config.settings.db_path) as store:
        run_ingest(config, store)
        stored = {r[0]: r[1:] for r in store.con.execute("SELECT url, status, published_at FROM articles").fetchall()}
        assert all(not bad for bad in store.run_checks().values())
    for r in rows:
        status, published = stored[server.url(paths[r["file"]])]
        if r["kind"] == "article":
            assert status == "ok"
            assert abs((published - datetime.fromisoformat(r["published"])).total_seconds()) <= 60
        else:
            assert status == "not_article"
