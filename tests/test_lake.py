"""The DuckLake path on real files: two loader processes committing at once, reruns, clear errors."""

from __future__ import annotations

import itertools
import multiprocessing
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from newsmon.config import load_config
from newsmon.demosite import DemoSite
from newsmon.lake import Lake, LakeError, sources_merge, store_columns
from newsmon.pipeline import run_ingest
from newsmon.store import ArticleRow, EventRow, LoadBatch, MentionRow, SourceRow, Store, TopicRow, content_hash
from tests.conftest import demo_config_dir

T0 = datetime(2024, 6, 19, 10, 0, tzinfo=UTC)
SENTENCES = (
    "Het kabinet presenteert vandaag de plannen voor de begroting.",
    "In Rotterdam is de haven opnieuw uitgebreid.",
    "De Tweede Kamer debatteert over de stikstofregels.",
    "Boeren protesteren bij het provinciehuis in Zwolle.",
    "Het KNMI waarschuwt voor zware windstoten langs de kust.",
    "De minister van Buitenlandse Zaken reist naar Brussel.",
    "Ajax wint met ruime cijfers van Feyenoord.",
    "De inflatie is in mei licht gedaald.",
)
BATCHES = 10  # per loader
BATCH_SIZE = 25  # articles per batch
SHARED = 5  # of those, loaded by both loaders in the batch with the same number
FEEDS = ("nos/algemeen", "nu/binnenland")


def article_id(n: int) -> str:
    return f"{n:016x}"


def article(n: int, body: str | None = None, run_id: str = "r1") -> ArticleRow:
    text = body or " ".join(SENTENCES[(n + i) % len(SENTENCES)] for i in range(3))
    title = f"Bericht {n}"
    aid = article_id(n)
    return ArticleRow(
        id=aid, url=f"https://nieuws.example/{aid}", canonical_url=f"https://nieuws.example/{aid}",
        page_canonical_url=None, outlet_id="nieuws", title=title, lead=SENTENCES[n % len(SENTENCES)], author=None,
        section="binnenland", published_at=T0 + timedelta(minutes=n), published_source="feed", fetched_at=T0,
        language="nl", body=text, word_count=len(text.split()), content_sha256=content_hash(title, text),
        raw_sha256=None, http_status=200, status="ok", notes=None, extractor_version="test", run_id=run_id,
    )  # fmt: skip


def feeds_of(n: int) -> tuple[str, ...]:
    """Every article is in the first feed; even-numbered ones also in the second."""
    return FEEDS if n % 2 == 0 else FEEDS[:1]


def source(n: int, feed: str) -> SourceRow:
    return SourceRow(article_id(n), feed, f"https://nieuws.example/{article_id(n)}?utm_source=rss", None,
                     f"Bericht {n}", T0, T0)  # fmt: skip


def mentions_of(n: int, body: str) -> list[MentionRow]:
    first = body.split(maxsplit=1)[0]
    return [
        MentionRow(article_id(n), "body", 0, len(first), None, first, 0, "name", "candidate", None, "g1"),
        MentionRow(article_id(n), "title", 0, 7, None, "Bericht", 0, "name", "candidate", None, "g1"),
    ]


def batch_of(numbers: list[int], run_id: str = "r1") -> LoadBatch:
    articles = [article(n, run_id=run_id) for n in numbers]
    return LoadBatch(
        articles=articles,
        sources=[source(n, feed) for n in numbers for feed in feeds_of(n)],
        enriched_ids=[a.id for a in articles],
        mentions=[m for a, n in zip(articles, numbers, strict=True) for m in mentions_of(n, a.body)],
    )


def numbers_of(loader: int, k: int) -> list[int]:
    """Batch k of a loader: SHARED articles that the other loader's batch k also has, then its own."""
    own = BATCH_SIZE - SHARED
    shared = list(range(k * SHARED, (k + 1) * SHARED))
    first_own = 10_000 * (loader + 1) + k * own
    return shared + list(range(first_own, first_own + own))


