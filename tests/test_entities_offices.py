"""Persons named only by an office: the bare noun ("de gouverneur", "zijn zus") linked through what it hangs on.

Texts are written for these tests; each case has a twin that must stay unlinked, so a rule that links
too eagerly fails as surely as one that links too little.
"""

from __future__ import annotations

from datetime import date

import pytest

from newsmon.entities import Gazetteer
from newsmon.offices import office_of, read_clause


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def people(gaz: Gazetteer, text: str, day: date) -> list[tuple[str, str]]:
    """(surface, person id) of every linked person mention."""
    return [(m.surface, m.entity_id) for m in gaz.find(text, day)
            if m.entity_id and gaz.entities[m.entity_id].type == "person"]  # fmt: skip


def test_a_governor_resolves_by_the_region_in_the_complement_and_by_date(gaz: Gazetteer) -> None:
    text = "De gouverneur van de aan Oekraïne grenzende regio Koersk sprak van een zware nacht."
    in_2022 = people(gaz, text, date(2022, 6, 1))
    in_2025 = people(gaz, text, date(2025, 6, 1))
    assert [s for s, _ in in_2022] == ["gouverneur"] and [s for s, _ in in_2025] == ["gouverneur"]
    assert in_2022[0][1] != in_2025[0][1]  # the office changed hands in 2024
    assert gaz.entities[in_2022[0][1]].name_en == "Roman Starovoit"
    assert gaz.entities[in_2025[0][1]].name_en == "Alexander Khinshtein"
    # the region stays a mention of its own
    assert ("Koersk", "nm:koersk") in [(m.surface, m.entity_id) for m in gaz.find(text, date(2025, 6, 1))]


def test_a_mayor_keeps_the_city_as_a_place(gaz: Gazetteer) -> None:
    found = gaz.find("Ook de burgemeester van Moskou opende een nieuw metrostation.", date(2023, 3, 1))
    assert [(m.surface, m.kind) for m in found if m.entity_id == "nm:sergej-sobjanin"] == [("burgemeester", "role")]
    (city,) = [m for m in found if m.surface == "Moskou"]
    assert city.kind == "name" and city.refers_to is None  # the place, not the government


def test_a_bare_governor_takes_the_one_region_of_the_sentence_or_the_one_before(gaz: Gazetteer) -> None:
    day = date(2023, 5, 2)
    same = "Bij een aanval op Belgorod vielen twee gewonden, meldt de gouverneur."
    assert people(gaz, same, day) == [("gouverneur", "nm:vjatsjeslav-gladkov")]
    before = "Drones troffen vannacht Charkiv. Volgens de gouverneur is een school geraakt."
    assert people(gaz, before, day) == [("gouverneur", "nm:oleh-synjehoebov")]
    # two regions with a governor: no guess
    assert people(gaz, "Na aanvallen op Belgorod en Charkiv sprak de gouverneur van paniek.", day) == []
    # a region the gazetteer does not know in the complement: no guess from the rest of the sentence
    assert people(gaz, "In Belgorod klonk alarm; de gouverneur van Tambov bleef kalm.", day) == []


def test_an_installed_governor_needs_the_state_that_installed_him(gaz: Gazetteer) -> None:
    day = date(2024, 3, 1)
    text = "Na de aanval op Sebastopol sprak de door Rusland aangestelde gouverneur over schade aan de haven."
    assert people(gaz, text, day) == [("gouverneur", "nm:michail-razvozjajev")]
    # an adjective naming another state than the holder's or the region's: no link
    assert people(gaz, "Na de aanval op Sebastopol sprak de Japanse gouverneur over schade.", day) == []


def test_family_by_possessive_or_complement(gaz: Gazetteer) -> None:
    day = date(2024, 1, 10)
    assert people(gaz, "Kim Jong-un bezocht een fabriek met zijn dochter.", day)[-1] == ("dochter", "nm:kim-ju-ae")
    text = "Volgens de zus van de Noord-Koreaanse leider Kim Jong-un is de oefening een provocatie."
    assert ("zus", "nm:kim-yo-jong") in people(gaz, text, day)
    # the name right after the noun links, the noun does not (apposition)
    assert people(gaz, "Kim Jong-un kwam met zijn zus Kim Yo-jong.", day) == [
        ("Kim Jong-un", "Q56226"), ("Kim Yo-jong", "nm:kim-yo-jong")]  # fmt: skip
    # someone else's daughter, or no person to own her
    assert people(gaz, "Poetin sprak met zijn dochter.", day) == [("Poetin", "Q7747")]
    assert people(gaz, "De dochter was er niet bij.", day) == []


def test_a_possessive_office_takes_the_state_of_the_official_before_it(gaz: Gazetteer) -> None:
    text = "De Japanse minister Takeshi Iwaya zei dat zijn premier de top overslaat."
    assert ("premier", "nm:shigeru-ishiba") in people(gaz, text, date(2025, 6, 1))
    # not an official on that day (Iwaya became foreign minister in October 2024): no state, no link
    assert "premier" not in [s for s, _ in people(gaz, text, date(2023, 6, 1))]


