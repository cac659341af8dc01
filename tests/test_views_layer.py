"""The view layer on a real DuckDB file: the Amsterdam calendar in one staging view, and the entity
tables kept at every load (entity_articles, entity_comentions), whose views give what counting the
mentions themselves gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from newsmon.store import SQL_DIR, ArticleRow, LoadBatch, MentionRow, Store, content_hash

# 22:30 UTC on Sunday 30 June 2024 is already Monday 1 July in Amsterdam (UTC+2): a new day, week and month
LATE_SUNDAY = datetime(2024, 6, 30, 22, 30, tzinfo=UTC)
# 23:30 UTC on Saturday 28 December 2024 is Sunday 00:30 in Amsterdam (UTC+1 in winter)
LATE_SATURDAY = datetime(2024, 12, 28, 23, 30, tzinfo=UTC)


def article(aid: str, published: datetime | None, status: str = "ok") -> ArticleRow:
    body = f"Tekst van {aid}."
    return ArticleRow(
        id=aid, url=f"https://x.example/{aid}", canonical_url=f"https://x.example/{aid}", page_canonical_url=None,
        outlet_id="x", title="Titel", lead=None, author=None, section=None, published_at=published,
        published_source="feed", fetched_at=LATE_SUNDAY, language="nl", body=body, word_count=3,
        content_sha256=content_hash("Titel", body), raw_sha256=None, http_status=200, status=status, notes=None,
        extractor_version="test", run_id="r1",
    )  # fmt: skip


def mention(aid: str, start: int, entity: str | None, sentence: int, field: str = "body") -> MentionRow:
    return MentionRow(aid, field, start, start + 4, entity, "Naam", sentence, "name", "gazetteer", None, "g1")


def open_store(path: Path) -> Store:
    store = Store.open(path)
    store.con.execute(
        "INSERT INTO entities VALUES ('Q1', 'person', 'KP', 'Kim', NULL, NULL, [], 'g1'), "
        "('Q2', 'person', 'RU', 'Poetin', NULL, NULL, [], 'g1'), ('Q3', 'country', 'RU', 'Rusland', NULL, NULL, [], "
        "'g1'), ('Q4', 'country', 'KP', 'Noord-Korea', NULL, NULL, [], 'g1')"
    )  # fmt: skip
    return store


def pairs_from_mentions(con: duckdb.DuckDBPyConnection) -> set[tuple[object, ...]]:
    """Co-mentions per week computed straight from the mentions (the definition the view must keep)."""
    rows = con.execute("""
        WITH m AS (
            SELECT DISTINCT m.article_id, m.field, m.sentence, m.entity_id,
                   date_trunc('week', timezone('Europe/Amsterdam', a.published_at))::DATE AS week
            FROM entity_mentions m JOIN articles a ON a.id = m.article_id
            JOIN entities e ON e.id = m.entity_id
            WHERE a.status IN ('ok', 'paywalled')
        ),
        p AS (
            SELECT a.week, a.article_id, a.entity_id AS ea, b.entity_id AS eb,
                   bool_or(a.field = b.field AND a.sentence = b.sentence) AS same
            FROM m a JOIN m b ON a.article_id = b.article_id AND a.entity_id < b.entity_id GROUP BY ALL
        )
        SELECT week, ea, eb, count(*), count(*) FILTER (WHERE same) FROM p GROUP BY ALL""").fetchall()
    return {tuple(r) for r in rows}


def entity_counts_from_mentions(con: duckdb.DuckDBPyConnection, period: str) -> set[tuple[object, ...]]:
    """Mentions, articles and outlets per entity per Amsterdam day or week, straight from the mentions."""
    cast = "CAST(timezone('Europe/Amsterdam', a.published_at) AS DATE)" if period == "day" else \
        "date_trunc('week', timezone('Europe/Amsterdam', a.published_at))::DATE"
    rows = con.execute(f"""
        SELECT {cast} AS p, m.entity_id, any_value(e.name_nl), count(*), count(DISTINCT m.article_id),
               list(DISTINCT a.outlet_id ORDER BY a.outlet_id)
        FROM entity_mentions m JOIN articles a ON a.id = m.article_id JOIN entities e ON e.id = m.entity_id
        WHERE a.status IN ('ok', 'paywalled') GROUP BY ALL""").fetchall()
    return {(*tuple(r[:5]), tuple(r[5])) for r in rows}


def entity_views(con: duckdb.DuckDBPyConnection) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    daily = con.execute("SELECT day, entity_id, entity, mentions, articles, outlets FROM v_entity_timeline").fetchall()
    weekly = con.execute("SELECT w.week, w.entity_id, w.entity, w.mentions, w.articles, w.outlets "
                         "FROM v_entity_weekly w").fetchall()  # fmt: skip
    # v_entity_weekly counts outlets; compare it with the number of the listed ones
    return {(*tuple(r[:5]), tuple(r[5])) for r in daily}, {tuple(r) for r in weekly}


def assert_entity_views_follow_mentions(con: duckdb.DuckDBPyConnection) -> None:
    daily, weekly = entity_views(con)
    assert daily == entity_counts_from_mentions(con, "day")
    assert weekly == {(*r[:5], len(r[5])) for r in entity_counts_from_mentions(con, "week")}
    assert view_pairs(con) == pairs_from_mentions(con)


def view_pairs(con: duckdb.DuckDBPyConnection) -> set[tuple[object, ...]]:
    rows = con.execute("SELECT week, entity_a, entity_b, articles, articles_same_sentence "
                       "FROM v_entity_comentions_weekly").fetchall()  # fmt: skip
    return {tuple(r) for r in rows}


def test_staging_view_puts_days_weeks_and_months_on_the_amsterdam_calendar(tmp_path: Path) -> None:
    with open_store(tmp_path / "t.duckdb") as store:
        store.load_batch(LoadBatch(articles=[article("a1", LATE_SUNDAY), article("a2", LATE_SATURDAY),
                                             article("a3", None)]))  # fmt: skip
        rows = {r[0]: r[1:] for r in store.con.execute(
            "SELECT article_id, day::VARCHAR, week::VARCHAR, month::VARCHAR FROM stg_articles").fetchall()}  # fmt: skip
        daily = store.con.execute("SELECT day::VARCHAR, articles FROM v_articles_daily ORDER BY day").fetchall()
    assert rows["a1"] == ("2024-07-01", "2024-07-01", "2024-07-01")  # summer time: UTC+2
    assert rows["a2"] == ("2024-12-29", "2024-12-23", "2024-12-01")  # winter time: UTC+1, a Sunday
    assert rows["a3"] == (None, None, None)
    assert daily == [("2024-07-01", 1), ("2024-12-29", 1)]


def test_no_view_but_the_staging_ones_converts_to_amsterdam_time() -> None:
    own = {"stg_articles.sql", "stg_publication_days.sql"}
    # views that other parts of the product still own and convert themselves
    elsewhere = {"v_event_timeline.sql", "v_feed_health.sql", "v_unlinked_names_monthly.sql"}
    converting = {f.name for f in (SQL_DIR / "views").glob("*.sql") if "Europe/Amsterdam" in f.read_text()}
    assert converting - elsewhere == own


def test_entity_tables_follow_every_load_and_equal_counting_the_mentions(tmp_path: Path) -> None:
    with open_store(tmp_path / "t.duckdb") as store:
        first = LoadBatch(
            articles=[article("a1", LATE_SUNDAY), replace(article("a2", LATE_SUNDAY), outlet_id="y"),
                      article("a3", LATE_SATURDAY)],
            enriched_ids=["a1", "a2", "a3"],
            mentions=[
                mention("a1", 0, "Q1", 0), mention("a1", 10, "Q2", 0), mention("a1", 20, "Q3", 1),
                mention("a1", 30, "Q1", 2), mention("a1", 40, None, 2),            # unlinked: never a pair
                mention("a2", 0, "Q1", 0), mention("a2", 10, "Q2", 1),             # same article, other sentence
                mention("a2", 0, "Q2", 0, field="title"),                          # title sentence 0 is not body 0
                mention("a3", 0, "Q3", 0), mention("a3", 10, "Q4", 0), mention("a3", 20, "Q9", 0),  # Q9 unknown
            ],
        )  # fmt: skip
        store.load_batch(first)
        expected = pairs_from_mentions(store.con)
        assert_entity_views_follow_mentions(store.con)
        week_a1 = date(2024, 7, 1)
        assert (week_a1, "Q1", "Q2", 2, 1) in expected  # a1 in one sentence, a2 not
        assert store.con.execute("SELECT count(*) FROM entity_comentions WHERE entity_a IS NULL").fetchone() == (0,)

        # re-analysis replaces a1's mentions: its old pairs go, the new ones come; a2 and a3 stay
        again = [mention("a1", 0, "Q3", 0), mention("a1", 9, "Q4", 0)]
        store.load_batch(LoadBatch(enriched_ids=["a1"], mentions=again))
        assert_entity_views_follow_mentions(store.con)
        assert (week_a1, "Q1", "Q2", 1, 0) in view_pairs(store.con)

        # a page that turns out empty on refetch (its mentions untouched) leaves the view
        store.load_batch(LoadBatch(articles=[replace(article("a2", LATE_SUNDAY), outlet_id="y", status="empty")]))
        assert_entity_views_follow_mentions(store.con)
        assert all(p[1:3] != ("Q1", "Q2") for p in view_pairs(store.con))
        # and comes back when a later fetch brings the article
        store.load_batch(LoadBatch(articles=[replace(article("a2", LATE_SUNDAY), outlet_id="y")]))
        assert_entity_views_follow_mentions(store.con)
        assert (week_a1, "Q1", "Q2", 1, 0) in view_pairs(store.con)

        # an article first stored without a date gets its week when a date arrives
        store.load_batch(LoadBatch(articles=[article("a4", None)], enriched_ids=["a4"],
                                   mentions=[mention("a4", 0, "Q1", 0), mention("a4", 9, "Q4", 0)]))  # fmt: skip
        assert (None, "Q1", "Q4", 1, 1) in view_pairs(store.con)
        store.load_batch(LoadBatch(articles=[article("a4", LATE_SATURDAY)]))
        assert_entity_views_follow_mentions(store.con)
        assert (date(2024, 12, 23), "Q1", "Q4", 1, 1) in view_pairs(store.con)

        # an article analysed again without entities keeps no pairs
        store.load_batch(LoadBatch(enriched_ids=["a3"]))
        stored = store.con.execute("SELECT count(*) FROM entity_comentions WHERE article_id = 'a3'").fetchone()
        assert stored == (0,)


def test_migration_fills_comentions_from_mentions_stored_before_it(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    with open_store(db) as store:
        store.load_batch(LoadBatch(articles=[article("a1", LATE_SUNDAY)], enriched_ids=["a1"],
                                   mentions=[mention("a1", 0, "Q1", 0), mention("a1", 10, "Q2", 0)]))  # fmt: skip
        expected = view_pairs(store.con), entity_views(store.con)
        assert len(expected[0]) == 1
        # as in a database from before the tables existed: no tables, migration not recorded
        for view in ("v_entity_comentions_weekly", "v_entity_weekly", "v_entity_timeline"):
            store.con.execute(f"DROP VIEW {view}")
        store.con.execute("DROP TABLE entity_comentions")
        store.con.execute("DROP TABLE entity_articles")
        store.con.execute("DELETE FROM schema_migrations WHERE version = '006_entity_tables'")
    with Store.open(db) as store:
        assert (view_pairs(store.con), entity_views(store.con)) == expected
        assert store.migrate() == []
        assert (view_pairs(store.con), entity_views(store.con)) == expected


def test_staging_local_time_equals_the_time_zone_database_around_clock_changes(tmp_path: Path) -> None:
    around = [datetime(2024, 3, 31, 0, tzinfo=UTC), datetime(2024, 10, 27, 0, tzinfo=UTC),
              datetime(2019, 10, 27, 0, tzinfo=UTC)]  # fmt: skip
    instants = [start + timedelta(minutes=20 * k) for start in around for k in range(13)]
    # far outside the hourly table (Amsterdam kept +00:19:32 then): converted one by one
    instants.append(datetime(1900, 6, 1, 12, 0, tzinfo=UTC))
    with open_store(tmp_path / "t.duckdb") as store:
        store.load_batch(LoadBatch(articles=[article(f"t{k}", at) for k, at in enumerate(instants)]))
        wrong = store.con.execute(
            "SELECT s.article_id, s.published_local, timezone('Europe/Amsterdam', a.published_at) "
            "FROM stg_articles s JOIN articles a ON a.id = s.article_id "
            "WHERE s.published_local IS DISTINCT FROM timezone('Europe/Amsterdam', a.published_at)"
        ).fetchall()
        spring = store.con.execute("SELECT published_local::VARCHAR FROM stg_articles WHERE article_id IN "
                                   "('t2', 't3') ORDER BY article_id").fetchall()  # fmt: skip
    assert wrong == []
    # 00:40 UTC is 01:40 winter time; 01:00 UTC is already 03:00 summer time
    assert spring == [("2024-03-31 01:40:00",), ("2024-03-31 03:00:00",)]
