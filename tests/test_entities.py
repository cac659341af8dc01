"""The entity linker with the shipped gazetteer: the rules a Dutch news reader would expect."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from newsmon.config import ConfigError, load_gazetteer
from newsmon.entities import DEFAULT_GAZETTEER, Gazetteer, Mention


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def linked(mentions: list[Mention]) -> list[tuple[str, str | None, str]]:
    return [(m.surface, m.entity_id, m.kind) for m in mentions if m.source == "gazetteer"]


def test_gazetteer_is_big_and_valid() -> None:
    data = load_gazetteer(DEFAULT_GAZETTEER)
    assert len(data.entities) >= 200
    types = {e.type for e in data.entities}
    assert types == {"person", "country", "place", "organisation", "other"}


def test_role_phrase_resolves_by_publication_date(gaz: Gazetteer) -> None:
    text = "De Russische president ontving zijn gast in het Kremlin."
    in_2010 = [m for m in gaz.find(text, date(2010, 6, 1)) if m.kind == "role"]
    in_2024 = [m for m in gaz.find(text, date(2024, 6, 1)) if m.kind == "role"]
    assert in_2010[0].entity_id != in_2024[0].entity_id
    assert gaz.describe(in_2010[0].entity_id or "")["name"].endswith("Medvedev")
    assert in_2024[0].entity_id == "Q7747"


def test_apposition_links_the_person_through_the_name_only(gaz: Gazetteer) -> None:
    found = gaz.find("De Russische president Poetin sprak.", date(2024, 6, 1))
    assert [(m.surface, m.entity_id) for m in found if m.entity_id] == [("Poetin", "Q7747")]
    (role,) = [m for m in found if m.kind == "role"]
    assert (role.entity_id, role.refers_to) == (None, "Q159")  # the state the role belongs to stays


def test_surname_links_after_a_full_mention_or_to_the_leader_in_office(gaz: Gazetteer) -> None:
    after = gaz.find("Kim Jong-un kwam aan. Daarna sprak Kim lang.", date(2024, 6, 1))
    assert ("Kim", "Q56226", "surname") in linked(after)
    # no full mention: a bare surname means the one head of state or government of that name in office
    assert ("Kim", "Q56226", "surname") in linked(gaz.find("Kim sprak lang.", date(2024, 6, 1)))
    assert ("Yoon", "nm:yoon-suk-yeol", "surname") in linked(gaz.find("Gisteren sprak Yoon.", date(2024, 6, 1)))
    assert ("Yoon", None, "surname") in linked(gaz.find("Gisteren sprak Yoon.", date(2025, 8, 1)))
    # ... but not a minister, and not when the article is about someone else of that first name
    assert ("Choe", None, "surname") in linked(gaz.find("Gisteren sprak Choe lang.", date(2024, 6, 1)))
    other = gaz.find("Kim Clijsters won in Antwerpen. Daarna sprak Kim lang.", date(2024, 6, 1))
    assert all(m.entity_id is None for m in other if "Kim" in m.surface)


def test_other_people_called_kim_are_not_kim_jong_un(gaz: Gazetteer) -> None:
    text = "Kim Jong-un keek toe. Later won Kim Clijsters in Antwerpen, en sprak Kim Putters in Den Haag."
    found = gaz.find(text, date(2024, 6, 1))
    ids = [(m.surface, m.entity_id) for m in found if "Kim" in m.surface]
    assert ("Kim Jong-un", "Q56226") in ids
    assert all(eid is None for s, eid in ids if s.startswith(("Kim Clijsters", "Kim Putters")))
    assert any(m.surface == "Kim Clijsters" and m.source == "candidate" for m in found)


def test_metonym_versus_place(gaz: Gazetteer) -> None:
    found = gaz.find("Moskou reageerde woedend. De delegatie vloog naar Moskou.", date(2024, 6, 1))
    kinds = [(m.kind, m.refers_to) for m in found if m.surface == "Moskou"]
    assert kinds == [("metonym", "Q159"), ("name", None)]


def test_genitive_adjective_demonym_and_acronym_case(gaz: Gazetteer) -> None:
    text = "Poetins plan: Noord-Koreaanse soldaten en Russen bij de VN, niet de vn."
    found = linked(gaz.find(text, date(2024, 6, 1)))
    surfaces = {s: (eid, kind) for s, eid, kind in found}
    assert surfaces["Poetins"] == ("Q7747", "name")
    assert surfaces["Noord-Koreaanse"][1] == "adjective" and surfaces["Noord-Koreaanse"][0] == "Q423"
    assert surfaces["Russen"] == ("Q159", "demonym")
    assert "VN" in surfaces and "vn" not in surfaces


def test_glued_words_do_not_match_but_hyphen_compounds_do(gaz: Gazetteer) -> None:
    assert linked(gaz.find("De Ruslandexpert sprak.", date(2024, 6, 1))) == []
    text = "De Rusland-kenner las de VN-resolutie voor de NAVO-top over de Koersk-regio en Russisch-Chinese banden."
    found = [(m.surface, m.entity_id) for m in gaz.find(text, date(2024, 6, 1)) if m.entity_id]
    assert found == [("Rusland", "Q159"), ("VN", "Q1065"), ("NAVO", "Q7184"), ("Koersk", "nm:koersk"),
                     ("Russisch", "Q159"), ("Chinese", "Q148")]  # fmt: skip


def test_offsets_point_at_the_surface(gaz: Gazetteer) -> None:
    body = "In Vladivostok ontmoette Kim Jong-un de Russische president Vladimir Poetin."
    for m in gaz.find(body, date(2019, 4, 25), title="Top in Vladivostok"):
        text = body if m.field == "body" else "Top in Vladivostok"
        assert text[m.start : m.end] == m.surface


def test_bad_gazetteer_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "entities.yaml"
    bad.write_text(
        "version: x\nroles: []\nentities:\n"
        "  - {id: Q1, type: person, name_nl: A, names: [Kim]}\n  - {id: Q2, type: person, name_nl: B, names: [Kim]}\n"
    )
    with pytest.raises(ConfigError, match="'Kim' belongs to both Q1 and Q2"):
        load_gazetteer(bad)


def test_analyze_cli_contract(tmp_path: Path) -> None:
    text = tmp_path / "stuk.txt"
    text.write_text("Kim Jong-un ontmoet donderdag Poetin in Vladivostok.", encoding="utf-8")
    cli = Path(sys.executable).with_name("newsmon")
    out = subprocess.run([cli, "analyze", str(text), "--date", "2019-04-23", "--title", "Top in Vladivostok"],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert set(data) == {"entities", "topics", "events"}
    first = data["entities"][0]
    assert {"entity_id", "name", "type", "surface", "start", "end", "sentence", "kind", "source"} <= set(first)
    assert {e["entity_id"] for e in data["entities"]} >= {"Q56226", "Q7747", "Q959"}
    topic = data["topics"][0]
    assert topic["topic"] == "nk_ru" and topic["relevance"] == "primary"
    assert {"topic", "relevance", "score", "themes", "evidence"} <= set(topic)
    (event,) = [e for e in data["events"] if e["expression"] == "donderdag"]
    assert (event["start"], event["end"], event["precision"]) == ("2019-04-25", "2019-04-25", "day")
    assert set(event["entity_ids"]) >= {"Q56226", "Q7747"}


def test_an_event_name_also_mentions_the_states_and_places_it_names(gaz: Gazetteer) -> None:
    text = ("Sinds de Russische invasie van Oekraïne en de top van Singapore is veel veranderd. "
            "Over de Oekraïne-oorlog zei hij niets.")
    found = [(m.surface, m.entity_id) for m in gaz.find(text, date(2024, 5, 1)) if m.entity_id]
    assert ("Russische invasie van Oekraïne", "nm:russische-invasie-oekraine") in found
    assert ("Oekraïne", "Q212") in found and ("Singapore", "Q334") in found
    # a name that starts where the event's name starts is not split off (a mention is keyed by its start)
    starts = [m.start for m in gaz.find(text, date(2024, 5, 1))]
    assert len(starts) == len(set(starts))
    assert [s for s, _ in found].count("Oekraïne") == 1