def test_a_minister_without_country_needs_one_government_in_context(gaz: Gazetteer) -> None:
    day = date(2023, 3, 1)
    text = ("Het Noord-Koreaanse regime ontkent wapenleveringen aan Rusland. "
            "De minister van Buitenlandse Zaken spreekt van leugens.")
    assert people(gaz, text, day) == [("minister van Buitenlandse Zaken", "nm:choe-son-hui")]
    # two governments in the sentence before: no link
    two = ("De Noord-Koreaanse en de Russische regering ontkennen alles. "
           "De minister van Buitenlandse Zaken spreekt van leugens.")
    assert people(gaz, two, day) == []
    # no government named at all: no link
    assert people(gaz, "Het was een lange dag. De minister van Defensie zweeg.", day) == []
    # a president or premier is never taken from context: it refers back to whoever was called that
    assert people(gaz, "Het Kremlin reageerde niet. De president zei later niets.", day) == []


def test_an_ambassador_by_adjective_and_host_in_the_sentence(gaz: Gazetteer) -> None:
    text = "Bij de plechtigheid in Pyongyang ontbrak de Chinese ambassadeur."
    assert people(gaz, text, date(2023, 7, 27)) == [("ambassadeur", "nm:wang-yajun")]
    assert people(gaz, text, date(2018, 7, 27)) == [("ambassadeur", "nm:li-jinjun")]
    # a posting the gazetteer has no holder for: no link
    assert people(gaz, "In Kuala Lumpur werd de Noord-Koreaanse ambassadeur ontboden.", date(2017, 2, 20)) == []
    # the indefinite article or "voormalige": any holder, not the one on the day
    assert people(gaz, "In Pyongyang sprak een Chinese ambassadeur.", date(2023, 7, 27)) == []
    assert people(gaz, "In Pyongyang sprak de voormalige Chinese ambassadeur.", date(2023, 7, 27)) == []


def test_genitive_of_a_state_before_an_office(gaz: Gazetteer) -> None:
    found = people(gaz, "Ruslands president kondigde nieuwe maatregelen aan.", date(2024, 5, 1))
    assert found == [("Ruslands president", "Q7747")]


def test_office_of_and_read_clause() -> None:
    phrase = "gouverneur van de regio Koersk"
    assert office_of(phrase, [(phrase.index("Koersk"), len(phrase))]) == "gouverneur"
    assert office_of("door Rusland aangestelde gouverneur", [(5, 12)]) is None  # not a known office
    text = "Volgens de door Moskou benoemde gouverneur van de regio Koersk, zo meldt hij"
    start = text.index("gouverneur")
    clause = read_clause(text, start, start + len("gouverneur"))
    assert clause.determiner == "de"
    assert clause.complement is not None and text[slice(*clause.complement)] == " van de regio Koersk"
    assert read_clause("een gouverneur", 4, 14).determiner is None


def test_a_genitive_name_owns_the_office_after_it(gaz: Gazetteer) -> None:
    day = date(2024, 6, 1)
    assert ("zus", "nm:kim-yo-jong") in people(gaz, "Kim Jong-un sprak lang. Kims zus kwam later.", day)
    # a genitive of someone without that relation: nothing
    assert "zus" not in [s for s, _ in people(gaz, "Poetin sprak lang. Poetins zus kwam later.", day)]


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        ("De Russische topdiplomaat reisde naar Pyongyang.", date(2024, 6, 1), "nm:sergej-lavrov"),
        ("De Wit-Russische leider ontving hem.", date(2024, 6, 1), "nm:aleksandr-loekasjenko"),
        ("De Russische minister van Natuurlijke Hulpbronnen leidde de delegatie.", date(2019, 6, 1),
         "nm:dmitri-kobylkin"),
        ("De Russische minister van Natuurlijke Hulpbronnen leidde de delegatie.", date(2023, 6, 1),
         "nm:aleksandr-kozlov"),
        ("De Noord-Koreaanse ambassadeur in Moskou werd ontboden.", date(2022, 6, 1), "nm:sin-hong-chol"),
        ("Ook de Japanse regeringswoordvoerder reageerde.", date(2022, 6, 1), "nm:hirokazu-matsuno"),
    ],
)
def test_role_phrases_of_the_domain_resolve_by_date(gaz: Gazetteer, text: str, day: date, expected: str) -> None:
    assert expected in [eid for _s, eid in people(gaz, text, day)]


def test_a_complement_without_a_name_points_back(gaz: Gazetteer) -> None:
    day = date(2023, 8, 10)
    text = "Drones troffen een depot in de grensregio Belgorod. De gouverneur van de regio sprak van sabotage."
    assert people(gaz, text, day) == [("gouverneur", "nm:vjatsjeslav-gladkov")]
    # with a name after the noun it is a real complement: an unknown region is no guess
    assert people(gaz, "Drones troffen Belgorod. De gouverneur van de regio Tambov sprak van sabotage.", day) == []