def run_loader(loader: int, catalog: Path, data_dir: Path, serialize: bool, barrier: Any, results: Any) -> None:
    """One loader process: open the lake together with the other, then load its batches together with it."""
    try:
        barrier.wait(timeout=120)  # both open a new, empty catalog at the same time
        with Lake.open(catalog, data_dir, loader=f"loader-{loader}", serialize=serialize, max_attempts=100) as lake:
            retries_at_open = lake.retries
            barrier.wait(timeout=120)
            started = time.monotonic()
            for k in range(BATCHES):
                barrier.wait(timeout=120)  # batch k of both loaders starts together, whatever else the machine runs
                lake.load_batch(batch_of(numbers_of(loader, k)))
            elapsed = time.monotonic() - started
            results.put((loader, lake.commits, lake.retries - retries_at_open, elapsed, None))
    except BaseException as exc:
        results.put((loader, 0, 0, 0.0, f"{type(exc).__name__}: {exc}"))
        raise


@pytest.mark.parametrize("serialize", [True, False], ids=["taking-turns", "side-by-side"])
def test_two_loaders_commit_at_once_without_duplicates(tmp_path: Path, serialize: bool) -> None:
    catalog, data_dir = tmp_path / "lake" / "catalog.sqlite", tmp_path / "lake" / "data"
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=run_loader, args=(i, catalog, data_dir, serialize, barrier, results)) for i in (0, 1)]
    for p in procs:
        p.start()
    try:
        outcomes = sorted(results.get(timeout=180) for _ in procs)
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    assert [o[4] for o in outcomes] == [None, None], outcomes
    assert [p.exitcode for p in procs] == [0, 0]
    assert [o[1] for o in outcomes] == [BATCHES + 1, BATCHES + 1]  # table creation + every batch

    expected = sorted({n for loader in (0, 1) for k in range(BATCHES) for n in numbers_of(loader, k)})
    assert len(expected) == BATCHES * (2 * BATCH_SIZE - SHARED)
    with Lake.open(catalog, data_dir, loader="check") as lake:
        assert lake.ids("articles") == [article_id(n) for n in expected]  # each exactly once
        assert lake.ids("article_versions", "article_id") == [article_id(n) for n in expected]
        sources = lake.con.execute("SELECT article_id, feed_id FROM lake.article_sources").fetchall()
        assert len(sources) == len(set(sources)) == sum(len(feeds_of(n)) for n in expected)
        mentions = lake.con.execute("SELECT article_id, field, start_char FROM lake.entity_mentions").fetchall()
        assert len(mentions) == len(set(mentions)) == 2 * len(expected)
        authors = [a for _, a, m in lake.snapshots() if m and m.startswith("load")]
    assert Counter(authors) == {"loader-0": BATCHES, "loader-1": BATCHES}
    switches = sum(1 for a, b in itertools.pairwise(authors) if a != b)
    retries = [o[2] for o in outcomes]
    print(f"serialize={serialize}: retries per loader {retries}, load seconds {[round(o[3], 1) for o in outcomes]}, "
          f"switches between loaders in the snapshot order {switches}")  # fmt: skip
    if serialize:
        # the loaders took turns: their snapshots alternate, and no work was thrown away
        assert switches >= 2, authors
        assert retries == [0, 0]
    else:
        # side by side, a loader either got its commits in between the other's or lost a commit race
        assert switches >= 2 or sum(retries) > 0, authors


