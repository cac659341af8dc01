"""Dating by the clause that holds the expression: the sentences of the timeline issue and their kin."""

from __future__ import annotations

from datetime import date

import pytest

from newsmon.events import find_expressions
from newsmon.events_tense import clause_spans, clause_tense


def dated(text: str, published: date) -> dict[str, tuple[date | None, date | None]]:
    return {e.text: (e.date_start, e.date_end) for e in find_expressions(text, published)}


TUESDAY = date(2025, 3, 18)


@pytest.mark.parametrize(("text", "published", "expression", "day"), [
    # the three sentences of the issue
    ("Kim Jong-un heeft afgelopen donderdag in Vladivostok de Russische president ontmoet.", TUESDAY,
     "afgelopen donderdag", date(2025, 3, 13)),
    ("Kim Jong-un is afgelopen donderdag in Vladivostok aangekomen.", TUESDAY, "afgelopen donderdag",
     date(2025, 3, 13)),
    ("Poetin zei dinsdag dat hij Kim wil ontmoeten.", date(2025, 3, 20), "dinsdag", date(2025, 3, 18)),
    # reportative perfect, pluperfect, and a reported event in the present after a past speech act
    ("Kim zou dinsdag met zijn trein in Chasan zijn aangekomen.", date(2025, 3, 20), "dinsdag", date(2025, 3, 18)),
    ("Izvestia had woensdag gemeld dat de leiders elkaar in Vladivostok zouden ontmoeten.", date(2025, 3, 20),
     "woensdag", date(2025, 3, 19)),
    ("Het Kremlin maakte woensdag bekend dat Kim zondag aankomt.", date(2025, 3, 20), "zondag", date(2025, 3, 23)),
    # news announces in the present; future auxiliaries; markers at the expression
    ("Kim komt donderdag aan in Vladivostok.", TUESDAY, "donderdag", date(2025, 3, 20)),
    ("Lavrov zal donderdag in Pyongyang praten.", TUESDAY, "donderdag", date(2025, 3, 20)),
    ("Het akkoord werd vrijdag j.l. getekend.", TUESDAY, "vrijdag", date(2025, 3, 14)),
    ("Volgende dinsdag stemt de Veiligheidsraad.", TUESDAY, "Volgende dinsdag", date(2025, 3, 25)),
    # compounds, Flemish day parts included
    ("De trein vertrok zondagnamiddag uit Pyongyang.", TUESDAY, "zondagnamiddag", date(2025, 3, 16)),
    ("Het leger meldde woensdagochtend een lancering.", TUESDAY, "woensdagochtend", date(2025, 3, 12)),
    ("De ministers troffen elkaar maandagvoormiddag.", TUESDAY, "maandagvoormiddag", date(2025, 3, 17)),
])  # fmt: skip
def test_day_from_the_clause(text: str, published: date, expression: str, day: date) -> None:
    assert dated(text, published)[expression] == (day, day)


def test_months_without_a_year_are_the_latest_unless_the_clause_looks_ahead() -> None:
    april = date(2019, 4, 25)
    assert dated("In februari liep de top in Hanoi zonder akkoord af.", april)["februari"] == (
        date(2019, 2, 1), date(2019, 2, 28))
    assert dated("In juni was er een top in Singapore.", april)["juni"] == (date(2018, 6, 1), date(2018, 6, 30))
    assert dated("Poetin zal in juni naar Pyongyang reizen.", april)["juni"] == (date(2019, 6, 1), date(2019, 6, 30))
    # "sinds" is always past, whatever the tense
    assert dated("Sinds augustus vechten de soldaten mee.", date(2025, 1, 15))["augustus"] == (
        date(2024, 8, 1), date(2024, 8, 31))
    assert dated("Afgelopen zomer leverde het land granaten.", date(2024, 1, 20))["Afgelopen zomer"] == (
        date(2023, 6, 1), date(2023, 8, 31))


def test_names_are_not_dates() -> None:
    assert find_expressions("Dat meldt De Morgen.", TUESDAY) == []
    assert find_expressions("De Arabische Lente veranderde de regio.", TUESDAY) == []
    assert find_expressions("Elke maandag is er een persbriefing.", TUESDAY) == []
    text = "Het programma Nieuws van vandaag besteedde aandacht aan de top."
    assert [e.text for e in find_expressions(text, TUESDAY)] == ["vandaag"]
    assert find_expressions(text, TUESDAY, names=["Nieuws van vandaag"]) == []


def test_counted_from_the_previous_date() -> None:
    found = dated("Poetin landde op 18 juni in Pyongyang. Een dag later tekenden beide leiders het verdrag.",
                  date(2024, 6, 25))
    assert found["Een dag later"] == (date(2024, 6, 19), date(2024, 6, 19))
    # nothing to count from: found, left unresolved
    assert dated("Een dag later tekenden beide leiders het verdrag.", date(2024, 6, 25))["Een dag later"] == (
        None, None)


def test_clauses_and_their_tense() -> None:
    sentence = "Poetin zei dinsdag dat hij Kim wil ontmoeten"
    parts = [sentence[a:b].strip() for a, b in clause_spans(sentence)]
    assert parts == ["Poetin zei dinsdag", "dat hij Kim wil ontmoeten"]
    assert [clause_tense(p) for p in parts] == ["past", "future"]
    other = "Hij bezocht met dat doel Moskou"
    assert [other[a:b] for a, b in clause_spans(other)] == [other]
    assert clause_tense("Kim komt donderdag aan") == "present"
    joined = "Kim arriveerde woensdag en vertrekt vrijdag weer"
    assert [joined[a:b].strip() for a, b in clause_spans(joined)] == [
        "Kim arriveerde woensdag", "en vertrekt vrijdag weer"]
    assert len(clause_spans("Kim en president Poetin spraken dinsdag")) == 1


def test_bad_input_is_named() -> None:
    with pytest.raises(TypeError, match=r"published=.2025-03-18.: expected a datetime\.date"):
        find_expressions("Kim komt donderdag.", "2025-03-18")  # type: ignore[arg-type]
