"""One whole ingest run, in-process, against the demo site served on loopback, into a real DuckDB file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from newsmon.config import Config
from newsmon.demosite import DemoSite
from newsmon.pipeline import format_summary, run_ingest, run_status
from newsmon.store import Store
from newsmon.urls import article_id, canonical_url
from tests.demo_truth import articles, expected_status, manifest, with_base
from tests.loopback import LoopbackServer, Route


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, demo_site: DemoSite) -> dict[str, Any]:
    from newsmon.config import load_config
    from tests.conftest import demo_config_dir

    tmp = tmp_path_factory.mktemp("ingest")
    config = load_config(demo_config_dir(tmp, demo_site.base_url))
    with Store.open(config.settings.db_path) as store:
        first = run_ingest(config, store)
        counts_after_first = {t: store.count(t) for t in ("articles", "article_sources", "article_versions")}
        second = run_ingest(config, store)
        counts_after_second = {t: store.count(t) for t in ("articles", "article_sources", "article_versions")}
    return {"config": config, "first": first, "second": second, "base": demo_site.base_url,
            "counts1": counts_after_first, "counts2": counts_after_second}


def rows(config: Config, sql: str) -> list[tuple[Any, ...]]:
    with Store.open(config.settings.db_path) as store:
        return store.con.execute(sql).fetchall()


def test_every_demo_article_is_stored_once(ingested: dict[str, Any]) -> None:
    base = ingested["base"]
    expected = {article_id(with_base(a["url"], base)) for a in articles()}
    stored = {r[0] for r in rows(ingested["config"], "SELECT id FROM articles")}
    assert stored == expected
    assert ingested["first"]["new_articles"] == len(expected)


def test_second_run_adds_nothing_and_says_so(ingested: dict[str, Any]) -> None:
    second = ingested["second"]
    assert (second["new_articles"] == 0 and second["failed"] == 0) or second["failed"] == ingested["first"]["failed"]
    assert ingested["counts2"] == ingested["counts1"]
    polls = rows(ingested["config"], "SELECT outcome, count(*) FROM feed_polls WHERE run_id = "
                 f"'{second['run_id']}' GROUP BY outcome")
    outcomes = dict(polls)
    assert outcomes.get("ok", 0) == 0  # every healthy feed answered 304 or with an unchanged body
    assert outcomes.get("not_modified", 0) + outcomes.get("unchanged", 0) == len(manifest()["feeds"]) - 1


def test_statuses_follow_the_page_kinds(ingested: dict[str, Any]) -> None:
    base = ingested["base"]
    got = dict(rows(ingested["config"], "SELECT id, status FROM articles"))
    wrong = {a["url"]: (got.get(article_id(with_base(a["url"], base))), expected_status(a))
             for a in articles() if got.get(article_id(with_base(a["url"], base))) != expected_status(a)}
    assert wrong == {}


def test_publication_times_match_the_newsroom(ingested: dict[str, Any]) -> None:
    base = ingested["base"]
    got = {r[0]: r[1:] for r in rows(ingested["config"], "SELECT id, published_at, published_source FROM articles")}
    mismatches = []
    for a in articles():
        published, source = got[article_id(with_base(a["url"], base))]
        if published != datetime.fromisoformat(a["published"]):
            mismatches.append((a["url"], published, a["published"], source))
    assert mismatches == []


def test_article_in_two_feeds_is_one_article_with_two_sources(ingested: dict[str, Any]) -> None:
    base = ingested["base"]
    multi = [a for a in articles() if len(a["feeds"]) > 1]
    assert multi, "the demo site should carry some articles in two feeds"
    for a in multi:
        aid = article_id(with_base(a["url"], base))
        feeds = rows(ingested["config"], f"SELECT count(*) FROM article_sources WHERE article_id = '{aid}'")
        assert feeds == [(len(a["feeds"]),)], a["url"]


def test_tracking_parameter_variant_is_the_same_article(ingested: dict[str, Any]) -> None:
    tracked = rows(ingested["config"],
                   "SELECT article_id, entry_url FROM article_sources WHERE entry_url LIKE '%utm_source=%'")
    assert tracked, "the demo feeds carry a link with tracking parameters"
    for aid, entry_url in tracked:
        assert aid == article_id(canonical_url(entry_url))
        (n,) = rows(ingested["config"], f"SELECT count(*) FROM article_sources WHERE article_id = '{aid}'")[0]
        assert n >= 2


def test_broken_feed_and_robots_page_are_recorded_not_fatal(ingested: dict[str, Any]) -> None:
    config = ingested["config"]
    failures = {f.get("feed") or f.get("page"): f["error"] for f in ingested["first"]["failures"]}
    assert "nljournaal/oud" in failures and "HTML page" in failures["nljournaal/oud"]
    health = dict(rows(config, "SELECT feed_id, health FROM v_feed_health"))
    assert health["nljournaal/oud"] == "failing"
    assert sum(h == "failing" for h in health.values()) == 1
    disallowed = list(manifest()["robots_disallowed"])
    stored = rows(config, "SELECT url, error FROM fetch_failures")
    assert {with_base(u, ingested["base"]) for u in disallowed} <= {u for u, _ in stored}
    assert all("robots.txt" in e for _, e in stored)


def test_raw_pages_are_archived_and_sql_checks_pass(ingested: dict[str, Any]) -> None:
    from newsmon.archive import Archive

    config = ingested["config"]
    archive = Archive(config.settings.archive_dir)
    for aid, sha in rows(config, "SELECT id, raw_sha256 FROM articles"):
        assert sha in archive, aid
    with Store.open(config.settings.db_path) as store:
        checks = store.run_checks()
        assert checks == {name: [] for name in checks}
        daily = store.con.execute("SELECT sum(pages) FROM v_articles_daily").fetchone()
    assert daily == (len(articles()),)


def test_runs_are_recorded(ingested: dict[str, Any]) -> None:
    runs = rows(ingested["config"], "SELECT mode, status, new_articles FROM runs ORDER BY started_at")
    # the demo's one dead feed (of ten) makes both runs partial: completed, with a failure listed
    assert runs == [("inprocess", "partial", len(articles())), ("inprocess", "partial", 0)]
    assert ingested["first"]["status"] == ingested["second"]["status"] == "partial"


# --- run status: ok, partial, failed --------------------------------------------------------

ARTICLE = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Voorpagina</a></nav><article><h1>{title}</h1>{paras}</article>
<footer>Colofon</footer></body></html>"""
PARAGRAPH = ("De gemeenteraad vergaderde dinsdagavond {i} uur over de nieuwe busverbinding tussen het station "
             "en het ziekenhuis. Volgens de wethouder rijdt de eerste bus na de zomervakantie. ")


