"""Everything derived from an article's text, in one call: entity mentions (and, as they land,
topics and events). Used by the ingest workers, by reprocessing, and by `newsmon analyze`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from newsmon.config import Config
from newsmon.entities import DEFAULT_GAZETTEER, Gazetteer, Mention

ANALYSED_STATUSES = frozenset({"ok", "paywalled"})  # a paywalled teaser still names who it is about


@dataclass(frozen=True)
class Resources:
    """Paths of the rule files; each worker process compiles them once (cached by path and mtime)."""

    gazetteer: Path = DEFAULT_GAZETTEER

    def load_gazetteer(self) -> Gazetteer:
        return Gazetteer.load(self.gazetteer)


def resources_for(config: Config) -> Resources:
    """A config directory may carry its own entities.yaml; otherwise the project's is used."""
    local = config.directory / "entities.yaml"
    return Resources(gazetteer=local if local.is_file() else DEFAULT_GAZETTEER)


@dataclass(frozen=True)
class Analysis:
    mentions: tuple[Mention, ...]
    gazetteer_version: str


def analyse(
    body: str, published: date, title: str | None = None, lead: str | None = None, resources: Resources | None = None
) -> Analysis:
    gazetteer = (resources or Resources()).load_gazetteer()
    return Analysis(tuple(gazetteer.find(body, published, title, lead)), gazetteer.version)


def analysis_json(result: Analysis, resources: Resources | None = None) -> dict[str, Any]:
    """The `newsmon analyze` contract: {"entities": [...]} (topics and events join later)."""
    gazetteer = (resources or Resources()).load_gazetteer()
    entities = []
    for m in result.mentions:
        described = gazetteer.describe(m.entity_id) if m.entity_id else {"name": None, "type": None}
        entities.append({
            "entity_id": m.entity_id, "name": described["name"], "type": described["type"], "surface": m.surface,
            "start": m.start, "end": m.end, "sentence": m.sentence, "kind": m.kind, "source": m.source,
            "field": m.field, "refers_to": m.refers_to,
        })  # fmt: skip
    return {"entities": entities}