def test_conflicting_commit_is_retried_on_a_fresh_snapshot(tmp_path: Path) -> None:
    """Another writer commits while a transaction runs: the transaction is rolled back and run again."""
    catalog, data_dir = tmp_path / "catalog.sqlite", tmp_path / "data"
    with (
        Lake.open(catalog, data_dir, loader="a", serialize=False) as a,
        Lake.open(catalog, data_dir, loader="b", serialize=False) as b,
    ):
        seen: list[int] = []

        def work() -> None:
            seen.append(a.count("articles"))  # reads the catalog: this attempt's snapshot is now fixed
            a.con.execute("DELETE FROM lake.article_topics WHERE article_id = 'x'")  # safe to run again
            a.con.execute("INSERT INTO lake.article_topics VALUES ('x', 't', 'mention', 0.5, [], '{}', 'v1')")
            if len(seen) == 1:
                b.load_batch(batch_of([1, 2]))  # another writer commits in between

        a.transaction(work, "test")
        assert seen == [0, 2]  # the second attempt saw b's articles
        assert (a.commits, a.retries) == (2, 1)  # table creation, then this after one retry
        assert a.count("article_topics") == 1
        assert [m for _, author, m in a.snapshots() if author == "a"] == ["create tables", "test"]

        def always_loses() -> None:
            a.count("articles")
            a.con.execute("INSERT INTO lake.article_topics VALUES ('y', 't', 'mention', 0.5, [], '{}', 'v1')")
            b.load_batch(batch_of([3]))

        a.max_attempts = 2
        with pytest.raises(LakeError, match=r"catalog\.sqlite: lose not committed: .* after 2 attempts"):
            a.transaction(always_loses, "lose")
        assert a.con.execute("SELECT count(*) FROM lake.article_topics WHERE article_id = 'y'").fetchone() == (0,)


def test_rerun_and_changed_body_replace_rows(tmp_path: Path) -> None:
    numbers = list(range(10))
    batch = batch_of(numbers)
    batch.topics = [TopicRow(article_id(3), "stikstof", "primary", 0.8, ["landbouw"], '{"terms": ["stikstof"]}', "t1")]
    batch.events = [
        EventRow(article_id(3), "body", 0, 8, "vandaag", date(2024, 6, 19), date(2024, 6, 19), "day",
                 SENTENCES[0], [], "t1"),
    ]  # fmt: skip
    with Lake.open(tmp_path / "catalog.sqlite", tmp_path / "data") as lake:
        lake.load_batch(batch)
        lake.load_batch(batch)  # the same batch again
        assert lake.ids("articles") == [article_id(n) for n in numbers]
        assert lake.count("article_sources") == sum(len(feeds_of(n)) for n in numbers)
        assert lake.count("article_versions") == len(numbers)
        assert lake.count("entity_mentions") == 2 * len(numbers)
        assert (lake.count("article_topics"), lake.count("events")) == (1, 1)

        body = "De gemeenteraad stemt in met de nieuwe brug over de rivier."
        changed = LoadBatch(articles=[article(3, body=body, run_id="r2")], enriched_ids=[article_id(3)],
                            mentions=mentions_of(3, body)[:1])  # fmt: skip
        lake.load_batch(changed)
        assert lake.ids("articles") == [article_id(n) for n in numbers]
        row = lake.con.execute(
            "SELECT body, version, first_run_id, last_run_id FROM lake.articles WHERE id = ?", [article_id(3)]
        ).fetchone()
        assert row == (body, 2, "r1", "r2")
        versions = lake.con.execute(
            "SELECT version, body FROM lake.article_versions WHERE article_id = ? ORDER BY version", [article_id(3)]
        ).fetchall()
        assert [v for v, _ in versions] == [1, 2]
        assert versions[1][1] == body
        # the article's mentions were replaced, the others kept
        assert lake.con.execute(
            "SELECT surface FROM lake.entity_mentions WHERE article_id = ?", [article_id(3)]
        ).fetchall() == [("De",)]
        assert lake.count("entity_mentions") == 2 * len(numbers) - 1
        assert (lake.count("article_topics"), lake.count("events")) == (0, 0)  # enriched again, found nothing
        assert lake.commits == 4  # table creation and three batches, each one snapshot


