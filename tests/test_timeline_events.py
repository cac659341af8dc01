"""timeline_events, the table v_event_timeline reads, kept at every load: after loads, re-analyses,
article updates and reprocessing, the view gives exactly what merging the stored events themselves
gives (the definition below), on a real DuckDB file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from newsmon.config import load_config
from newsmon.pipeline import reanalyse
from newsmon.store import ArticleRow, EventRow, LoadBatch, Store, content_hash
from tests.conftest import ROOT

# The timeline straight from events and articles, every expression one by one: the meaning the view keeps.
TIMELINE_FROM_EVENTS = r"""
WITH RECURSIVE source AS (
    SELECT e.*, a.outlet_id, a.published_at, a.title,
           list_distinct(list_filter(regexp_split_to_array(lower(e.sentence), '[^\p{L}]+'),
                                     w -> length(w) >= 8)) AS terms,
           e.article_id || '/' || e.field || '/' || e.start_char AS node
    FROM events e JOIN articles a ON a.id = e.article_id
    WHERE e.date_start IS NOT NULL AND len(e.entity_ids) > 0
),
links AS (
    SELECT x.node AS a, y.node AS b FROM source x JOIN source y
      ON x.precision = y.precision AND x.node <> y.node
     AND x.date_start <= y.date_end AND y.date_start <= x.date_end
    WHERE len(list_intersect(x.entity_ids, y.entity_ids)) >= CASE WHEN x.precision = 'day' THEN 1 ELSE 2 END
       OR len(list_intersect(x.terms, y.terms)) >= 2
),
reach(node, label) AS (
    SELECT node, node FROM source
    UNION
    SELECT l.b, r.label FROM reach r JOIN links l ON l.a = r.node
),
clustered AS (
    SELECT s.*, c.cluster
    FROM source s JOIN (SELECT node, min(label) AS cluster FROM reach GROUP BY node) c USING (node)
),
named AS (
    SELECT u.cluster, list(u.id ORDER BY u.id) AS entity_ids,
           list({'id': u.id, 'name': coalesce(n.name_nl, u.id)} ORDER BY u.id) AS entities
    FROM (SELECT DISTINCT cluster, unnest(entity_ids) AS id FROM clustered) u LEFT JOIN entities n ON n.id = u.id
    GROUP BY u.cluster
)
SELECT min(c.date_start), max(c.date_end), any_value(c.precision), any_value(k.entity_ids), any_value(k.entities),
       count(DISTINCT c.article_id), count(DISTINCT c.outlet_id),
       list(DISTINCT c.article_id ORDER BY c.article_id), list(DISTINCT c.outlet_id ORDER BY c.outlet_id),
       arg_min(c.article_id, (c.published_at, c.article_id)) FILTER (WHERE c.published_at IS NOT NULL),
       min(c.published_at),
       arg_min(c.title, (c.published_at, c.article_id))
           FILTER (WHERE c.published_at IS NOT NULL AND c.title IS NOT NULL),
       arg_max(c.sentence, (len(c.entity_ids) * 1000 - least(length(c.sentence), 999), c.sentence)),
       list(DISTINCT c.expression ORDER BY c.expression)
