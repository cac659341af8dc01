"""Everything derived from an article's text, in one call: entity mentions, topics with evidence,
and dated events. Used by the ingest workers, by reprocessing, and by `newsmon analyze`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from newsmon.config import Config, ConfigError
from newsmon.document import Document
from newsmon.entities import DEFAULT_GAZETTEER, Gazetteer, Mention
from newsmon.events import MONTHS, SEASONS, WEEKDAYS, TemporalExpression, find_expressions
from newsmon.events import RULES_VERSION as EVENT_RULES_VERSION
from newsmon.topics import DEFAULT_TOPICS, TopicResult, TopicRules

ANALYSED_STATUSES = frozenset({"ok", "paywalled"})  # a paywalled teaser still says what it is about
EVENTS_FOR_LEVELS = frozenset({"primary", "secondary", "mention"})  # events are kept for tagged articles


@dataclass(frozen=True)
class Resources:
    """Paths of the rule files; each worker process compiles them once (cached by path and mtime)."""

    gazetteer: Path = DEFAULT_GAZETTEER
    topics: Path = DEFAULT_TOPICS

    def load_gazetteer(self) -> Gazetteer:
        return Gazetteer.load(self.gazetteer)

    def load_topics(self) -> TopicRules:
        return TopicRules.load(self.topics)


def check_rules(config: Config) -> Resources:
    """Load the gazetteer and topic rules a run would use, before anything runs: a malformed rule
    stops the command with the file and the rule's position, instead of failing page by page."""
    resources = resources_for(config)
    for path, load in ((resources.gazetteer, resources.load_gazetteer), (resources.topics, resources.load_topics)):
        try:
            load()
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}" if str(path) not in str(exc) else str(exc)) from exc
    return resources


def resources_for(config: Config) -> Resources:
    """A config directory may carry its own entities.yaml / topics.yaml; otherwise the project's are used."""
    gazetteer, topics = config.directory / "entities.yaml", config.directory / "topics.yaml"
    return Resources(
        gazetteer=gazetteer if gazetteer.is_file() else DEFAULT_GAZETTEER,
        topics=topics if topics.is_file() else DEFAULT_TOPICS,
    )


@dataclass(frozen=True)
class Event:
    """A temporal expression in a tagged article, with the entities named in its sentence."""

    field: str
    expression: TemporalExpression
    sentence_text: str
    entity_ids: tuple[str, ...]


@dataclass(frozen=True)
class Analysis:
    mentions: tuple[Mention, ...]
    topics: tuple[TopicResult, ...]
    events: tuple[Event, ...]
    gazetteer_version: str
    topics_version: str
    events_version: str = EVENT_RULES_VERSION

    @property
    def tagged(self) -> bool:
        return any(t.relevance in EVENTS_FOR_LEVELS for t in self.topics)


def _events(document: Document, mentions: tuple[Mention, ...], names: tuple[str, ...]) -> tuple[Event, ...]:
    events = []
    in_sentence: dict[tuple[str, int], set[str]] = {}  # the entities of each sentence
    for m in mentions:
        if m.entity_id:
            in_sentence.setdefault((m.field, m.sentence), set()).add(m.entity_id)
    for name, part in document.fields.items():
        sentences = part.sentences
        for expr in find_expressions(part.text, document.published, names=names, sentences=sentences):
            sentence = sentences[expr.sentence] if expr.sentence < len(sentences) else None
            ids = sorted(in_sentence.get((name, expr.sentence), ()))
            events.append(Event(name, expr, sentence.text if sentence else "", tuple(ids)))
    return tuple(events)


def analyse(
    body: str, published: date, title: str | None = None, lead: str | None = None, resources: Resources | None = None
) -> Analysis:
    """Entities, topics and events of one article, from one Document (the text is split and tokenised once)."""
    resources = resources or Resources()
    gazetteer, rules = resources.load_gazetteer(), resources.load_topics()
    document = Document.build(body, published, title, lead)
    mentions = tuple(gazetteer.find_in_document(document))
    topics = tuple(rules.tag_document(document, mentions, gazetteer))
    tagged = any(t.relevance in EVENTS_FOR_LEVELS for t in topics)
    events = _events(document, mentions, _proper_names(gazetteer)) if tagged else ()
    return Analysis(mentions, topics, events, gazetteer.version, rules.version)


@cache
def _proper_names(gazetteer: Gazetteer) -> tuple[str, ...]:
    """The gazetteer's names that hold a weekday, month or season word ("De Morgen", "Arabische Lente"):
    inside them nothing is a date."""
    return tuple(sorted({n for e in gazetteer.data.entities for n in e.names if _CALENDAR_WORD.search(n)}))


_CALENDAR_WORD = re.compile(rf"(?i)\b(?:{'|'.join((*WEEKDAYS, 'morgen', *MONTHS, *SEASONS))})\b")


def analysis_json(result: Analysis, resources: Resources | None = None) -> dict[str, Any]:
    """The `newsmon analyze` contract: {"entities": [...], "topics": [...], "events": [...]}."""
    gazetteer = (resources or Resources()).load_gazetteer()
    entities = []
    for m in result.mentions:
        described = gazetteer.describe(m.entity_id) if m.entity_id else {"name": None, "type": None}
        entities.append({
            "entity_id": m.entity_id, "name": described["name"], "type": described["type"], "surface": m.surface,
            "start": m.start, "end": m.end, "sentence": m.sentence, "kind": m.kind, "source": m.source,
            "field": m.field, "refers_to": m.refers_to,
        })  # fmt: skip
    events = [
        {"expression": e.expression.text, "start": _iso(e.expression.date_start), "end": _iso(e.expression.date_end),
         "precision": e.expression.precision, "sentence": e.sentence_text, "entity_ids": list(e.entity_ids),
         "field": e.field, "char_start": e.expression.start, "char_end": e.expression.end}
        for e in result.events
    ]  # fmt: skip
    return {"entities": entities, "topics": [t.to_json() for t in result.topics], "events": events}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
