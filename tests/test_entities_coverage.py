"""What the shipped gazetteer covers and how real Dutch news writes it: every state, roles of the
main governments resolved by date, headlines and datelines in capitals, metonyms used as places,
longer names that contain a shorter one. Texts are written for these tests."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from newsmon.config import load_gazetteer
from newsmon.entities import DEFAULT_GAZETTEER, Gazetteer, Mention


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def ids(mentions: list[Mention]) -> list[tuple[str, str | None]]:
    return [(m.surface, m.entity_id) for m in mentions if m.source == "gazetteer"]


def test_every_un_member_and_observer_is_a_country_with_its_own_code() -> None:
    data = load_gazetteer(DEFAULT_GAZETTEER)
    codes = Counter(e.country for e in data.entities if e.type == "country" and e.country)
    assert len(codes) >= 197  # 193 UN members, Taiwan, Kosovo, Palestine, Vatican
    assert [c for c, n in codes.items() if n > 1] == []
    for code in ("KP", "RU", "TW", "XK", "PS", "VA", "TV", "NZ", "CZ", "ZA", "BY"):
        assert code in codes, code


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Een delegatie uit de VS landde.", "Q30"),
        ("Amerika en Japan spraken.", "Q30"),
        ("Het VK stuurt geld.", "Q145"),
        ("Groot-Brittannië stuurt geld.", "Q145"),
        ("Wit-Rusland en Belarus: twee namen voor één land.", "Q184"),
        ("Tsjechië levert granaten.", "Q213"),
        ("Tsjechische munitie komt aan.", "Q213"),
        ("Nieuw-Zeelandse fregatten varen uit.", "Q664"),
        ("De Oezbeken stemden tegen.", "Q265"),
    ],
)
def test_dutch_state_names_adjectives_and_demonyms(gaz: Gazetteer, text: str, entity: str) -> None:
    assert entity in {eid for _, eid in ids(gaz.find(text, date(2024, 6, 1)))}


@pytest.mark.parametrize(
    ("phrase", "day", "holder"),
    [
        ("de Britse premier", date(2017, 1, 10), "nm:theresa-may"),
        ("de Britse premier", date(2020, 6, 1), "nm:boris-johnson"),
        ("de Franse president", date(2016, 5, 1), "nm:francois-hollande"),
        ("de Franse president", date(2018, 5, 1), "nm:emmanuel-macron"),
        ("de Duitse minister van Buitenlandse Zaken", date(2023, 3, 1), "nm:annalena-baerbock"),
        ("de Japanse minister van Defensie", date(2017, 1, 10), "nm:tomomi-inada"),
        ("de Zuid-Koreaanse minister van Defensie", date(2024, 10, 1), "nm:kim-yong-hyun"),
        ("de Turkse president", date(2022, 1, 1), "nm:recep-tayyip-erdogan"),
        ("de Indiase premier", date(2023, 1, 1), "nm:narendra-modi"),
        ("de Kremlin-woordvoerder", date(2023, 9, 13), "nm:dmitri-peskov"),
        ("de Noord-Koreaanse leider", date(2011, 1, 1), "nm:kim-jong-il"),
    ],
)
def test_role_phrases_resolve_by_date(gaz: Gazetteer, phrase: str, day: date, holder: str) -> None:
    (role,) = [m for m in gaz.find(f"Volgens {phrase} is het akkoord gesloten.", day) if m.kind == "role"]
    assert role.entity_id == holder


def test_a_role_names_its_state_and_a_former_holder_is_not_todays(gaz: Gazetteer) -> None:
    (now,) = [m for m in gaz.find("De Amerikaanse president belde.", date(2024, 6, 1)) if m.kind == "role"]
    assert (now.entity_id, now.refers_to) == ("Q6279", "Q30")
    for text in ("De voormalige Amerikaanse president belde.", "De oud-Amerikaanse president belde."):
        (was,) = [m for m in gaz.find(text, date(2024, 6, 1)) if m.kind == "role"]
        assert (was.entity_id, was.refers_to) == (None, "Q30")
    (body,) = gaz.find("De Zuid-Koreaanse inlichtingendienst meldt het.", date(2024, 6, 1))
    assert body.refers_to == "Q884"


def test_role_periods_never_overlap() -> None:
    data = load_gazetteer(DEFAULT_GAZETTEER)
    spells: dict[str, list[tuple[date, date, str]]] = {}
    for e in data.entities:
        for s in dict.fromkeys(e.roles):
            start = s.from_ or date(1900, 1, 1)
            spells.setdefault(s.role, []).append((start, s.to or date(2100, 1, 1), e.id))
    clashes = []
    for role, periods in spells.items():
        periods.sort()
        held_until, holder = periods[0][1], periods[0][2]
        for start, end, who in periods[1:]:
            if start < held_until and who != holder:
                clashes.append((role, holder, who, start))
            if end > held_until:
                held_until, holder = end, who
    assert clashes == []
    for e in data.entities:
        for s in e.roles:
            assert s.to is None or s.from_ is None or s.from_ < s.to, (e.id, s)
            assert s.to is None or s.to - (s.from_ or s.to) < timedelta(days=366 * 80)


def test_headlines_and_datelines_in_capitals(gaz: Gazetteer) -> None:
    found = ids(gaz.find("POETIN ONTMOET KIM IN VLADIVOSTOK", date(2019, 4, 25)))
    assert found == [("POETIN", "Q7747"), ("KIM", "Q56226"), ("VLADIVOSTOK", "Q959")]
    line = "MOSKOU/PYONGYANG (ANP) - De twee landen tekenden een verdrag."
    assert {"Q649", "Q18808"} <= {eid for _, eid in ids(gaz.find(line, date(2024, 6, 19)))}
    glued = "Meer nieuws | 3 uur geledenSEOUL (ANP) - Noord-Korea vuurde een raket af."
    assert ("SEOUL", "Q8684") in ids(gaz.find(glued, date(2024, 6, 19)))
    assert ids(gaz.find("Een grote ongeordende POETINACHTIGE kop", date(2024, 6, 1))) == []


def test_capitals_used_as_places(gaz: Gazetteer) -> None:
    text = (
        "Het Kremlin ontkende alles. De gasten dineerden in het Kremlin. De burgemeester van Moskou opende een "
        "tentoonstelling in de hoofdstad Moskou. Moskou reageerde woedend."
    )
    kinds = [(m.surface, m.kind) for m in gaz.find(text, date(2024, 6, 1)) if m.surface in {"Kremlin", "Moskou"}]
    assert kinds == [("Kremlin", "metonym"), ("Kremlin", "name"), ("Moskou", "name"), ("Moskou", "name"),
                     ("Moskou", "metonym")]  # fmt: skip


def test_a_longer_proper_name_is_not_the_shorter_entity(gaz: Gazetteer) -> None:
    text = "Gisteren won ADO Den Haag van PSV. Een analist van het Rusland Instituut en Nederland keken toe."
    found = gaz.find(text, date(2024, 6, 1))
    assert ("Den Haag", "nm:den-haag") not in ids(found)
    assert ("Rusland", "Q159") not in ids(found)
    assert ("Nederland", "Q55") in ids(found)
    assert any(m.surface.startswith("ADO Den Haag") and m.source == "candidate" for m in found)


def test_coordinated_state_adjectives_before_a_plural_role(gaz: Gazetteer) -> None:
    text = "De Amerikaanse en Zuid-Koreaanse defensieministers spraken elkaar."
    roles = [(m.surface, m.entity_id, m.refers_to) for m in gaz.find(text, date(2024, 10, 10)) if m.kind == "role"]
    assert roles == [("Amerikaanse", "nm:lloyd-austin", "Q30"), ("Zuid-Koreaanse", "nm:kim-yong-hyun", "Q884")]
    former = gaz.find("De voormalige Franse en Duitse presidenten kwamen.", date(2024, 10, 10))
    assert [m.kind for m in former] == ["adjective", "adjective"]
