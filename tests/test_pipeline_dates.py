"""Publication times across refetches and re-extraction, in a real DuckDB file: the first real time
stays; a time that was only the fetch time gives way to the page's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsmon.store import LoadBatch, Store
from tests.test_store import article

FETCHED = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
TRUE = datetime(2016, 3, 1, 16, 4, tzinfo=UTC)


def load(store: Store, **kw: object) -> tuple[datetime, str]:
    store.load_batch(LoadBatch(articles=[article("a1", **kw)]))
    row = store.con.execute("SELECT published_at, published_source FROM articles WHERE id = 'a1'").fetchone()
    assert row is not None
    return row[0], row[1]


def test_a_fetch_time_gives_way_to_the_pages_own_time_and_a_real_time_stays(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.duckdb") as store:
        assert load(store, published_at=FETCHED, published_source="fetched") == (FETCHED, "fetched")
        assert load(store, published_at=TRUE, published_source="visible") == (TRUE, "visible")
        later = TRUE + timedelta(days=3)  # an update of the page must not move its publication time
        assert load(store, published_at=later, published_source="jsonld") == (TRUE, "visible")
        assert load(store, published_at=FETCHED, published_source="fetched") == (TRUE, "visible")
