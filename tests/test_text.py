"""Sentence splitting on constructions Dutch news writes (texts written here)."""

from __future__ import annotations

from datetime import date

import pytest

from newsmon.analysis import analyse
from newsmon.document import Document
from newsmon.text import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a country acronym ends a sentence; "vs." (versus) does not
        ("De munitie komt niet uit de VS. Moskou zoekt het elders.", 2),
        ("Volgens de VN. Dat is alles.", 2),
        ("Feyenoord vs. Ajax eindigde in een gelijkspel.", 1),
        # the elided article starts a new sentence
        ("De trein kwam laat aan. 's Avonds volgde een banket.", 2),
        ("Het regende. 't Was een grauwe dag in Pyongyang.", 2),
        ("Hij wachtte. ’s Middags kwam het bericht.", 2),
        # titles and ranks before a name, months before a number, initials
        ("Dat zei min. Brekelmans na afloop van de vergadering.", 1),
        ("Volgens staatssecr. Van Dijk is het besluit definitief.", 1),
        ("Het besluit viel op 5 mrt. 2016 in Den Haag.", 1),
        ("Dat schreef J. de Vries in zijn boek. Hij werd later hoogleraar.", 2),
        ("De delegatie o.l.v. de minister reisde door. Daar werd gesproken.", 2),
        # a quote opened with the two commas some papers print as a low quote starts a sentence
        ("Hij noemde de gesprekken nuttig. ,,We zien elkaar snel weer,'' zei de minister.", 2),
        ("Ze bleef kalm. ,,Nee,'' antwoordde ze. Daarna ging de vergadering verder.", 3),
        # paragraph breaks always split, a headline without a full stop included
        ("Kim reist naar Moskou\n\nDe trein vertrok dinsdag.", 2),
    ],
)
def test_sentence_boundaries(text: str, expected: int) -> None:
    assert len(texts(text)) == expected, texts(text)


def test_offsets_point_into_the_text() -> None:
    text = "Het regende. 's Avonds kwam de VS. Daarna niets."
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
    assert texts(text) == ["Het regende.", "'s Avonds kwam de VS.", "Daarna niets."]


def test_split_compass_compounds_are_rejoined_in_place() -> None:
    """Machine-translated news writes "Noord -Koreaanse"; the Document rejoins it without moving any offset."""
    body = "Ruim 4.000 Noord -Koreaanse soldaten vochten in Koersk. Zuid -Korea meldt dat woensdag."
    text = Document.build(body, date(2025, 4, 30)).text("body")
    assert text is not None and len(text) == len(body)
    assert text.startswith("Ruim 4.000 Noord-Koreaanse  soldaten") and "Zuid-Korea  meldt" in text
    assert body.index("vochten") == text.index("vochten")
    kp = [m for m in analyse(body, date(2025, 4, 30)).mentions if m.entity_id and "Korea" in body[m.start : m.end + 1]]
    assert {body[m.start : m.start + 5] for m in kp} == {"Noord", "Zuid "}
    # a dash between words that are no compass compound stays as written
    assert Document.build("Hij zei -Moskou- niets.", date(2025, 4, 30)).text("body") == "Hij zei -Moskou- niets."