def test_a_name_after_the_complement_is_an_apposition(gaz: Gazetteer) -> None:
    found = people(gaz, "De gouverneur van Koersk, Roman Starovojt, sprak van sabotage.", date(2023, 8, 10))
    assert found == [("Roman Starovojt", "nm:roman-starovojt")]


def test_a_possessive_opening_a_sentence_takes_the_one_person_of_the_sentence_before(gaz: Gazetteer) -> None:
    day = date(2024, 6, 20)
    assert ("zus", "nm:kim-yo-jong") in people(gaz, "Kim Jong-un sprak op een congres. Zijn zus zat naast hem.", day)
    # two persons before: whose sister is unclear
    two = "Kim Jong-un sprak met Poetin. Zijn zus zat naast hem."
    assert "zus" not in [s for s, _ in people(gaz, two, day)]
    # "hun" never points at one person
    assert people(gaz, "Kim Jong-un sprak. De staatsmedia prezen hun leider.", day) == [("Kim Jong-un", "Q56226")]


def test_a_state_ministry_names_its_government(gaz: Gazetteer) -> None:
    text = "Het Russische ministerie van Buitenlandse Zaken sprak van laster. De minister van Defensie zweeg."
    assert people(gaz, text, date(2022, 11, 8)) == [("minister van Defensie", "nm:sergej-sjojgoe")]


def test_an_office_as_predicate_is_no_mention(gaz: Gazetteer) -> None:
    text = "Poetin bezocht Pyongyang in zijn eerste jaar als president."
    assert people(gaz, text, date(2023, 9, 16)) == [("Poetin", "Q7747")]


def test_a_title_before_a_surname_picks_the_holder_of_an_office_so_called(gaz: Gazetteer) -> None:
    # two Choes hold offices in 2024 (the foreign minister and the presidium chair): the title decides
    text = "Minister Choe zei na afloop dat de gesprekken nuttig waren geweest."
    assert people(gaz, text, date(2024, 11, 1)) == [("Choe", "nm:choe-son-hui")]
    # before she became foreign minister no Choe held a ministry: the surname stays unlinked
    assert people(gaz, text, date(2021, 3, 1)) == []
    # without a title, two office holders fit and neither is chosen
    assert people(gaz, "Choe zei na afloop dat de gesprekken nuttig waren geweest.", date(2024, 11, 1)) == []
    # a title that fits neither office links no one
    assert people(gaz, "Generaal Choe zei na afloop dat de gesprekken nuttig waren.", date(2024, 11, 1)) == []


def test_a_short_form_means_the_body_whose_context_the_article_names(gaz: Gazetteer) -> None:
    def council(text: str) -> list[str | None]:
        return [m.entity_id for m in gaz.find(text, date(2024, 3, 1)) if m.surface.lower() == "veiligheidsraad"]

    un = "De VN-gezant sprak van een keerpunt. Alle leden van de Veiligheidsraad stemden voor."
    assert council(un) == ["Q37470"]
    assert council(un.replace("Veiligheidsraad", "veiligheidsraad")) == ["Q37470"]
    # no UN in the article: the short form is ambiguous and stays unlinked
    assert council("Alle leden van de Veiligheidsraad stemden voor het plan van de regering.") == [None]
    # a council named in full before it keeps the short form, UN or not
    named = ("Medvedev sprak in de Russische Veiligheidsraad over de VN. Volgens hem wil de Veiligheidsraad "
             "snel een besluit.")
    assert council(named)[-1] == "nm:russische-veiligheidsraad"


def test_a_bare_ministry_is_the_ministry_of_the_one_government_in_context(gaz: Gazetteer) -> None:
    def ministry(text: str) -> list[str | None]:
        return [m.entity_id for m in gaz.find(text, date(2024, 5, 1)) if m.surface.startswith("ministerie van")]

    chinese = "Peking reageerde koel. Een woordvoerder van het ministerie van Buitenlandse Zaken sprak van inmenging."
    assert ministry(chinese) == ["nm:chinese-ministerie-van-buitenlandse-zaken"]
    russian = "De Russische regering ontkent alles. Het ministerie van Defensie meldde dat er geen doden waren."
    assert ministry(russian) == ["nm:russisch-ministerie-van-defensie"]
    # two governments in play, or none: no guess
    both = ("Moskou en Peking reageerden koel. Een woordvoerder van het ministerie van Buitenlandse Zaken sprak "
            "van inmenging.")
    assert ministry(both) == []
    assert ministry("Een woordvoerder van het ministerie van Buitenlandse Zaken sprak van inmenging.") == []
    # "een ministerie" is any ministry
    assert ministry("Peking reageerde koel. Een ambtenaar van een ministerie van Defensie zweeg.") == []
