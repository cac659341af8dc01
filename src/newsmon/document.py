"""One article's text, taken apart once for every enricher.

A `Document` holds, per field (title, lead, body), the NFC-normalised text, its sentences with offsets,
each sentence's lower-cased word tokens with offsets, and which paragraph each sentence is in. Entities,
topics and events all read the same sentences, so a sentence index means the same thing in every table,
and the splitting and tokenising happen once per article instead of once per enricher.

Offsets index the normalised text; ingest stores NFC text already, and the one other change (rejoining a
split compound, "Noord -Korea") keeps the length, so they index the stored body too.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from newsmon.text import WORD, Sentence, split_sentences

FIELDS = ("title", "lead", "body")
_PARAGRAPH_BREAK = re.compile(r"\n\s*")
# Machine-translated news splits compass compounds: "Noord -Koreaanse soldaten", "Zuid -Korea". The words are
# rejoined and the space moved behind them, so every offset stays where it was in the stored text.
_SPLIT_COMPOUND = re.compile(r"\b(Noord|Zuid|Oost|West|Midden|Zuidoost|Noordoost|Zuidwest|Noordwest) -([A-Z]\w*)")


def _rejoin_compounds(text: str) -> str:
    return _SPLIT_COMPOUND.sub(lambda m: f"{m[1]}-{m[2]} ", text) if " -" in text else text


@dataclass(frozen=True)
class FieldText:
    name: str
    text: str
    sentences: tuple[Sentence, ...]
    paragraphs: tuple[int, ...]  # paragraph index of each sentence

    @cached_property
    def tokens(self) -> tuple[tuple[tuple[str, int, int], ...], ...]:
        """Per sentence: (lower-cased token, start, end) with offsets into the field's text."""
        return tuple(
            tuple((m.group().lower(), m.start(), m.end()) for m in WORD.finditer(self.text, s.start, s.end))
            for s in self.sentences
        )

    @cached_property
    def lower(self) -> str | None:
        """The lower-cased text, whose tokens are the text's tokens lower-cased, at the same offsets: lower-casing
        keeps every character a word character or not. None where it changes a length ("İ") or depends on a
        neighbour (final sigma)."""
        lower = self.text.lower()
        return None if len(lower) != len(self.text) or "\u03a3" in self.text else lower

    @cached_property
    def words(self) -> tuple[tuple[str, ...], ...]:
        """Per sentence: the lower-cased tokens alone, as in `tokens`, found in one call per sentence on the
        lower-cased text (`lower`; without it, from `tokens`)."""
        lower = self.lower
        if lower is None:
            return tuple(tuple(t[0] for t in sentence) for sentence in self.tokens)
        return tuple(tuple(WORD.findall(lower, s.start, s.end)) for s in self.sentences)


@dataclass(frozen=True)
class Document:
    published: date
    fields: dict[str, FieldText] = field(default_factory=dict)

    @classmethod
    def build(cls, body: str, published: date, title: str | None = None, lead: str | None = None) -> Document:
        texts = {"title": title, "lead": lead, "body": body}
        fields = {}
        for name in FIELDS:
            text = texts[name]
            if not text:
                continue
            text = _rejoin_compounds(unicodedata.normalize("NFC", text))
            sentences = tuple(split_sentences(text))
            starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
            paragraphs = tuple(bisect_right(starts, s.start) - 1 for s in sentences)
            fields[name] = FieldText(name, text, sentences, paragraphs)
        return cls(published, fields)

    def text(self, name: str) -> str | None:
        found = self.fields.get(name)
        return found.text if found else None