def test_reopen_adds_columns_missing_from_an_older_lake(tmp_path: Path) -> None:
    catalog, data_dir = tmp_path / "catalog.sqlite", tmp_path / "data"
    with Lake.open(catalog, data_dir) as lake:
        lake.load_batch(batch_of([1]))
        lake.con.execute("ALTER TABLE lake.articles DROP COLUMN notes")
    with Lake.open(catalog, data_dir) as lake:
        assert lake.con.execute("SELECT id, notes FROM lake.articles").fetchall() == [(article_id(1), None)]
        lake.load_batch(batch_of([2]))
        assert lake.count("articles") == 2
        # every table has the store's columns, in the store's order except for the re-added one
        for table, columns in store_columns().items():
            have = [(r[0], r[1], r[2] == "YES") for r in lake.con.execute(f"DESCRIBE lake.{table}").fetchall()]
            if table == "articles":
                assert have[-1] == ("notes", "VARCHAR", True)
                have.insert([c[0] for c in columns].index("notes"), have.pop())
            assert have == columns, table


def test_missing_extension_file_names_file_and_package(tmp_path: Path) -> None:
    empty = tmp_path / "extensions"
    empty.mkdir()
    with pytest.raises(LakeError, match=r"ducklake\.duckdb_extension.*duckdb-ext-ducklake") as info:
        Lake.open(tmp_path / "catalog.sqlite", tmp_path / "data", ext_dir=empty)
    assert str(empty) in str(info.value)
    assert not (tmp_path / "catalog.sqlite").exists()  # nothing created before the check


