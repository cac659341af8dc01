"""Topic rules: the language analysts edit, and decisions on hand-made cases."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from newsmon.analysis import Resources, analyse
from newsmon.config import ConfigError
from newsmon.topics import DEFAULT_TOPICS, TopicResult, TopicRules

ROOT = Path(__file__).resolve().parents[1]


def topic(body: str, title: str | None = None, day: date = date(2024, 6, 20)) -> TopicResult:
    return next(t for t in analyse(body, day, title).topics if t.topic == "nk_ru")


def level(body: str, title: str | None = None, day: date = date(2024, 6, 20)) -> str:
    return topic(body, title, day).relevance


def test_passing_mention_in_a_ukraine_story() -> None:
    body = ("Oekraïne meldt zware gevechten bij Pokrovsk. Het leger zegt dat de aanvallen de hele nacht duurden. "
            "Rusland krijgt volgens Kyiv granaten uit Noord-Korea en drones uit Iran. "
            "De burgemeester riep inwoners op de stad te verlaten. Hulpdiensten werken dag en nacht. "
            "In Charkiv viel de stroom uit na een aanval op een centrale.")
    assert level(body, "Zware gevechten bij Pokrovsk") == "mention"


def test_both_countries_in_a_list_are_not_a_relation() -> None:
    body = ("De Algemene Vergadering nam de resolutie aan met 140 stemmen voor. Rusland, Noord-Korea, Belarus en "
            "Syrië stemden tegen. China onthield zich van stemming. De tekst roept op tot een staakt-het-vuren.")
    assert level(body, "VN-vergadering steunt resolutie over Oekraïne") == "none"


def test_summit_headline_is_primary() -> None:
    body = "De Noord-Koreaanse leider kwam met zijn trein aan. Poetin ontving hem op de kosmodroom."
    assert level(body, "Kim en Poetin ontmoeten elkaar op Vostotsjny", date(2023, 9, 13)) == "primary"


def test_headline_on_the_first_line_of_a_body_counts_as_the_headline() -> None:
    """Pasted or extracted text often starts with its headline; it must weigh like a title."""
    body = ("Moskou koopt artilleriegranaten in Pyongyang\n\n"
            "Het Russische leger heeft volgens Amerikaanse inlichtingendiensten miljoenen granaten besteld bij "
            "Noord-Korea. Dat melden functionarissen in Washington.\n\n"
            "De levering zou via het spoor lopen. Rusland ontkent dat er een deal is gesloten.\n\n"
            "In Kyiv werd met zorg gereageerd. De regering vraagt om meer luchtverdediging.")
    as_body = level(body)
    assert as_body == "primary"
    titled = analyse(body.split("\n\n", 1)[1], date(2024, 6, 20), "Moskou koopt artilleriegranaten in Pyongyang")
    assert titled.topics[0].relevance == as_body


def test_one_side_in_a_list_of_states_is_a_mention() -> None:
    body = ("Oekraïne vraagt om meer luchtverdediging.\n\nDe oorlog duurt inmiddels drie jaar. Iran en Noord-Korea "
            "leveren wapens aan Rusland, zegt de regering in Kyiv. In Charkiv viel opnieuw de stroom uit. "
            "Hulpdiensten werken dag en nacht door. De burgemeester vraagt inwoners om geduld.")
    result = analyse(body, date(2024, 6, 20), "Kyiv vraagt om luchtverdediging").topics[0]
    assert result.relevance == "mention"
    assert result.features["listed_sentences"] == 1


def test_byline_and_timestamp_between_headline_and_lead_are_skipped() -> None:
    """Extracted pages keep a byline and a time between headline and lead; the lead is the first prose."""
    body = ("BUITENLAND\n\nTreinverbinding tussen Rason en Chasan weer open\n\ndoor onze correspondent\n\n"
            "dinsdag 4 maart 2025, 09:12\n\n"
            "De spoorlijn tussen Noord-Korea en Rusland is na vier jaar weer in gebruik genomen. De eerste "
            "goederentrein reed maandag over de grensbrug.\n\n"
            "In de haven van Rason wordt ook gebouwd. Een Chinees bedrijf legt er een nieuwe kade aan. "
            "De werkzaamheden duren tot de zomer. Vissers klagen over de overlast.")
    result = topic(body, day=date(2025, 3, 4))
    assert result.features["lead_relation"] == 1.0
    assert result.relevance == "primary"


def test_the_pair_named_back_as_de_twee_landen_relates_them() -> None:
    body = ("Noord-Korea kampt met tekorten aan brandstof. Rusland heeft juist een overschot aan olie en "
            "diesel.\n\nDe twee landen sloten vorige week een akkoord over leveringen per spoor. "
            "Beide landen ondertekenden het verdrag in Vladivostok.\n\nHet weer was slecht.")
    result = topic(body, "Tekorten en overschotten")
    assert len(result.relation_sentences) == 2
    # without both sides in the sentences just before, "de twee landen" are some other pair
    other = ("Noord-Korea kampt met tekorten.\n\nIn Zuid-Amerika gaat het beter. Brazilië en Argentinië groeien."
             " Het is er warm. De twee landen sloten vorige week een akkoord over handel in graan.")
    assert level(other, "Tekorten") == "none"


def test_het_land_refers_back_to_the_side_named_last() -> None:
    body = ("Noord-Korea heeft dinsdag opnieuw een kruisraket getest. Dat gebeurde een week na een bezoek van de "
            "Russische minister van Defensie aan het land. Zuid-Korea sprak van een provocatie.\n\n"
            "De test was de derde dit jaar. Het projectiel kwam in zee terecht.")
    result = topic(body, "Noord-Korea test opnieuw kruisraket")
    assert [s.text[:26] for s in result.relation_sentences] == ["Dat gebeurde een week na e"]
    # "het land" after a sentence that named Russia last is Russia itself: no relation
    own = ("In Moskou werd dinsdag een nieuwe raket getoond. Rusland zegt dat het land de raket zelf bouwde en "
           "in de zomer wil testen. Noord-Korea test ook raketten, maar daarover zei het ministerie niets.")
    assert level(own, "Nieuwe raket getoond") == "none"


@pytest.mark.parametrize(
    "sentence",
    [
        "De raket vloog ruim 700 kilometer en viel bij Rusland in zee.",
        "Het projectiel kwam neer in zee, ten oosten van Rusland en ver van Japan.",
        "De raket landde in zee nabij Rusland, meldt de Japanse kustwacht.",
    ],
)
def test_a_state_named_as_a_place_is_no_party(sentence: str) -> None:
    body = (f"Noord-Korea heeft zondag opnieuw een ballistische raket afgevuurd. {sentence} Zuid-Korea en Japan "
            "veroordeelden de lancering.\n\nHet is de vierde test dit jaar.")
    assert level(body, "Noord-Korea vuurt opnieuw raket af") == "none"
    # the same state as a party in the same sentence frame is a relation
    party = body.replace(sentence, "De raket was volgens Seoul door Rusland aan Noord-Korea geleverd.")
    assert level(party, "Noord-Korea vuurt opnieuw raket af") != "none"


def test_a_lone_clause_closing_a_paragraph_is_a_mention() -> None:
    """Secondary needs a passage: one sentence ending its paragraph is a mention, however short the text."""
    body = ("Oekraïne heeft voor het eerst Franse raketten ingezet tegen doelen in Rusland. Het ging om een "
            "munitiedepot.\n\nWashington gaf eerder al toestemming voor Amerikaanse raketten, nadat Rusland "
            "militairen uit Noord-Korea had ingezet tegen Oekraïne.")
    assert level(body, "Oekraïne zet Franse raketten in") == "mention"


def test_a_lone_relation_sentence_carried_on_is_no_mere_clause() -> None:
    def features(next_sentence: str) -> dict[str, float]:
        body = ("Japan houdt een grote oefening met zijn kustwacht. Honderden schepen doen mee.\n\n"
                "In maart vlogen honderd Russische toeristen naar Pyongyang voor een reis van vier dagen. "
                f"{next_sentence} Japan wil de oefening jaarlijks herhalen.")
        return topic(body, "Grote oefening").features

    assert features("Het weer zat mee.")["lone_clause"] == 1.0
    assert features("Dat was de eerste groep sinds de pandemie.")["lone_clause"] == 0.0


def test_one_item_of_an_overview_page_is_secondary() -> None:
    """A tag or blog page strings stories together; the relation filling one of two items is secondary."""
    first = ("Moskou levert Pyongyang olie in ruil voor granaten\n\n"
             "Rusland heeft Noord-Korea dit jaar ruim een miljoen vaten olie geleverd als betaling voor granaten. "
             "Dat blijkt uit satellietbeelden van tankers in de haven van Vostotsjny. Noord-Korea stuurde op zijn "
             "beurt duizenden containers munitie naar Rusland.\n\n")
    second = ("Dijkversterking in Zeeland loopt jaren vertraging op\n\n"
              "De versterking van de dijken langs de Westerschelde is pas in 2031 klaar, vier jaar later dan gepland. "
              "Volgens het waterschap zijn er te weinig aannemers beschikbaar. Bewoners maken zich zorgen over de "
              "veiligheid tijdens stormen.")
    assert level(first + second) == "secondary"
    # the same story on its own page stays primary
    assert level(first.strip()) == "primary"


def test_kim_clijsters_is_no_north_korea() -> None:
    body = "Kim Clijsters won in Antwerpen van de Russische nummer drie. Het publiek genoot van de partij."
    assert level(body, "Clijsters wint van Russische") == "none"


def test_malformed_rule_names_topic_and_position(tmp_path: Path) -> None:
    bad = tmp_path / "topics.yaml"
    text = DEFAULT_TOPICS.read_text(encoding="utf-8")
    relation = next(line for line in text.splitlines() if line.strip().startswith("relation:"))
    bad.write_text(text.replace(relation, '    relation: "list:nk AND (list:ru OR"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"topics\.nk_ru\.relation: cannot parse rule .*unmatched parenthesis"):
        TopicRules.load(bad)
    bad.write_text(text.replace("list:cue OR title:*", "list:cues OR title:*"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"topics\.nk_ru\.relation: unknown list 'cues'"):
        TopicRules.load(bad)


def test_rules_file_is_editable(tmp_path: Path) -> None:
    """An analyst tightens a rule; the same text changes level without touching code."""
    edited = tmp_path / "topics.yaml"
    text = DEFAULT_TOPICS.read_text(encoding="utf-8")
    edited.write_text(text.replace("OR granat*", ""), encoding="utf-8")  # granaten no longer a relation cue
    body = ("Rusland krijgt granaten uit Noord-Korea. Het front blijft onrustig. In Charkiv viel de stroom uit. "
            "Hulpdiensten werken dag en nacht. De burgemeester vraagt om geduld.")
    original = analyse(body, date(2024, 6, 20), "Front onrustig").topics[0].relevance
    changed = analyse(body, date(2024, 6, 20), "Front onrustig", resources=Resources(topics=edited)).topics[0]
    assert original != "none" and changed.relevance == "none"


def test_explain_shows_the_evidence(tmp_path: Path) -> None:
    text = tmp_path / "stuk.txt"
    text.write_text("Rusland krijgt volgens Kyiv granaten uit Noord-Korea. Verder was het rustig. De burgemeester "
                    "sprak de inwoners toe. Hulpdiensten werkten de hele nacht door.", encoding="utf-8")
    cli = Path(sys.executable).with_name("newsmon")
    out = subprocess.run([cli, "explain", str(text), "--date", "2024-06-20"], capture_output=True, text=True,
                         check=True).stdout
    assert re.match(r"topic nk_ru: (mention|secondary|primary) \(score", out.splitlines()[0])
    assert "[Rusland] krijgt volgens Kyiv [granaten] uit [Noord-Korea]" in out
    # the level model's arithmetic, feature by feature, against its thresholds
    assert re.search(r"level score -?[0-9.]+ = intercept [+-][0-9.]+ .*relation_sentences \+[0-9.]+x0\.20", out)
    assert "thresholds: primary >= " in out
    assert shutil.which(str(cli))


def test_an_article_naming_neither_side_is_none_without_a_sentence_read() -> None:
    """The shortcut gives what reading every sentence gives, and never skips an article that names a side."""
    from newsmon.document import Document
    from newsmon.topics import _entity_info, _units

    resources = Resources()
    gazetteer, rules = resources.load_gazetteer(), resources.load_topics()
    texts = [
        ("Nieuwe fietspaden in Zwolle", "De gemeente legt dit jaar twaalf kilometer fietspad aan. Dat kost "
         "vier miljoen euro.\n\nOmwonenden zijn tevreden. Eerder waren er protesten in Zwolle-Zuid."),
        ("Staking bij het streekvervoer", "Chauffeurs leggen vrijdag het werk neer. Volgens de bond gaat het om "
         "de werkdruk.\n\nReizigers moeten rekening houden met vertraging."),
        ("Kim bezoekt fabriek", "Pyongyang meldt dat de leider een fabriek bezocht. Moskou reageerde niet."),
        ("Gas uit Siberië", "Gazprom levert minder gas via de pijpleiding. De Russen noemen onderhoud als reden."),
    ]
    info = _entity_info(gazetteer)
    named = []
    for title, body in texts:
        document = Document.build(body, date(2024, 6, 1), title)
        mentions = tuple(gazetteer.find_in_document(document))
        quick = rules.tag_document(document, mentions, gazetteer)
        full = [rules._tag_topic(topic, _units(document, mentions, info)) for topic in rules.data.topics]
        assert quick == full, title
        named.append(any(rules._names_a_side(t, document, mentions, info) for t in rules.data.topics))
    # the two local stories name neither side (the shortcut applies); the last two name one
    assert named == [False, False, True, True]


def test_a_side_rule_with_a_negation_turns_the_shortcut_off() -> None:
    from newsmon.topics import _negates

    lists = {"nk": "Noord-Korea* OR Pyongyang", "ru": "Rusland OR NOT Oekraïne", "x": "list:ru OR Moskou"}
    assert not _negates("list:nk", lists)
    assert _negates("list:ru", lists) and _negates("list:x", lists)
    assert _negates("Rusland -Oekraïne", lists) and not _negates('"Kim Jong-un" OR Noord-Korea*', lists)
