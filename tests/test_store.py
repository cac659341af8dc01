"""The DuckDB store on real files: migrations, one-transaction batches, upserts, the writer lock."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from newsmon.store import (
    SQL_DIR,
    ArticleRow,
    FailureRow,
    LoadBatch,
    SourceRow,
    Store,
    StoreError,
    content_hash,
)

T0 = datetime(2024, 6, 19, 10, 0, tzinfo=UTC)


def article(aid: str = "a1", body: str = "Poetin en Kim tekenen een verdrag.", **kw: object) -> ArticleRow:
    row = ArticleRow(
        id=aid, url=f"https://x.example/{aid}", canonical_url=f"https://x.example/{aid}", page_canonical_url=None,
        outlet_id="x", title="Titel", lead="Lead", author=None, section="buitenland", published_at=T0,
        published_source="feed", fetched_at=T0, language="nl", body=body, word_count=len(body.split()),
        content_sha256=content_hash("Titel", body), raw_sha256="ab" * 32, http_status=200, status="ok", notes=None,
        extractor_version="test", run_id="r1",
    )
    return replace(row, **kw)  # type: ignore[arg-type]


def source(aid: str, feed: str) -> SourceRow:
    return SourceRow(aid, feed, f"https://x.example/{aid}?utm_source=rss", None, "Titel", T0, T0)


def test_schema_applies_once_and_is_recorded(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    with Store.open(db) as store:
        assert store.migrate() == []  # second application inside the same open: nothing to do
        versions = store.con.execute("SELECT version FROM schema_migrations").fetchall()
        tables = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert versions == [(f.stem,) for f in sorted((SQL_DIR / "schema").glob("*.sql"))]
    assert ("001_core",) in versions
    assert {"articles", "article_sources", "feeds", "feed_polls", "runs", "v_feed_health", "v_articles_daily"} <= tables
    with Store.open(db) as store:  # reopening re-creates views, applies nothing
        assert store.migrate() == []


def test_rerun_of_a_batch_never_duplicates(tmp_path: Path) -> None:
    batch = LoadBatch(articles=[article("a1"), article("a2")], sources=[source("a1", "f/1"), source("a1", "f/2")])
    with Store.open(tmp_path / "t.duckdb") as store:
        store.load_batch(batch)
        store.load_batch(batch)
        assert store.count("articles") == 2
        assert store.count("article_sources") == 2
        assert store.count("article_versions") == 2


def test_the_log_is_folded_into_the_file_once_it_reaches_the_given_size(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    wal = tmp_path / "t.duckdb.wal"
    with Store.open(db) as store:
        store.load_batch(LoadBatch(articles=[article("a1"), article("a2")], sources=[source("a1", "f/1")]))
        logged = wal.stat().st_size
        assert logged > 0
        assert not store.checkpoint_from(logged + 1)  # below the size: left as it is
        assert wal.stat().st_size == logged
        assert store.checkpoint_from(logged)
        assert not wal.exists() or wal.stat().st_size < logged
        assert store.count("articles") == 2
    with Store.open(db, read_only=True) as store:
        assert store.count("articles") == 2 and store.count("article_sources") == 1


def _cached_table_mb(store: Store) -> float:
    row = store.con.execute(
        "SELECT coalesce(sum(memory_usage_bytes), 0) / 2**20 FROM duckdb_memory() WHERE tag = 'BASE_TABLE'"
    ).fetchone()
    return float(row[0]) if row else 0.0


def _gib(setting: str) -> float:
    number, unit = setting.split()
    return float(number) * {"MiB": 1 / 1024, "GiB": 1.0, "TiB": 1024.0}[unit]


def test_a_checkpoint_lets_go_of_cached_table_blocks_and_keeps_the_memory_limit(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    with Store.open(db) as store:
        store.con.execute("SET memory_limit = '3GiB'")
        words = " ".join(f"woord{i}" for i in range(400))
        store.load_batch(LoadBatch(articles=[article(f"a{i}", body=f"{words} {i}") for i in range(3000)]))
        store.con.execute("CHECKPOINT")
        limits = []
        for _ in range(3):
            store.con.execute("SELECT sum(length(body)) FROM articles").fetchall()  # the bodies read into the cache
            cached = _cached_table_mb(store)
            assert cached > 2
            store.load_batch(LoadBatch(articles=[article(f"b{len(limits)}")]))
            assert store.checkpoint_from(0)
            assert _cached_table_mb(store) < cached / 4
            limits.append(store.con.execute("SELECT current_setting('memory_limit')").fetchone())
        # the limit is back each time (DuckDB shows it rounded to 0.1), never a step lower
        assert limits[0] == limits[1] == limits[2]
        assert abs(_gib(limits[0][0]) - 3.0) <= 0.1
        assert store.con.execute("SELECT count(*), count(DISTINCT body) FROM articles").fetchone() == (3003, 3001)


def test_tables_are_written_in_small_row_groups_and_read_back_by_plain_duckdb(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with Store.open(db) as store:
        store.load_batch(LoadBatch(articles=[article(f"a{i}") for i in range(12_288)]))
        store.checkpoint_from(0)
        groups = store.con.execute("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('articles')")
        (count,) = groups.fetchone() or (0,)
        assert 3 <= count <= 4  # DuckDB's default would make one group of 12,288
        assert store.con.execute("SELECT current_database()").fetchone() == ("news",)
    with duckdb.connect(str(db), read_only=True) as con:  # an analyst's own DuckDB, views included
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (12_288,)
        assert con.execute("SELECT sum(articles) FROM v_articles_daily").fetchone() == (12_288,)


def test_duplicate_keys_inside_one_batch_are_collapsed(tmp_path: Path) -> None:
    batch = LoadBatch(articles=[article("a1", body="oud"), article("a1", body="nieuw")])
    with Store.open(tmp_path / "t.duckdb") as store:
        store.load_batch(batch)
        assert store.con.execute("SELECT body FROM articles").fetchall() == [("nieuw",)]


def test_changed_body_becomes_a_new_version_and_the_old_one_is_kept(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.duckdb") as store:
        store.load_batch(LoadBatch(articles=[article("a1", body="Eerste versie van het stuk.")]))
        store.load_batch(LoadBatch(articles=[article("a1", body="Bijgewerkte versie van het stuk.", run_id="r2")]))
        assert store.con.execute("SELECT version, body, first_run_id, last_run_id FROM articles").fetchall() == [
            (2, "Bijgewerkte versie van het stuk.", "r1", "r2")]
        assert store.con.execute("SELECT version, body FROM article_versions ORDER BY version").fetchall() == [
            (1, "Eerste versie van het stuk."), (2, "Bijgewerkte versie van het stuk.")]


def test_a_failing_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    # fetch_failures.error is NOT NULL and is written after articles, versions and sources
    bad = FailureRow("a9", "https://x.example/a9", "f/1", None, None, None, T0, None, None, "r1")  # type: ignore[arg-type]
    with Store.open(tmp_path / "t.duckdb") as store:
        with pytest.raises(duckdb.ConstraintException):
            store.load_batch(LoadBatch(articles=[article("a1")], sources=[source("a1", "f/1")], failures=[bad]))
        assert store.count("articles") == 0
        assert store.count("article_sources") == 0
        assert store.count("article_versions") == 0


def test_failures_count_attempts_and_clear_when_the_page_arrives(tmp_path: Path) -> None:
    fail = FailureRow("a1", "https://x.example/a1", "f/1", None, None, None, T0, 503, "HTTP 503", "r1")
    with Store.open(tmp_path / "t.duckdb") as store:
        store.load_batch(LoadBatch(failures=[fail]))
        store.load_batch(LoadBatch(failures=[replace(fail, run_id="r2")]))
        assert store.con.execute("SELECT attempts, last_run_id FROM fetch_failures").fetchall() == [(2, "r2")]
        assert [f.article_id for f in store.retryable_failures()] == ["a1"]
        given_up = replace(fail, run_id="r3", kind="permanent", given_up_at=T0)
        store.load_batch(LoadBatch(failures=[given_up]))
        assert store.retryable_failures() == []  # a page given up stays in the table, out of the queue
        assert store.con.execute("SELECT attempts, next_attempt_at FROM fetch_failures").fetchall() == [(3, None)]
        store.load_batch(LoadBatch(articles=[article("a1")]))
        assert store.count("fetch_failures") == 0


def test_second_writer_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    Store.open(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ready', flush=True); "
         "time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match=rf"in use by process {holder.pid} \(waited 1 s\); only one writer"):
            Store.open(db, wait_s=1)
    finally:
        holder.kill()
        holder.wait()


def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create its directory"):
        Store.open(blocker / "sub" / "t.duckdb")
