"""Breadth of the shipped gazetteer: the world North Korea-Russia news draws on, by category (Ukrainian
oblasts and front towns, the Russian Far East, North Korean provinces, Chinese border provinces, cities
of the two Koreas and Japan, Russian office holders by date, party organs, state companies, think
tanks), and the short forms that must not link on their own. Texts are written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from newsmon.config import load_gazetteer
from newsmon.entities import DEFAULT_GAZETTEER, Gazetteer, Mention


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def linked(mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(m.surface, m.entity_id) for m in mentions if m.entity_id]


@pytest.mark.parametrize(
    ("text", "surface", "entity"),
    [
        # Ukrainian oblasts and front towns, Dutch and Flemish spellings
        ("Russische drones troffen 's nachts een energiecentrale in de regio Zjytomyr.", "Zjytomyr", "nm:zjytomyr"),
        ("Het leger trok zich terug uit Tsjasiv Jar na maanden van beschietingen.", "Tsjasiv Jar", "nm:tsjasiv-jar"),
        ("De aanval op Pokrovsk kost Rusland volgens Kyiv veel manschappen.", "Pokrovsk", "nm:pokrovsk"),
        ("In de oblast Dnipropetrovsk vielen drie doden.", "oblast Dnipropetrovsk", "nm:dnipropetrovsk"),
        ("Na de vernietiging van de Kachovka-dam liep het dorp onder water.", "Kachovka-dam", "nm:kachovka-dam"),
        # Russian Far East and the border with North Korea and China
        ("De trein naar Pyongyang vertrekt in Oessoeriejsk, niet in Vladivostok.", "Oessoeriejsk", "nm:oessoeriejsk"),
        ("Een vrachtschip legde aan in de haven van Vanino.", "Vanino", "nm:vanino"),
        ("In Birobidzjan woont nog een kleine Joodse gemeenschap.", "Birobidzjan", "nm:birobidzjan"),
        ("De gouverneur van Tsjoekotka bezocht de mijn.", "Tsjoekotka", "nm:tsjoekotka"),
        # North Korean provinces and cities
        ("De raket werd gelanceerd vanuit de provincie Jagang.", "provincie Jagang", "nm:jagang"),
        ("Smokkelaars steken de rivier over bij Hyesan in Ryanggang.", "Ryanggang", "nm:ryanggang"),
        ("Volgens de staatsmedia trof een overstroming Zuid-Hwanghae.", "Zuid-Hwanghae", "nm:zuid-hwanghae"),
        # Chinese border provinces, Korean and Japanese cities
        ("Handelaars uit Jilin en Liaoning kopen steenkool over de grens.", "Liaoning", "nm:liaoning"),
        ("In Sjanghai vond een conferentie plaats.", "Sjanghai", "nm:shanghai"),
        ("Het Amerikaanse vliegdekschip meerde aan in Busan en daarna in Sasebo.", "Sasebo", "nm:sasebo"),
        ("Ballonnen met afval landden in Paju, vlak bij de grens.", "Paju", "nm:paju"),
        # Bodies: party organs, state companies, think tanks
        (
            "Het Centraal Comité van de Arbeiderspartij van Korea kwam bijeen.",
            "Centraal Comité van de Arbeiderspartij van Korea",
            "nm:centraal-comite-van-de-arbeiderspartij-van-korea",
        ),
        ("Aeroflot hervat de vluchten naar Pyongyang.", "Aeroflot", "nm:aeroflot"),
        ("Sberbank opent een kantoor voor handel met Azië.", "Sberbank", "nm:sberbank"),
        ("Een analist van Clingendael noemt het verdrag symbolisch.", "Clingendael", "nm:instituut-clingendael"),
        (
            "Het Institute for the Study of War ziet Russische winst.",
            "Institute for the Study of War",
            "nm:institute-for-the-study-of-war",
        ),
        # Armed forces and fleets name their state too; ministries in their "voor" and neuter forms
        (
            "Volgens het Zuid-Koreaanse leger vloog de raket 600 kilometer.",
            "Zuid-Koreaanse leger",
            "nm:zuid-koreaanse-strijdkrachten",
        ),
        ("Schepen van de Pacifische Vloot oefenden bij Vladivostok.", "Pacifische Vloot", "nm:pacifische-vloot"),
        (
            "Het Chinese ministerie voor Buitenlandse Zaken reageerde kort.",
            "Chinese ministerie voor Buitenlandse Zaken",
            "nm:chinese-ministerie-van-buitenlandse-zaken",
        ),
        (
            "Een Oekraïens ministerie van Defensie bestaat sinds 1991.",
            "Oekraïens ministerie van Defensie",
            "nm:oekraiense-ministerie-van-defensie",
        ),
        # Companies, airports, leagues and analysts
        ("Rheinmetall bouwt een munitiefabriek in Litouwen.", "Rheinmetall", "nm:rheinmetall"),
        ("Het vliegtuig landde op Sjeremetjevo.", "Sjeremetjevo", "nm:sjeremetjevo"),
        ("Hij speelde jaren in de KHL voordat hij naar Canada ging.", "KHL", "nm:khl"),
        ("Volgens Andrei Lankov verandert er weinig.", "Andrei Lankov", "nm:andrei-lankov"),
        # Persons outside the two countries' leaderships
        ("De Hongaarse premier Viktor Orbán reisde naar Moskou.", "Viktor Orbán", "nm:viktor-orban"),
        ("Woordvoerder Guo Jiakun zei dat China geen partij is.", "Guo Jiakun", "nm:guo-jiakun"),
        ("Tsjetsjeens leider Ramzan Kadyrov stuurde eenheden naar Koersk.", "Ramzan Kadyrov", "nm:ramzan-kadyrov"),
        ("Hyon Song-wol leidde de delegatie.", "Hyon Song-wol", "nm:hyon-song-wol"),
        ("Minister Roestem Oemerov sprak in Brussel.", "Roestem Oemerov", "nm:rustem-oemerov"),
    ],
)
def test_category_members_link(gaz: Gazetteer, text: str, surface: str, entity: str) -> None:
    assert (surface, entity) in linked(gaz.find(text, date(2024, 11, 1)))


@pytest.mark.parametrize(
    ("phrase", "day", "holder"),
    [
        ("de Russische minister van Industrie en Handel", date(2023, 6, 1), "nm:denis-manturov"),
        ("de Russische minister van Industrie en Handel", date(2024, 9, 1), "nm:anton-alichanov"),
        ("de Russische eerste vicepremier", date(2022, 3, 1), "nm:andrej-beloesov"),
        ("de Russische eerste vicepremier", date(2025, 3, 1), "nm:denis-manturov"),
        ("de Russische eerste vicepremier", date(2019, 3, 1), "nm:anton-siloeanov"),
        ("de Russische minister van Energie", date(2019, 3, 1), "nm:aleksandr-novak"),
        ("de Russische minister van Energie", date(2022, 3, 1), "nm:nikolaj-sjoelginov"),
        ("de Russische minister van Transport", date(2019, 3, 1), "nm:jevgeni-dietrich"),
        ("de Russische minister van Economische Ontwikkeling", date(2018, 3, 1), "nm:maksim-oresjkin"),
        ("de voorzitter van de Doema", date(2015, 3, 1), "nm:sergej-narysjkin"),
        ("de voorzitter van de Doema", date(2018, 3, 1), "nm:vjatsjeslav-volodin"),
        ("de directeur van de Russische centrale bank", date(2024, 3, 1), "nm:elvira-nabioellina"),
        ("de Russische centralebankpresident", date(2024, 3, 1), "nm:elvira-nabioellina"),
        ("de Tsjetsjeense leider", date(2024, 10, 1), "nm:ramzan-kadyrov"),
        ("de Russische vicepremier voor het Verre Oosten", date(2023, 9, 1), "nm:joeri-troetnev"),
        ("de Gazprom-topman", date(2022, 9, 1), "nm:aleksej-miller"),
    ],
)
def test_russian_offices_resolve_by_date(gaz: Gazetteer, phrase: str, day: date, holder: str) -> None:
    roles = [m for m in gaz.find(f"Volgens {phrase} is het besluit genomen.", day) if m.kind == "role"]
    assert [m.entity_id for m in roles] == [holder]


@pytest.mark.parametrize(
    ("phrase", "day", "holder"),
    [
        ("de Hongaarse premier", date(2019, 5, 1), "nm:viktor-orban"),
        ("de Israëlische premier", date(2020, 5, 1), "nm:benjamin-netanyahu"),
        ("de Israëlische premier", date(2022, 3, 1), "nm:naftali-bennett"),
        ("de Israëlische premier", date(2023, 3, 1), "nm:benjamin-netanyahu"),
        ("de Poolse president", date(2024, 3, 1), "nm:andrzej-duda"),
        ("de Poolse president", date(2025, 9, 1), "nm:karol-nawrocki"),
        ("de Finse president", date(2023, 3, 1), "nm:sauli-niinisto"),
        ("de Zweedse premier", date(2023, 3, 1), "nm:ulf-kristersson"),
    ],
)
def test_leaders_of_often_quoted_states_resolve_by_date(gaz: Gazetteer, phrase: str, day: date, holder: str) -> None:
    roles = [m for m in gaz.find(f"Volgens {phrase} is het akkoord gesloten.", day) if m.kind == "role"]
    assert [m.entity_id for m in roles] == [holder]


def test_before_the_first_holder_a_role_names_no_one(gaz: Gazetteer) -> None:
    roles = [
        m
        for m in gaz.find("De Russische minister van Industrie en Handel sprak.", date(2010, 1, 1))
        if m.kind == "role"
    ]
    assert [m.entity_id for m in roles] == [None]


def test_ambiguous_surnames_link_only_after_a_full_mention(gaz: Gazetteer) -> None:
    alone = "Novak won in Melbourne. Miller en Marin kwamen later."
    assert [
        e
        for _, e in linked(gaz.find(alone, date(2024, 1, 20)))
        if e in {"nm:aleksandr-novak", "nm:aleksej-miller", "nm:sanna-marin"}
    ] == []
    named = "Vicepremier Aleksandr Novak sprak over olie. Novak verwacht een lagere prijs."
    assert linked(gaz.find(named, date(2024, 1, 20))).count(("Novak", "nm:aleksandr-novak")) == 1


def test_an_organ_named_in_full_explains_its_short_form(gaz: Gazetteer) -> None:
    cc = "nm:centraal-comite-van-de-arbeiderspartij-van-korea"
    china = "Het Centraal Comité kwam in Peking bijeen om de economie te bespreken."
    assert cc not in {e for _, e in linked(gaz.find(china, date(2024, 1, 1)))}
    korea = (
        "Het Centraal Comité van de Arbeiderspartij van Korea vergaderde vier dagen. "
        "Het Centraal Comité keurde het plan goed."
    )
    assert linked(gaz.find(korea, date(2024, 1, 1))).count(("Centraal Comité", cc)) == 1


def test_an_airport_phrase_leaves_the_city_its_own_mention(gaz: Gazetteer) -> None:
    found = linked(gaz.find("Het toestel landde op de luchthaven van Kuala Lumpur.", date(2024, 6, 1)))
    assert found == [("Kuala Lumpur", "nm:kuala-lumpur")]


def test_an_army_named_by_its_adjective_still_names_the_state(gaz: Gazetteer) -> None:
    (army,) = gaz.find("Het Zuid-Koreaanse leger meldt een lancering.", date(2024, 6, 1))
    assert (army.entity_id, army.refers_to) == ("nm:zuid-koreaanse-strijdkrachten", "Q884")


@pytest.mark.parametrize(
    ("text", "not_linked"),
    [
        ("Hij sprak vloeiend Engels en wat Russisch.", "Engels"),
        ("De onderhandelaars van de Arizona-coalitie zaten tot diep in de nacht samen.", "Arizona"),
        ("De Baikal-Amoerlijn is overbelast.", "Baikal"),
        ("Ze stonden aan de rand van een nieuwe crisis.", "rand"),
        ("Novak Djokovic verloor de finale.", "Novak"),
    ],
)
def test_common_words_and_parts_of_longer_names_do_not_link(gaz: Gazetteer, text: str, not_linked: str) -> None:
    assert not_linked not in {s for s, _ in linked(gaz.find(text, date(2024, 6, 1)))}


def test_every_declared_role_has_a_holder() -> None:
    data = load_gazetteer(DEFAULT_GAZETTEER)
    held = {s.role for e in data.entities for s in e.roles}
    assert [r.id for r in data.roles if r.id not in held] == []