FROM clustered c JOIN named k USING (cluster) GROUP BY c.cluster
"""


def article(aid: str, published: datetime, outlet: str = "x", title: str = "Titel") -> ArticleRow:
    body = f"Tekst van {aid}."
    return ArticleRow(
        id=aid, url=f"https://x.example/{aid}", canonical_url=f"https://x.example/{aid}", page_canonical_url=None,
        outlet_id=outlet, title=title, lead=None, author=None, section=None, published_at=published,
        published_source="feed", fetched_at=published, language="nl", body=body, word_count=3,
        content_sha256=content_hash(title, body), raw_sha256=None, http_status=200, status="ok", notes=None,
        extractor_version="test", run_id="r1",
    )  # fmt: skip


def event(aid: str, start: int, day: date, ids: list[str], sentence: str, precision: str = "day",
          expression: str = "donderdag", end: date | None = None) -> EventRow:  # fmt: skip
    return EventRow(aid, "body", start, start + len(expression), expression, day, end or day, precision, sentence,
                    ids, "e1")  # fmt: skip


def timeline(con: duckdb.DuckDBPyConnection) -> set[tuple[object, ...]]:
    return {_hashable(r) for r in con.execute("SELECT * FROM v_event_timeline").fetchall()}


def expected(con: duckdb.DuckDBPyConnection) -> set[tuple[object, ...]]:
    return {_hashable(r) for r in con.execute(TIMELINE_FROM_EVENTS).fetchall()}


def _hashable(row: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(tuple(str(x) for x in v) if isinstance(v, list) else v for v in row)


def table_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute("SELECT article_id, field, start_char, outlet_id, published_at, title "
                       "FROM timeline_events ORDER BY ALL").fetchall()  # fmt: skip


def open_store(path: Path) -> Store:
    store = Store.open(path)
    store.con.execute(
        "INSERT INTO entities VALUES ('Q1', 'person', 'KP', 'Kim', NULL, NULL, [], 'g1'), "
        "('Q2', 'person', 'RU', 'Poetin', NULL, NULL, [], 'g1'), ('Q3', 'country', 'RU', 'Rusland', NULL, NULL, [], "
        "'g1'), ('Q4', 'country', 'KP', 'Noord-Korea', NULL, NULL, [], 'g1')"
    )  # fmt: skip
    return store


THURSDAY = date(2024, 6, 20)
SUMMIT = "Kim en Poetin ontmoeten elkaar donderdag in Vladivostok voor een topontmoeting."


def test_timeline_follows_every_load_and_equals_merging_the_events(tmp_path: Path) -> None:
    noon = datetime(2024, 6, 20, 10, tzinfo=UTC)
    with open_store(tmp_path / "t.duckdb") as store:
        con = store.con
        first = LoadBatch(
            articles=[article("a1", noon, "x", "Top in Vladivostok"), article("a2", noon.replace(hour=12), "y"),
                      article("a3", noon.replace(hour=14), "z"), article("a4", noon.replace(hour=9), "x")],
            enriched_ids=["a1", "a2", "a3", "a4"],
            events=[
                event("a1", 0, THURSDAY, ["Q1", "Q2"], SUMMIT),
                event("a2", 0, THURSDAY, ["Q2", "Q1"], "Donderdag praten Poetin en Kim over samenwerking."),
                # one entity of a week: no entity link, but two shared key terms with a5 below
                event("a3", 5, date(2024, 6, 17), ["Q3"], "Rusland verwacht deze week wapenleveranties en "
                      "munitievoorraden.", "week", "deze week", date(2024, 6, 23)),
                event("a4", 0, date(2024, 6, 18), ["Q4"], "Noord-Korea testte dinsdag een raket.", "day", "dinsdag"),
                event("a4", 40, date(2024, 6, 18), [], "Zonder entiteiten telt dit niet.", "day", "dinsdag"),
            ],
        )  # fmt: skip
        store.load_batch(first)
        assert timeline(con) == expected(con)
        assert len(timeline(con)) == 3
        summit = con.execute("SELECT articles, outlets, first_article_id, first_title FROM v_event_timeline "
                             "WHERE date_start = DATE '2024-06-20'").fetchall()  # fmt: skip
        assert summit == [(2, 2, "a1", "Top in Vladivostok")]

        # another week report sharing two key terms with a3 joins its event
        store.load_batch(LoadBatch(
            articles=[article("a5", noon.replace(hour=16), "y")], enriched_ids=["a5"],
            events=[event("a5", 0, date(2024, 6, 17), ["Q3", "Q4"], "Er waren wapenleveranties en "
                          "munitievoorraden genoeg.", "week", "die week", date(2024, 6, 23))]))  # fmt: skip
        assert timeline(con) == expected(con)
        weeks = con.execute("SELECT articles FROM v_event_timeline WHERE precision = 'week'").fetchall()
        assert weeks == [(2,)]

        # re-analysis replaces a1's events: the summit keeps only a2
        store.load_batch(LoadBatch(enriched_ids=["a1"], events=[
            event("a1", 3, date(2024, 6, 18), ["Q4"], "Dinsdag testte Noord-Korea nog een raket.", "day", "dinsdag")]))
        assert timeline(con) == expected(con)
        assert con.execute("SELECT article_ids FROM v_event_timeline WHERE date_start = DATE '2024-06-20'"
                           ).fetchall() == [(["a2"],)]  # fmt: skip

        # an article stored again with a new title (a new version): its rows follow the article
        store.load_batch(LoadBatch(articles=[replace(article("a2", noon.replace(hour=12), "y"), title="Nieuwe kop",
                                                     body="Andere tekst.", content_sha256="v2")]))  # fmt: skip
        assert timeline(con) == expected(con)
        assert [r[5] for r in table_rows(con) if r[0] == "a2"] == ["Nieuwe kop"]
        assert con.execute("SELECT first_title FROM v_event_timeline WHERE date_start = DATE '2024-06-20'"
                           ).fetchall() == [("Nieuwe kop",)]  # fmt: skip

        # loading the same batch again changes nothing
        store.load_batch(first)
        once = table_rows(con), timeline(con)
        store.load_batch(first)
        assert (table_rows(con), timeline(con)) == once
        assert timeline(con) == expected(con)
        assert len(table_rows(con)) == con.execute(
            "SELECT count(*) FROM events WHERE date_start IS NOT NULL AND len(entity_ids) > 0").fetchone()[0]  # type: ignore[index]

        # an article analysed again without events keeps no rows
        store.load_batch(LoadBatch(enriched_ids=["a4"]))
        assert con.execute("SELECT count(*) FROM timeline_events WHERE article_id = 'a4'").fetchone() == (0,)
        assert timeline(con) == expected(con)


def test_equal_candidates_give_the_same_report_and_sentence_on_every_read(tmp_path: Path) -> None:
    """Reports published at the same minute with sentences of equal weight: the first report is the least
    article id, the sentence the one that sorts last, whatever order the rows are loaded or scanned in."""
    noon = datetime(2024, 6, 20, 10, tzinfo=UTC)
    sentences = ["Kim en Poetin spreken donderdag over wapens.", "Kim en Poetin praten donderdag over energie."]
    assert len(sentences[0]) == len(sentences[1])
    seen = set()
    for order in ([3, 1, 2, 0], [0, 2, 1, 3], [2, 3, 0, 1]):
        with open_store(tmp_path / f"t{order[0]}.duckdb") as store:
            for i in order:  # one load each, so the rows lie in the table in this order
                aid = f"b{i}"
                store.load_batch(LoadBatch(articles=[article(aid, noon, f"o{i}", f"Kop {i}")], enriched_ids=[aid],
                                           events=[event(aid, 0, THURSDAY, ["Q1", "Q2"], sentences[i % 2])]))
            assert timeline(store.con) == expected(store.con)
            seen.add(store.con.execute("SELECT first_article_id, first_title, sentence FROM v_event_timeline"
                                       ).fetchone())  # fmt: skip
    assert seen == {("b0", "Kop 0", max(sentences))}


def test_links_across_calendar_periods_and_partial_ranges(tmp_path: Path) -> None:
    """Dates that overlap without being the same period: "eerder dit jaar" against the whole year, a run
    of days across a month's end against one of its days, a fortnight against the week it ends in; and
    dates that touch the same period without overlapping stay apart."""
    noon = datetime(2024, 7, 3, 10, tzinfo=UTC)
    with open_store(tmp_path / "t.duckdb") as store:
        aids = [f"c{i}" for i in range(8)]
        store.load_batch(LoadBatch(
            articles=[article(aid, noon, f"o{i}") for i, aid in enumerate(aids)], enriched_ids=aids,
            events=[
                event("c0", 0, date(2024, 1, 1), ["Q3", "Q4"], "Eerder dit jaar leverde het land granaten.", "year",
                      "eerder dit jaar", date(2024, 4, 8)),
                event("c1", 0, date(2024, 1, 1), ["Q4", "Q3"], "Dit jaar kwam er een verdrag.", "year", "dit jaar",
                      date(2024, 12, 31)),
                event("c2", 0, date(2024, 6, 28), ["Q2"], "Van 28 juni tot 2 juli was Poetin op reis.", "day",
                      "28 juni tot 2 juli", date(2024, 7, 2)),
                event("c3", 0, date(2024, 7, 1), ["Q2"], "Poetin landde op 1 juli.", "day", "1 juli"),
                event("c4", 0, date(2024, 7, 5), ["Q2"], "Poetin sprak op 5 juli.", "day", "5 juli"),
                event("c5", 0, date(2024, 6, 17), ["Q1"], "Twee weken lang duurden de scheepstransporten van "
                      "artilleriegranaten.", "week", "twee weken", date(2024, 6, 30)),
                event("c6", 0, date(2024, 6, 24), ["Q2"], "Die week zagen satellieten scheepstransporten met "
                      "artilleriegranaten.", "week", "die week", date(2024, 6, 30)),
                event("c7", 0, date(2024, 6, 10), ["Q2"], "Een week eerder waren er geen scheepstransporten van "
                      "artilleriegranaten.", "week", "een week eerder", date(2024, 6, 16)),
            ]))  # fmt: skip
        assert timeline(store.con) == expected(store.con)
        events = sorted(sorted(r[0]) for r in store.con.execute("SELECT article_ids FROM v_event_timeline").fetchall())
        assert events == [["c0", "c1"], ["c2", "c3"], ["c4"], ["c5", "c6"], ["c7"]]


def test_migration_fills_the_table_from_events_stored_before_it(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    noon = datetime(2024, 6, 20, 10, tzinfo=UTC)
    with open_store(db) as store:
        store.load_batch(LoadBatch(articles=[article("a1", noon), article("a2", noon.replace(hour=11), "y")],
                                   enriched_ids=["a1", "a2"],
                                   events=[event("a1", 0, THURSDAY, ["Q1", "Q2"], SUMMIT),
                                           event("a2", 0, THURSDAY, ["Q1"], SUMMIT)]))  # fmt: skip
        rows, view = table_rows(store.con), timeline(store.con)
        assert len(rows) == 2 and len(view) == 1
        # as in a database from before the table existed: no table, migration not recorded
        store.con.execute("DROP VIEW v_event_timeline")
        store.con.execute("DROP TABLE timeline_events")
        store.con.execute("DELETE FROM schema_migrations WHERE version = '011_timeline_events'")
    with Store.open(db) as store:
        assert (table_rows(store.con), timeline(store.con)) == (rows, view)
        assert store.migrate() == []
        assert timeline(store.con) == expected(store.con)


def test_reprocessing_rebuilds_the_table_and_keeps_the_timeline(tmp_path: Path) -> None:
    """Real analysis of two Dutch reports of one meeting, reprocessed twice."""
    texts = [
        ("Kim en Poetin in Vladivostok", "Kim Jong-un en Vladimir Poetin ontmoeten elkaar donderdag in Vladivostok. "
         "Volgens het Kremlin praten de twee donderdag over economische samenwerking en de sancties."),
        ("Top in het oosten van Rusland", "Poetin ontvangt Kim Jong-un donderdag in Vladivostok. Noord-Korea en "
         "Rusland willen hun militaire samenwerking uitbreiden, zeggen beide regeringen."),
    ]  # fmt: skip
    config = load_config(ROOT / "config")
    noon = datetime(2024, 6, 20, 10, tzinfo=UTC)
    with Store.open(tmp_path / "t.duckdb") as store:
        store.load_batch(LoadBatch(articles=[
            replace(article(f"r{k}", noon.replace(hour=10 + k), f"o{k}", title), body=body,
                    content_sha256=content_hash(title, body))
            for k, (title, body) in enumerate(texts)]))  # fmt: skip
        assert store.count("timeline_events") == 0
        reanalyse(config, store)
        first = table_rows(store.con)
        assert first and {r[0] for r in first} == {"r0", "r1"}
        assert timeline(store.con) == expected(store.con)
        summit = store.con.execute("SELECT articles, outlets FROM v_event_timeline WHERE date_start = DATE "
                                   "'2024-06-20' AND list_contains(entity_ids, 'Q56226')").fetchall()  # fmt: skip
        assert summit == [(2, 2)]
        reanalyse(config, store)
        assert table_rows(store.con) == first
        assert timeline(store.con) == expected(store.con)