def article_page(title: str) -> bytes:
    paras = "".join(f"<p>{PARAGRAPH.format(i=i) * 3}</p>" for i in range(4))
    return ARTICLE.format(title=title, paras=paras).encode()


def rss_feed(server: LoopbackServer, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>Bericht {p}</title><link>{server.url(p)}</link>"
                    "<pubDate>Tue, 18 Jun 2024 09:00:00 +0200</pubDate></item>" for p in paths)  # fmt: skip
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>s</title>{items}</channel></rss>'.encode()


def loopback_config(tmp_path: Path, server: LoopbackServer, feeds: list[str]) -> Config:
    """A configuration whose outlet has the named feeds, each at /<name>.xml on `server`."""
    from newsmon.config import load_config

    cfg = tmp_path / "cfg"
    cfg.mkdir(exist_ok=True)
    (cfg / "settings.yaml").write_text(
        f"db_path: {tmp_path / 'db.duckdb'}\ndata_dir: {tmp_path / 'data'}\n"
        "http:\n  user_agent: 'newsmon-test (+mailto:t@example.org)'\n  allow_hosts: ['127.0.0.1']\n"
        "  per_host_min_delay_s: 0\n  retries: 0\n  read_timeout_s: 2\n"
        "ingest:\n  extract_workers: 1\n"
    )
    listed = "".join(f"  - {{outlet: s, name: {name}, url: '{server.url(f'/{name}.xml')}'}}\n" for name in feeds)
    (cfg / "feeds.yaml").write_text(f"outlets:\n  - {{id: s, name: Stadsblad}}\nfeeds:\n{listed}")
    return load_config(cfg)


def test_run_status_says_whether_anything_could_be_read(tmp_path: Path, server: LoopbackServer) -> None:
    server.routes["/binnen.xml"] = Route(200, rss_feed(server, ["/bus.html", "/weg.html"]))
    server.routes["/bus.html"] = Route(200, article_page("Nieuwe bus naar het ziekenhuis"))
    server.routes["/sport.xml"] = Route(200, rss_feed(server, ["/bus.html"]))
    server.routes["/kapot.xml"] = Route(503, b"onderhoud")
    # /weg.html is not routed: a 404
    runs: list[tuple[str, dict[str, Any]]] = []
    for feeds in (["binnen"], ["sport"], ["binnen", "kapot"], ["kapot"]):
        config = loopback_config(tmp_path, server, feeds)
        with Store.open(config.settings.db_path) as store:
            runs.append(("+".join(feeds), run_ingest(config, store)))
    by_feeds = dict(runs)
    # a page that could not be fetched: partial, though every feed answered
    assert by_feeds["binnen"]["feeds_failed"] == 0 and by_feeds["binnen"]["failed"] == 1
    assert by_feeds["binnen"]["status"] == "partial"
    # every feed and every page read: ok
    assert by_feeds["sport"]["feeds_failed"] == by_feeds["sport"]["failed"] == 0
    assert by_feeds["sport"]["status"] == "ok"
    # one dead feed of two: partial, and the dead feed is listed
    assert by_feeds["binnen+kapot"]["status"] == "partial"
    assert {f.get("feed") for f in by_feeds["binnen+kapot"]["failures"]} >= {"s/kapot"}
    # every feed failed: failed, with the reason listed all the same
    assert by_feeds["kapot"]["status"] == "failed"
    assert [(f["feed"], f["error"][:8]) for f in by_feeds["kapot"]["failures"]] == [("s/kapot", "HTTP 503")]
    with Store.open(tmp_path / "db.duckdb", read_only=True) as store:
        recorded = store.con.execute("SELECT id, status FROM runs ORDER BY started_at").fetchall()
    assert recorded == [(summary["run_id"], summary["status"]) for _, summary in runs]
    assert format_summary(by_feeds["kapot"], "db").splitlines()[0].endswith(": failed")


def test_a_run_with_no_feed_due_is_ok() -> None:
    assert run_status([], []) == "ok"
