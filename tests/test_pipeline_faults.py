"""Bad pages and bad feeds inside one run: recorded, retried later, never fatal, nothing lost or doubled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsmon.config import Config, load_config
from newsmon.pipeline import Steps, run_ingest
from newsmon.store import LoadBatch, Store
from newsmon.urls import article_id
from tests.loopback import LoopbackServer, Route

PAGE = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}",
"datePublished": "2024-06-19T10:00:00+02:00"}}</script></head>
<body><nav><a href="/">Home</a> <a href="/buitenland">Buitenland</a></nav>
<article><h1>{title}</h1>{paras}</article><footer>Colofon - Privacy</footer></body></html>"""

SENTENCE = ("De Russische president Poetin en de Noord-Koreaanse leider Kim Jong-un spraken {i} uur lang over "
            "samenwerking op het gebied van defensie, energie en transport. ")


def page(title: str) -> bytes:
    paras = "".join(f"<p>{SENTENCE.format(i=i) * 3}</p>" for i in range(5))
    return PAGE.format(title=title, paras=paras).encode()


def rss(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Stuk {p}</title><link>{base}{p}</link><pubDate>Wed, 19 Jun 2024 10:00:00 +0200</pubDate></item>"
        for p in paths
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def make_config(tmp_path: Path, server: LoopbackServer, batch_size: int = 2) -> Config:
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "settings.yaml").write_text(
        f"db_path: {tmp_path / 'db.duckdb'}\ndata_dir: {tmp_path / 'data'}\n"
        "http:\n  user_agent: 'newsmon-test (+mailto:t@example.org)'\n  allow_hosts: ['127.0.0.1']\n"
        "  per_host_min_delay_s: 0\n  retries: 0\n  read_timeout_s: 2\n  max_bytes: 200000\n"
        f"ingest:\n  batch_size: {batch_size}\n  extract_workers: 1\n"
    )
    (cfg / "feeds.yaml").write_text(
        "outlets:\n  - {id: t, name: Testkrant}\n"
        f"feeds:\n  - {{outlet: t, name: goed, url: '{server.url('/goed.xml')}'}}\n"
        f"  - {{outlet: t, name: stuk, url: '{server.url('/stuk.xml')}'}}\n"
    )
    return load_config(cfg)


def test_bad_pages_are_recorded_and_retried_next_run(tmp_path: Path, server: LoopbackServer) -> None:
    paths = ["/a.html", "/kapot.html", "/groot.html", "/b.html"]
    server.routes["/goed.xml"] = Route(200, rss(server.base, paths))
    server.routes["/stuk.xml"] = Route(503, b"onderhoud", {"Retry-After": "3600"})
    server.routes["/a.html"] = Route(200, page("Stuk A"))
    server.routes["/b.html"] = Route(200, page("Stuk B"))
    server.routes["/kapot.html"] = Route(500, b"fout")
    server.routes["/groot.html"] = Route(200, b"x" * 300_000)
    config = make_config(tmp_path, server)
    with Store.open(config.settings.db_path) as store:
        first = run_ingest(config, store)
        assert first["new_articles"] == 2 and first["failed"] == 2 and first["feeds_failed"] == 1
        errors = dict(store.con.execute("SELECT url, error FROM fetch_failures").fetchall())
        assert errors == {server.url("/kapot.html"): "HTTP 500 Internal Server Error",
                          server.url("/groot.html"): "body of 300000 bytes exceeds the 200000-byte cap"}
        failures, next_poll, last_error = store.con.execute(
            "SELECT consecutive_failures, next_poll_at, last_error FROM feeds WHERE id = 't/stuk'").fetchone()
        assert failures == 1 and last_error.startswith("HTTP 503")
        assert next_poll >= datetime.now(UTC) + timedelta(seconds=3500)  # Retry-After honoured

        server.routes["/kapot.html"] = Route(200, page("Stuk hersteld"))
        # the feed is unchanged; the failed page is retried anyway, once its hour of backoff has passed
        second = run_ingest(config, store, now=datetime.now(UTC) + timedelta(hours=1, minutes=1))
        assert second["new_articles"] == 1 and second["feeds_unchanged"] == 1 and second["skipped"] == 0
        titles = {r[0] for r in store.con.execute("SELECT title FROM articles").fetchall()}
        assert titles == {"Stuk A", "Stuk B", "Stuk hersteld"}
        assert store.con.execute("SELECT url, attempts FROM fetch_failures").fetchall() == [
            (server.url("/groot.html"), 2)]
        wait = store.con.execute("SELECT next_attempt_at - last_failed_at FROM fetch_failures").fetchone()
        assert wait == (timedelta(hours=4),)  # the second failure waits 4 h
        assert store.con.execute("SELECT consecutive_failures FROM feeds WHERE id = 't/stuk'").fetchone() == (2,)


def test_a_crash_mid_run_keeps_whole_batches_and_the_rerun_completes(tmp_path: Path, server: LoopbackServer) -> None:
    paths = [f"/p{i}.html" for i in range(5)]
    server.routes["/goed.xml"] = Route(200, rss(server.base, paths))
    server.routes["/stuk.xml"] = Route(200, rss(server.base, []))
    for i, p in enumerate(paths):
        server.routes[p] = Route(200, page(f"Stuk {i}"))
    config = make_config(tmp_path, server, batch_size=2)
    loads = {"n": 0}

    def crash_on_second_batch(store: Store, batch: LoadBatch) -> None:
        loads["n"] += 1
        if loads["n"] == 2:
            raise RuntimeError("power cut")
        store.load_batch(batch)

    with Store.open(config.settings.db_path) as store:
        with pytest.raises(RuntimeError, match="power cut"):
            run_ingest(config, store, steps=Steps(load=crash_on_second_batch))
        assert store.count("articles") == 2  # the first batch, whole; nothing of the second
        assert store.con.execute("SELECT status FROM runs").fetchall() == [("failed",)]
        assert store.con.execute("SELECT count(*) FROM feeds WHERE body_sha256 IS NOT NULL").fetchone() == (0,)

        rerun = run_ingest(config, store)
        assert rerun["new_articles"] == 3 and rerun["skipped"] == 2
        ids = {r[0] for r in store.con.execute("SELECT id FROM articles").fetchall()}
        assert ids == {article_id(server.url(p)) for p in paths}
        assert store.count("article_sources") == 5 and store.count("article_versions") == 5