def test_bad_catalog_file_names_the_file(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite"
    catalog.write_bytes(b"dit is geen SQLite-bestand\n" * 200)
    with pytest.raises(LakeError, match=r"catalog\.sqlite") as info:
        Lake.open(catalog, tmp_path / "data")
    assert str(catalog) in str(info.value)


def test_catalog_opened_with_another_data_directory_names_both(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite"
    Lake.open(catalog, tmp_path / "data").close()
    with pytest.raises(LakeError, match=r"catalog\.sqlite: cannot attach the lake: .*DATA_PATH") as info:
        Lake.open(catalog, tmp_path / "elders")
    assert str(tmp_path / "elders") in str(info.value)


def test_two_pipelines_push_their_stores_into_one_lake_at_once(tmp_path: Path, demo_site: DemoSite) -> None:
    """Two ingest pipelines (one per DuckDB file, overlapping feeds) push into one lake at the same time
    with `newsmon lake push`; the lake ends up with every article once and the same derived rows."""
    stores = {}
    for name, outlets in (("a", None), ("b", ("nljournaal", "scheldepost"))):
        cfg = demo_config_dir(tmp_path / name, demo_site.base_url)
        if outlets:
            feeds = (cfg / "feeds.yaml").read_text().splitlines()
            kept = [line for line in feeds if "{outlet:" not in line or any(f"outlet: {o}," in line for o in outlets)]
            (cfg / "feeds.yaml").write_text("\n".join(kept) + "\n")
        config = load_config(cfg)
        with Store.open(config.settings.db_path) as store:
            run_ingest(config, store)
        stores[name] = config.settings.db_path
    content = "SELECT (SELECT count(*) FROM {p}articles), (SELECT count(*) FROM {p}entity_mentions), " \
              "(SELECT count(*) FROM {p}article_topics), (SELECT count(*) FROM {p}events)"  # fmt: skip
    with Store.open(stores["a"], read_only=True) as a, Store.open(stores["b"], read_only=True) as b:
        ids_a = {r[0] for r in a.con.execute("SELECT id FROM articles").fetchall()}
        ids_b = {r[0] for r in b.con.execute("SELECT id FROM articles").fetchall()}
        expected = a.con.execute(content.format(p="")).fetchone()
    assert ids_b < ids_a and 0 < len(ids_b) < len(ids_a)  # overlapping, not equal

    cli = str(Path(sys.executable).with_name("newsmon"))
    lake_args = ["--catalog", str(tmp_path / "lake.sqlite"), "--data-dir", str(tmp_path / "lake"), "--batch", "8"]
    pushes = [subprocess.Popen([cli, "lake", "push", "--db", str(db), *lake_args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for db in stores.values()]  # fmt: skip
    outputs = [p.communicate(timeout=300) for p in pushes]
    assert [p.returncode for p in pushes] == [0, 0], outputs
    assert f"pushed {len(ids_a)} articles" in outputs[0][0] and f"pushed {len(ids_b)} articles" in outputs[1][0]

    with Lake.open(tmp_path / "lake.sqlite", tmp_path / "lake") as lake:
        assert sorted(lake.ids()) == sorted(ids_a)  # every article, each once
        assert lake.con.execute(content.format(p="lake.")).fetchone() == expected
        sources = lake.con.execute("SELECT count(*), count(DISTINCT (article_id, feed_id)) FROM lake.article_sources")
        total, distinct = sources.fetchone()  # type: ignore[misc]
        assert total == distinct > 0
        authors = {author.split(":")[-1] for _, author, message in lake.snapshots() if message and "load" in message}
        assert authors == {str(p.pid) for p in pushes}  # both pushes committed batches


def test_fetch_time_gives_way_to_the_page_date_and_a_page_date_stays(tmp_path: Path) -> None:
    """As in the store: a publication time that was only the fetch time is replaced once a page gives
    its own; a page's or feed's time is never moved by a later load."""
    fetched = replace(article(1), published_at=T0, published_source="fetched")
    from_page = replace(article(1), published_at=T0 - timedelta(hours=5), published_source="page")
    later = replace(article(1), published_at=T0 + timedelta(days=1), published_source="feed")
    with Lake.open(tmp_path / "catalog.sqlite", tmp_path / "data") as lake:
        query = "SELECT published_at, published_source FROM lake.articles"
        lake.load_batch(LoadBatch(articles=[fetched]))
        assert lake.con.execute(query).fetchall() == [(T0, "fetched")]
        lake.load_batch(LoadBatch(articles=[from_page]))
        assert lake.con.execute(query).fetchall() == [(T0 - timedelta(hours=5), "page")]
        lake.load_batch(LoadBatch(articles=[later]))
        assert lake.con.execute(query).fetchall() == [(T0 - timedelta(hours=5), "page")]


def test_sources_are_kept_per_link_as_the_store_keys_them(tmp_path: Path) -> None:
    """One article under two links of one feed (an edited slug) is two article_sources rows, also on a rerun."""
    first = source(1, FEEDS[0])
    edited = replace(first, entry_url=first.entry_url.replace("?utm_source=rss", "-bijgewerkt"))
    batch = LoadBatch(articles=[article(1)], sources=[first, edited])
    with Lake.open(tmp_path / "catalog.sqlite", tmp_path / "data") as lake:
        lake.load_batch(batch)
        lake.load_batch(batch)
        rows = lake.con.execute("SELECT feed_id, entry_url FROM lake.article_sources ORDER BY 2").fetchall()
        assert rows == sorted([(FEEDS[0], first.entry_url), (FEEDS[0], edited.entry_url)], key=lambda r: r[1])


def with_entities(batch: LoadBatch) -> LoadBatch:
    """The batch's mentions linked to entities: the body's first word to one of three, the title to another."""
    batch.mentions = [
        m._replace(entity_id=("Q31", "Q55", "Q183")[int(m.article_id, 16) % 3] if m.field == "body" else "Q1")
        for m in batch.mentions
    ]
    return batch


ENTITY_ROWS = {
    "entity_articles": "SELECT * FROM {p}entity_articles",
    "entity_comentions": "SELECT * FROM {p}entity_comentions",
}


def test_entity_tables_follow_the_loads_as_in_the_store(tmp_path: Path) -> None:
    """entity_articles and entity_comentions in the lake equal the store's after the same loads, also when an
    article is re-analysed or no longer counts (status)."""
    loads = [
        with_entities(batch_of(list(range(12)))),
        with_entities(batch_of(list(range(8, 16)), run_id="r2")),
        LoadBatch(articles=[replace(article(3), status="not_dutch")]),  # no longer counted
        LoadBatch(articles=[article(5)], enriched_ids=[article_id(5)]),  # re-analysed: no mentions now
    ]
    with Store.open(tmp_path / "store.duckdb") as store, Lake.open(tmp_path / "c.sqlite", tmp_path / "data") as lake:
        for batch in loads:
            store.load_batch(batch)
            lake.load_batch(batch)
        for table, sql in ENTITY_ROWS.items():
            expected = sorted(store.con.execute(sql.format(p="")).fetchall())
            assert sorted(lake.con.execute(sql.format(p="lake.")).fetchall()) == expected, table
        ids = {r[0] for r in lake.con.execute("SELECT article_id FROM lake.entity_articles").fetchall()}
        assert ids == {article_id(n) for n in range(16)} - {article_id(3), article_id(5)}
        assert lake.count("entity_comentions") == 14  # Q1 (title) with the body's entity, per counted article


def test_reopen_builds_entity_tables_missing_from_an_older_lake(tmp_path: Path) -> None:
    catalog, data_dir = tmp_path / "catalog.sqlite", tmp_path / "data"
    with Lake.open(catalog, data_dir) as lake:
        lake.load_batch(with_entities(batch_of([1, 2, 3])))
        before = {t: sorted(lake.con.execute(sql.format(p="lake.")).fetchall()) for t, sql in ENTITY_ROWS.items()}
        lake.con.execute("DROP TABLE lake.entity_articles")
        lake.con.execute("DROP TABLE lake.entity_comentions")
    assert len(before["entity_articles"]) == 6 and len(before["entity_comentions"]) == 3
    with Lake.open(catalog, data_dir) as lake:
        after = {t: sorted(lake.con.execute(sql.format(p="lake.")).fetchall()) for t, sql in ENTITY_ROWS.items()}
    assert after == before


def test_sources_merge_follows_the_store_key_and_keeps_one_row_per_key() -> None:
    """The sources MERGE is built from the store's columns and key: with a normalised `link` key, two links that
    normalise alike are one row (the later sighting), and a frame without `link` keys by its entry_url."""

    columns = ["article_id", "feed_id", "entry_url", "first_seen_at", "last_seen_at", "link"]
    key = ["article_id", "feed_id", "link"]
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS lake")
    con.execute("CREATE TABLE lake.article_sources (article_id VARCHAR, feed_id VARCHAR, entry_url VARCHAR, "
                "first_seen_at TIMESTAMPTZ, last_seen_at TIMESTAMPTZ, link VARCHAR NOT NULL)")  # fmt: skip
    b_sources = pd.DataFrame({
        "article_id": ["a", "a", "a"], "feed_id": ["f", "f", "f"],
        "entry_url": ["https://n.example/x?utm_source=rss", "https://n.example/x", "https://n.example/y"],
        "seen_at": [T0, T0 + timedelta(hours=1), T0],
        "link": ["https://n.example/x", "https://n.example/x", "https://n.example/y"],
    })  # fmt: skip
    con.register("b_sources", b_sources)
    for _ in range(2):  # a rerun adds nothing
        con.execute(sources_merge(columns, key, list(b_sources.columns)))
    rows = con.execute("SELECT entry_url, link, first_seen_at FROM lake.article_sources ORDER BY link").fetchall()
    assert rows == [("https://n.example/x", "https://n.example/x", T0 + timedelta(hours=1)),
                    ("https://n.example/y", "https://n.example/y", T0)]  # fmt: skip

    con.execute("DELETE FROM lake.article_sources")
    no_link = b_sources.drop(columns="link")
    con.register("b_sources", no_link)
    con.execute(sources_merge(columns, key, list(no_link.columns)))
    assert con.execute("SELECT link FROM lake.article_sources ORDER BY 1").fetchall() == [
        ("https://n.example/x",),
        ("https://n.example/x?utm_source=rss",),
        ("https://n.example/y",),
    ]
