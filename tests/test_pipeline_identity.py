"""Article identity over a loopback site: GUIDs, the page's canonical URL and redirects make an
edited slug one article with two links, and migration 008 merges articles stored twice before it."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsmon.config import Config, load_config
from newsmon.pipeline import run_ingest
from newsmon.store import SQL_DIR, Store, connect
from newsmon.urls import article_id
from tests.loopback import LoopbackServer, Route

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
ZIN = ("Het ministerie van Defensie in Seoel meldde dat Noord-Korea opnieuw munitie naar Rusland heeft "
       "verscheept, volgens satellietbeelden van de haven van Rajin. ")  # fmt: skip


def page(title: str, canonical: str | None = None, extra: str = "") -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paras = "".join(f"<p>{ZIN * 3}{extra}</p>" for _ in range(4))
    return (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>{link}'
            f'<meta property="article:published_time" content="2025-03-10T08:30:00+00:00"></head>'
            f"<body><article><h1>{title}</h1>{paras}</article></body></html>").encode()  # fmt: skip


def rss(items: list[tuple[str, str | None]]) -> bytes:
    """RSS 2.0 with (link, guid) items; a guid of None leaves the element out."""
    body = "".join(
        f"<item><title>Bericht</title><link>{link}</link>"
        + (f'<guid isPermaLink="false">{guid}</guid>' if guid else "")
        + "<pubDate>Mon, 10 Mar 2025 08:30:00 +0000</pubDate></item>"
        for link, guid in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()


def make_config(tmp_path: Path, server: LoopbackServer) -> Config:
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "settings.yaml").write_text(
        f"db_path: {tmp_path / 'db.duckdb'}\ndata_dir: {tmp_path / 'data'}\n"
        "http:\n  user_agent: 'newsmon-test (+mailto:t@example.org)'\n  allow_hosts: ['127.0.0.1']\n"
        "  per_host_min_delay_s: 0\n  retries: 0\n  read_timeout_s: 2\n"
        "ingest:\n  extract_workers: 1\n"
    )
    (cfg / "feeds.yaml").write_text(
        "outlets:\n  - {id: t, name: Testkrant}\n"
        f"feeds:\n  - {{outlet: t, name: nieuws, url: '{server.url('/rss')}'}}\n"
    )
    return load_config(cfg)


@pytest.mark.fault("feed: slug edited after publication, same GUID")
def test_an_edited_slug_with_the_same_guid_is_a_new_source_of_the_same_article(
    tmp_path: Path, server: LoopbackServer
) -> None:
    old, new = server.url("/nieuws/123/raketten-rusland"), server.url("/nieuws/123/munitie-naar-rusland")
    server.routes["/rss"] = Route(200, rss([(old, "art-123")]))
    server.routes["/nieuws/123/raketten-rusland"] = Route(200, page("Raketten naar Rusland"))
    config = make_config(tmp_path, server)
    with Store.open(config.settings.db_path) as store:
        first = run_ingest(config, store, now=T0)
        assert first["new_articles"] == 1
        # the CMS edits the slug: the feed carries the new link under the same GUID, the old one redirects
        server.routes["/rss"] = Route(200, rss([(new, "art-123")]))
        server.routes["/nieuws/123/raketten-rusland"] = Route(301, b"", {"Location": new})
        server.routes["/nieuws/123/munitie-naar-rusland"] = Route(200, page("Munitie naar Rusland"))
        second = run_ingest(config, store, now=T0 + timedelta(minutes=15))
        assert second["new_articles"] == 0
        assert store.count("articles") == 1
        assert store.con.execute("SELECT id FROM articles").fetchone() == (article_id(old),)
        links = store.con.execute("SELECT entry_url FROM article_sources ORDER BY first_seen_at").fetchall()
        assert links == [(old,), (new,)]
        aliases = dict(store.con.execute("SELECT url, article_id FROM article_urls").fetchall())
        assert aliases[new] == article_id(old)


@pytest.mark.fault("feed: new link, page names the stored canonical URL")
def test_a_new_link_whose_page_names_a_stored_canonical_url_is_the_stored_article(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """No GUIDs in the feed: the page's rel=canonical (without the slug) ties the two links together,
    and the text the new link brings is a new version of the one article."""
    canonical = server.url("/artikel/77")
    old, new = server.url("/artikel/77/kim-in-moskou"), server.url("/artikel/77/kim-bezoekt-poetin")
    server.routes["/rss"] = Route(200, rss([(old, None)]))
    server.routes["/artikel/77/kim-in-moskou"] = Route(200, page("Kim in Moskou", canonical))
    config = make_config(tmp_path, server)
    with Store.open(config.settings.db_path) as store:
        run_ingest(config, store, now=T0)
        server.routes["/rss"] = Route(200, rss([(new, None)]))
        server.routes["/artikel/77/kim-bezoekt-poetin"] = Route(
            200, page("Kim bezoekt Poetin", canonical, extra="Het bezoek duurde twee dagen.")
        )
        second = run_ingest(config, store, now=T0 + timedelta(minutes=15))
        assert second["new_articles"] == 0 and second["updated_articles"] == 1
        (aid, body, version), = store.con.execute("SELECT id, body, version FROM articles").fetchall()
        assert aid == article_id(old) and "Het bezoek duurde twee dagen." in body and version == 2
        assert store.count("article_versions") == 2
        assert store.count("article_sources") == 2
        assert all(not rows for rows in store.run_checks().values())


@pytest.mark.fault("feed: one GUID on different items")
def test_a_feed_whose_guids_repeat_is_matched_by_links_only(tmp_path: Path, server: LoopbackServer) -> None:
    """Two different articles under one GUID (a feed that gives every item its own address as GUID):
    the GUID is no evidence, each link is its own article."""
    a, b = server.url("/a"), server.url("/b")
    server.routes["/rss"] = Route(200, rss([(a, "https://testkrant.example/rss"), (b, "https://testkrant.example/rss")]))
    server.routes["/a"] = Route(200, page("Eerste bericht"))
    server.routes["/b"] = Route(200, page("Tweede bericht", extra="Een ander verhaal."))
    config = make_config(tmp_path, server)
    with Store.open(config.settings.db_path) as store:
        assert run_ingest(config, store, now=T0)["new_articles"] == 2
        assert store.count("articles") == 2


def _old_schema(tmp_path: Path) -> Path:
    """The sql/ folder as it was before migration 008 (schema only; views come with the full folder)."""
    old = tmp_path / "sql_before_008"
    (old / "views").mkdir(parents=True)
    shutil.copytree(SQL_DIR / "schema", old / "schema", ignore=lambda _d, names: [n for n in names if n >= "008"])
    return old


def test_migration_008_keeps_every_id_and_merges_articles_stored_twice(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    t1, t2, t3 = T0, T0 + timedelta(hours=2), T0 + timedelta(hours=5)
    rows = [  # id, link, page canonical, fetched, body
        ("a-eerst", "https://k.example/77/oud", "https://k.example/77", t1, "eerste tekst"),
        ("a-later", "https://k.example/77/nieuw", "https://k.example/77", t2, "tweede tekst"),
        ("b-eerst", "https://k.example/88/oud", "https://k.example/88/oud", t1, "derde tekst"),
        ("b-later", "https://k.example/88/nieuw", "https://k.example/88/nieuw", t3, "derde tekst"),
        ("c-alleen", "https://k.example/99", "https://k.example/99", t1, "vierde tekst"),
    ]
    guids = {"a-eerst": "g77", "a-later": "g77", "b-eerst": "g88", "b-later": "g88", "c-alleen": "g99"}
    store = Store(connect(db), db)  # as Store.open sets it up, without migrating
    store.migrate(_old_schema(tmp_path))
    store.sync_config([{"id": "k", "name": "Krant", "country": "NL", "homepage": None}],
                      [{"id": "k/nieuws", "outlet_id": "k", "name": "nieuws", "url": "https://k.example/rss",
                        "section": None, "language": "nl", "enabled": True}])  # fmt: skip
    for aid, link, canonical, fetched, body in rows:
        store.con.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, 'k', ?, NULL, NULL, NULL, ?, 'feed', ?, 'nl', ?, 2, ?, NULL, "
            "200, 'ok', NULL, 'x', 1, ?, ?)",
            [aid, link, link, canonical, body, t1, fetched, body, f"sha-{body}", f"run-{aid}", f"run-{aid}"],
        )
        store.con.execute("INSERT INTO article_versions VALUES (?, 1, ?, NULL, ?, ?, ?)",
                          [aid, f"sha-{body}", fetched, body, body])  # fmt: skip
        store.con.execute("INSERT INTO article_sources VALUES (?, 'k/nieuws', ?, ?, NULL, ?, ?, ?)",
                          [aid, link, guids[aid], t1, fetched, fetched])  # fmt: skip
        store.con.execute("INSERT INTO article_topics VALUES (?, 'nk_ru', 'primary', 1.0, [], '{}', 'v1')", [aid])
    store.migrate(SQL_DIR)
    con = store.con
    # a-later shares a's page canonical URL, b-later shares b's GUID and publication time: merged into
    # the one fetched first, whose id stays; c is alone and untouched
    assert [r[0] for r in con.execute("SELECT id FROM articles ORDER BY id").fetchall()] == [
        "a-eerst", "b-eerst", "c-alleen"]  # fmt: skip
    # a: both texts kept as versions, the later one current; b: one text, one version
    assert con.execute("SELECT id, version, body FROM articles ORDER BY id").fetchall() == [
        ("a-eerst", 2, "tweede tekst"), ("b-eerst", 1, "derde tekst"), ("c-alleen", 1, "vierde tekst")]  # fmt: skip
    assert con.execute("SELECT article_id, version, body FROM article_versions ORDER BY 1, 2").fetchall() == [
        ("a-eerst", 1, "eerste tekst"), ("a-eerst", 2, "tweede tekst"), ("b-eerst", 1, "derde tekst"),
        ("c-alleen", 1, "vierde tekst")]  # fmt: skip
    # every link is a source row and an alias of the article it is now
    assert con.execute("SELECT article_id, entry_url FROM article_sources ORDER BY 2").fetchall() == [
        ("a-eerst", "https://k.example/77/nieuw"), ("a-eerst", "https://k.example/77/oud"),
        ("b-eerst", "https://k.example/88/nieuw"), ("b-eerst", "https://k.example/88/oud"),
        ("c-alleen", "https://k.example/99")]  # fmt: skip
    aliases = dict(con.execute("SELECT url, article_id FROM article_urls").fetchall())
    k = "https://k.example"
    assert aliases == {
        f"{k}/77/oud": "a-eerst", f"{k}/77/nieuw": "a-eerst", f"{k}/77": "a-eerst",
        f"{k}/88/oud": "b-eerst", f"{k}/88/nieuw": "b-eerst", f"{k}/99": "c-alleen",
    }  # fmt: skip
    assert con.execute("SELECT feed_id, guid, article_id FROM article_guids ORDER BY 2").fetchall() == [
        ("k/nieuws", "g77", "a-eerst"), ("k/nieuws", "g88", "b-eerst"), ("k/nieuws", "g99", "c-alleen")]  # fmt: skip
    # derived rows follow the current body: one topic row per article, none left on a merged id
    assert sorted(r[0] for r in con.execute("SELECT article_id FROM article_topics").fetchall()) == [
        "a-eerst", "b-eerst", "c-alleen"]  # fmt: skip
    assert all(not found for found in store.run_checks().values())
    assert store.migrate() == []
    store.close()
