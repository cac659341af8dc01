"""The event timeline of the demo database: past events dated in the past, one row per real-world event.

The demo database is built by a real ingest run against the demo site on a loopback server.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from newsmon.demosite import DemoSite
from tests.conftest import ROOT, demo_config_dir

# Sentences of the demo texts that announce something to come, read one by one: an event dated after
# its article is right only in one of these (sentence opening, expression).
FORWARD_LOOKING = {
    ("Morgen praten de twee met elkaar", "Morgen"),
    ("De top met Vladimir Poetin is morgen", "morgen"),
    ("Hij reist morgen door naar Peking", "morgen"),
    ("Volgens een VN-resolutie uit eind 2017 moeten alle Noord-Koreanen", "eind dit jaar"),
    ("Kim blijft nog tot morgen in Vladivostok", "morgen"),
    ("Volgens een resolutie van de VN-Veiligheidsraad uit december 2017 moeten zij", "eind dit jaar"),
    ("Poetin reist morgen door naar Peking", "morgen"),
    ("Zondag verloopt bovendien een VN-termijn", "Zondag"),
    ("Zondag verloopt de deadline uit een VN-resolutie", "Zondag"),
    ("Kim Jong-un houdt traditioneel op 1 januari een nieuwjaarstoespraak", "1 januari"),
    ("Minister van Buitenlandse Zaken Sergej Lavrov zou volgende maand", "volgende maand"),
    ("‘Het eerste jaar dacht ik elke dag: volgende maand gaan we terug’", "volgende maand"),
    ("De tijdelijke bescherming voor Oekraïense vluchtelingen", "maart volgend jaar"),
    ("Over een jaar of twee moet de fabriek", "Over een jaar"),
    ("De NAVO-top in Washington volgende maand", "volgende maand"),
    ("Maar op 20 januari neemt Donald Trump het Witte Huis over", "20 januari"),
    ("Op de NAVO-top in Den Haag, volgend jaar juni", "volgend jaar juni"),
    ("Op de NAVO-top in Den Haag, volgend jaar juni", "volgend jaar"),
    ("Op de NAVO-top in Den Haag, volgend jaar juni", "juni"),
    ("Von der Leyen kondigde aan dat Kiev volgende maand", "volgende maand"),
    ("Volgende week donderdag komen de EU-leiders", "Volgende week donderdag"),
    ("Volgend jaar gaat de Azië-lezing over Indonesië", "Volgend jaar"),
    ("Eind deze maand begint een Russische maatschappij", "Eind deze maand"),
    ("Het panel houdt eind april op te bestaan", "eind april"),
    ("Daarmee is het voorbij: eind april houdt het panel op te bestaan", "eind april"),
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, demo_site: DemoSite) -> Path:
    tmp = tmp_path_factory.mktemp("timeline")
    cfg = demo_config_dir(tmp, demo_site.base_url)
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "newsmon"), "ingest", "--config", str(cfg)],
                            capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return tmp / "demo.duckdb"


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_no_event_after_its_article_unless_the_sentence_looks_ahead(demo_db: Path) -> None:
    later = query(demo_db, """
        SELECT e.expression, e.sentence, e.date_start, CAST(a.published_at AS DATE)
        FROM events e JOIN articles a ON a.id = e.article_id
        WHERE e.date_start > CAST(a.published_at AS DATE) ORDER BY a.published_at""")
    allowed = [r for r in later if any(str(r[1]).startswith(s) and r[0] == x for s, x in FORWARD_LOOKING)]
    wrong = [r for r in later if r not in allowed]
    print(f"{len(later)} events after their article, {len(allowed)} in sentences that look ahead:")
    for expression, sentence, day, published in later:
        print(f"  {'ok   ' if (expression, sentence, day, published) in allowed else 'WRONG'} "
              f"{expression!r} -> {day} (article {published}): {str(sentence)[:100]}")
    assert not wrong


@pytest.mark.parametrize(("opening", "expression", "day"), [
    ("Op 2 januari zouden er meerdere", "2 januari", date(2024, 1, 2)),
    ("In maart blokkeerde Rusland", "maart", date(2024, 3, 1)),
    ("Rusland probeert sinds augustus", "augustus", date(2024, 8, 1)),
    ("wat Pyongyang e", "eind april", date(2025, 4, 21)),
    ("Zelenski zaterdag verspreidde", "zaterdag", date(2025, 1, 11)),
    ("Het panel houdt eind april op te bestaan", "eind april", date(2024, 4, 21)),
])  # fmt: skip
def test_demo_sentences_once_misdated(demo_db: Path, opening: str, expression: str, day: date) -> None:
    rows = query(demo_db, f"SELECT expression, date_start, sentence FROM events WHERE sentence LIKE '%{opening}%'")
    print(rows)
    assert any(r[0] == expression and r[1] == day for r in rows)


def test_the_vladivostok_summit_is_one_row_with_three_reports(demo_db: Path) -> None:
    rows = query(demo_db, """
        SELECT articles, outlets, list_transform(entities, x -> x.name), expressions FROM v_event_timeline
        WHERE precision = 'day' AND date_start <= DATE '2019-04-25' AND date_end >= DATE '2019-04-25'
          AND list_contains(list_transform(entities, x -> x.name), 'Kim Jong-un')""")
    print(rows)
    assert len(rows) == 1
    assert rows[0][:2] == (3, 3)


def test_timeline_entities_are_id_and_name_pairs_aligned_with_entity_ids(demo_db: Path) -> None:
    rows = query(demo_db, "SELECT entity_ids, entities FROM v_event_timeline")
    names = dict(query(demo_db, "SELECT id, name_nl FROM entities"))
    assert rows
    for ids, pairs in rows:
        assert [p["id"] for p in pairs] == ids  # type: ignore[attr-defined, index]
        assert all(p["name"] == names.get(p["id"], p["id"]) for p in pairs)  # type: ignore[attr-defined, index]


def test_each_timeline_row_lists_its_articles_and_first_report(demo_db: Path) -> None:
    rows = query(demo_db, """
        SELECT t.articles, len(t.article_ids), t.first_article_id, t.first_reported_at,
               (SELECT min(published_at) FROM articles a WHERE list_contains(t.article_ids, a.id))
        FROM v_event_timeline t""")
    for articles, listed, first_id, first_at, earliest in rows:
        assert articles == listed and first_id is not None
        assert first_at == earliest
    # one row per event: no expression of the events table is in two rows
    counted = query(demo_db, """
        SELECT count(*) FROM events e JOIN articles a ON a.id = e.article_id
        WHERE e.date_start IS NOT NULL AND len(e.entity_ids) > 0""")[0][0]
    in_rows = query(demo_db, "SELECT sum(len(expressions)) FROM v_event_timeline")[0][0]
    assert isinstance(counted, int) and isinstance(in_rows, int) and in_rows <= counted
