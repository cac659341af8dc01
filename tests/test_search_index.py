"""The full-text search index kept at load (search.docs / search.terms, sql/views/search.sql): Dutch
stemming, the same BM25 scores as DuckDB's fts extension over the same text, every load keeping it
current (changed bodies, statuses, reloads) and databases from before the index indexed on opening."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from newsmon.store import LoadBatch, Store, fts_extension_path
from tests.test_store import article

# short Dutch texts without digits (the extension's tokens are letters only, the index's also digits)
TEXTS = {
    "a1": ("Militairen naar Koersk", "Noord-Koreaanse militairen vechten in de regio Koersk mee aan Russische zijde."),
    "a2": ("Begroting", "Het kabinet presenteerde de begroting; de oppositie noemde de plannen militair zwak."),
    "a3": ("Poetin ontvangt Kim", "Poetin en Kim spraken in Vostotsjny over raketten, satellieten en militaire hulp."),
    "a4": ("Graanoogst", "De graanoogst in Oekraïne valt tegen door droogte en door de oorlog."),
    "a5": ("Sancties", "De Veiligheidsraad besprak de sancties tegen Noord-Korea; Rusland legde een veto in."),
    "a6": ("Koersk", "In Koersk zijn volgens Kyiv opnieuw Noord-Koreaanse soldaten gesneuveld bij gevechten."),
}
QUERIES = ("militair", "Koersk militairen", "noord koreaanse soldaten", "veto", "sanctie Rusland", "geen treffer")


def rows() -> list:
    return [article(aid, title=title, lead=None, body=body) for aid, (title, body) in TEXTS.items()]


def scores(store: Store, query: str, **options: object) -> dict[str, float]:
    args = "".join(f", {name} := {value!r}" for name, value in options.items())
    found = store.con.execute(f"SELECT article_id, score FROM search.scores(?{args})", [query]).fetchall()
    return dict(found)


def test_search_uses_the_dutch_stemmer_and_ranks_best_first(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.duckdb") as store:
        store.load_batch(LoadBatch(articles=rows()))
        per_row = store.con.execute(
            "SELECT id FROM articles WHERE search.match_bm25(id, 'militair') IS NOT NULL ORDER BY id"
        ).fetchall()
        ranked = store.con.execute("SELECT article_id, title FROM search.articles('Koersk')").fetchall()
    # 'militair' finds 'militairen' and 'militaire' only through stemming
    assert [r[0] for r in per_row] == ["a1", "a2", "a3"]
    # a6 names Koersk in title and body, a1 in both as well but in a longer text
    assert [r[0] for r in ranked] == ["a6", "a1"]


def test_scores_equal_those_of_the_fts_extension_on_the_same_articles(tmp_path: Path) -> None:
    ext = fts_extension_path()
    assert ext is not None
    with Store.open(tmp_path / "t.duckdb") as store:
        store.load_batch(LoadBatch(articles=rows()))
        store.con.execute(
            "PRAGMA create_fts_index('articles', 'id', 'title', 'lead', 'body', stemmer = 'dutch', "
            "stopwords = 'none', strip_accents = 1, lower = 1, overwrite = 1)"
        )
        for query in QUERIES:
            for options in ({}, {"fields": "title"}, {"conjunctive": 1}, {"k": 2.0, "b": 0.5}):
                args = "".join(f", {name} := {value!r}" for name, value in options.items())
                reference = store.con.execute(
                    f"SELECT id, fts_main_articles.match_bm25(id, ?{args}) AS s FROM articles WHERE s IS NOT NULL",
                    [query],
                ).fetchall()
                ours = scores(store, query, **options)
                assert ours.keys() == {r[0] for r in reference}, (query, options)
                for aid, score in reference:
                    assert ours[aid] == pytest.approx(score, rel=1e-9), (query, options, aid)
        assert scores(store, "geen treffer") == {}


def test_every_load_keeps_the_index_current(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.duckdb") as store:
        store.load_batch(LoadBatch(articles=rows()))
        docs = dict(store.con.execute("SELECT article_id, doc FROM search.docs").fetchall())
        assert docs.keys() == set(TEXTS)
        # a new version with another body: the old words no longer find it, the new ones do
        changed = replace(rows()[0], body="Het weer blijft wisselvallig met buien.", content_sha256="c" * 64)
        # a page found to be a front page after all leaves the index; an unchanged reload stays as it is
        front = replace(rows()[2], status="not_article")
        store.load_batch(LoadBatch(articles=[changed, front, rows()[3]]))
        assert scores(store, "Russische zijde") == {} and "a1" in scores(store, "buien")
        assert "a3" not in scores(store, "Poetin")
        after = dict(store.con.execute("SELECT article_id, doc FROM search.docs").fetchall())
        assert "a3" not in after and after["a4"] == docs["a4"] and after["a1"] > max(docs.values())
        stale = store.con.execute("SELECT count(*) FROM search.terms WHERE doc = ?", [docs["a1"]]).fetchone()
        assert stale == (0,)
        checks = store.run_checks()
        assert checks["search_index_current"] == []


def test_the_check_names_an_article_the_index_lacks(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.duckdb") as store:
        store.load_batch(LoadBatch(articles=rows()))
        doc = store.con.execute("SELECT doc FROM search.docs WHERE article_id = 'a5'").fetchone()
        store.con.execute("DELETE FROM search.docs WHERE article_id = 'a5'")
        store.con.execute("UPDATE search.docs SET text_hash = 'x' WHERE article_id = 'a2'")
        found = sorted(store.run_checks()["search_index_current"], key=lambda r: (r[1], r[0]))
    assert doc is not None
    assert found == [("a2", "doc"), ("a5", "doc"), (str(doc[0]), "posting")]


def test_a_database_from_before_the_index_is_indexed_when_opened(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    with Store.open(db) as store:
        store.load_batch(LoadBatch(articles=rows()))
        # as before the index: no postings, the migration not applied, the extension's index in its place
        store.con.execute("DELETE FROM search.terms; DELETE FROM search.docs")
        store.con.execute("DELETE FROM schema_migrations WHERE version = '012_search_index'")
        store.con.execute("PRAGMA create_fts_index('articles', 'id', 'title', 'lead', 'body', overwrite = 1)")
    with Store.open(db) as store:
        schemas = {r[0] for r in store.con.execute("SELECT schema_name FROM information_schema.schemata").fetchall()}
        indexed = store.con.execute("SELECT count(*) FROM search.docs").fetchone()
        assert store.run_checks()["search_index_current"] == []
        hits = scores(store, "militair")
    assert "fts_main_articles" not in schemas
    assert indexed == (len(TEXTS),) and hits.keys() == {"a1", "a2", "a3"}


def test_index_pending_and_rebuild_work_in_chunks(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.duckdb") as store:
        store.load_batch(LoadBatch(articles=rows()))
        before = scores(store, "Koersk militairen")
        store.con.execute("DELETE FROM search.terms; DELETE FROM search.docs")
        assert store.index_pending(chunk=4) == len(TEXTS)
        assert store.index_pending() == 0
        assert scores(store, "Koersk militairen") == pytest.approx(before)
        assert store.rebuild_search_index() == len(TEXTS)
        assert scores(store, "Koersk militairen") == pytest.approx(before)
        assert store.run_checks()["search_index_current"] == []
