"""Score the analysis on a labelled folder of real news (`newsmon eval DIR`).

A folder holds `NNN.txt` files (`URL:` and `DATE:` header lines, a blank line, the text as published),
`labels.csv` (file, relevance, themes, key_entities, reason) and optionally `events.csv` (file, expression,
resolved, event). The labelling rules are the product's definitions: relevance level of the nk_ru topic,
themes for primary and secondary texts, key entities by canonical English name (a trailing `*` marks a person
named only by a role), and temporal expressions whose resolution is certain.

Every text goes through the same `analyse` call as `newsmon analyze FILE --date D`: the text is the body, there
is no separate title (its first line is sometimes the headline). The date is the DATE header; when it gives only
a month or a year, the day comes from a date in the URL when there is one, otherwise the first day of the period
(and weekday expressions of such a text are not scored, since their answer depends on the missing day).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from newsmon.analysis import Analysis, Resources, analyse
from newsmon.dates import url_date
from newsmon.entities import Gazetteer
from newsmon.events import TemporalExpression, find_expressions
from newsmon.levels import Example, LevelModel, accuracy, fit, folds

LEVELS = ("primary", "secondary", "mention", "none")
TOPIC = "nk_ru"


class EvalError(Exception):
    """A folder that is not in the labelled layout, with the file and the reason."""


@dataclass(frozen=True)
class GoldEntity:
    name: str
    role_only: bool


@dataclass(frozen=True)
class GoldEvent:
    expression: str
    resolved: str  # YYYY-MM-DD, YYYY-MM or YYYY


@dataclass(frozen=True)
class Sample:
    batch: str
    file: str
    url: str
    published: date
    day_known: bool  # False when DATE gave only a month or a year and the URL no day
    text: str
    relevance: str
    themes: frozenset[str]
    entities: tuple[GoldEntity, ...]
    events: tuple[GoldEvent, ...] = ()


@dataclass
class Outcome:
    sample: Sample
    relevance: str
    score: float
    themes: frozenset[str]
    found_entities: frozenset[str]  # gold names found
    missed_entities: tuple[str, ...]
    events_right: int
    events_wrong: tuple[str, ...]  # "expression: expected X, got Y"
    events_skipped: int
    features: dict[str, float] = field(default_factory=dict)
    related: bool = False  # at least one relation sentence that is not an enumeration of states
    listed: bool = False  # at least one that is

    @property
    def level_error(self) -> int:
        return abs(LEVELS.index(self.sample.relevance) - LEVELS.index(self.relevance))


# --- reading a folder ------------------------------------------------------------------------


def _read_text(path: Path) -> tuple[dict[str, str], str]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read as UTF-8 text: {exc}") from None
    head, sep, body = raw.partition("\n\n")
    if not sep:
        raise EvalError(f"{path}: no blank line after the URL:/DATE: header")
    headers = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        headers[key.strip().upper()] = value.strip()
    if "DATE" not in headers:
        raise EvalError(f"{path}: no DATE: header line")
    return headers, body.strip("\n")


def publication_date(value: str, url: str, where: str) -> tuple[date, bool]:
    """The analysis date for a DATE header: (date, whether the day is known)."""
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 3:
            return date(*numbers), True
        in_url = url_date(url)
        from_url = in_url.local_day if in_url else None
        if from_url and from_url.year == numbers[0] and (len(numbers) == 1 or from_url.month == numbers[1]):
            return from_url, True
        if len(numbers) == 2:
            return date(numbers[0], numbers[1], 1), False
        if len(numbers) == 1:
            return date(numbers[0], 1, 1), False
    except ValueError:
        pass
    raise EvalError(f"{where}: DATE {value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")


def _read_csv(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EvalError(f"{path}: cannot read: {exc}") from None
    missing = [c for c in required if rows and c not in rows[0]]
    if missing:
        raise EvalError(f"{path}: missing columns {missing}")
    return rows


def load_batch(folder: Path) -> list[Sample]:
    labels_path = folder / "labels.csv"
    if not labels_path.is_file():
        raise EvalError(f"{folder}: no labels.csv (expected NNN.txt files with labels.csv beside them)")
    events: dict[str, list[GoldEvent]] = {}
    if (folder / "events.csv").is_file():
        for row in _read_csv(folder / "events.csv", ("file", "expression", "resolved")):
            events.setdefault(row["file"], []).append(GoldEvent(row["expression"].strip(), row["resolved"].strip()))
    samples = []
    for i, row in enumerate(_read_csv(labels_path, ("file", "relevance", "themes", "key_entities")), start=2):
        relevance = row["relevance"].strip()
        if relevance not in LEVELS:
            raise EvalError(f"{labels_path}:{i}: relevance {relevance!r} is not one of {', '.join(LEVELS)}")
        headers, text = _read_text(folder / row["file"])
        url = headers.get("URL", "")
        published, day_known = publication_date(headers["DATE"], url, f"{folder / row['file']}")
        entities = tuple(
            GoldEntity(name.strip().rstrip("*").strip(), name.strip().endswith("*"))
            for name in row["key_entities"].split(";") if name.strip()
        )  # fmt: skip
        samples.append(Sample(
            folder.name, row["file"], url, published, day_known, text, relevance,
            frozenset(t.strip() for t in row["themes"].split(";") if t.strip()), entities,
            tuple(events.get(row["file"], ())),
        ))  # fmt: skip
    return samples


# --- scoring ---------------------------------------------------------------------------------


def entity_index(gazetteer: Gazetteer) -> dict[str, set[str]]:
    """Lower-cased canonical names and aliases -> entity ids (a gold name may match several)."""
    index: dict[str, set[str]] = {}
    for e in gazetteer.data.entities:
        for name in (e.name_en, e.name_nl, *e.names):
            if name:
                index.setdefault(name.casefold(), set()).add(e.id)
    return index


_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def _resolved_as(expr: TemporalExpression) -> str | None:
    if expr.date_start is None:
        return None
    if expr.precision == "year":
        return f"{expr.date_start.year:04d}"
    if expr.precision == "month":
        return expr.date_start.strftime("%Y-%m")
    return expr.date_start.isoformat()


def _period(resolved: str) -> tuple[date, date]:
    parts = [int(p) for p in resolved.split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return day, day
    if len(parts) == 2:
        start = date(parts[0], parts[1], 1)
        following = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return start, date.fromordinal(following.toordinal() - 1)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def _within(expr: TemporalExpression, resolved: str) -> bool:
    """Right when the resolved range lies inside the labelled period: a label says what is certain ("afgelopen
    zomer" labelled with its year only), so a finer answer inside it is right and a wider one is not."""
    if expr.date_start is None:
        return False
    try:
        start, end = _period(resolved)
    except ValueError:
        return False
    return start <= expr.date_start and (expr.date_end or expr.date_start) <= end


def _score_events(sample: Sample) -> tuple[int, list[str], int]:
    if not sample.events:
        return 0, [], 0
    found = find_expressions(sample.text, sample.published)
    right, wrong, skipped = 0, [], 0
    for gold in sample.events:
        needle = gold.expression.casefold()
        if not sample.day_known and any(w in needle for w in _WEEKDAYS):
            skipped += 1
            continue
        candidates = [e for e in found if needle in e.text.casefold() or e.text.casefold() in needle]
        answers = [_resolved_as(e) for e in candidates]
        if any(_within(e, gold.resolved) for e in candidates):
            right += 1
        else:
            wrong.append(f"{gold.expression!r}: expected {gold.resolved}, got {', '.join(map(str, answers)) or '-'}")
    return right, wrong, skipped


def evaluate_sample(sample: Sample, resources: Resources, index: dict[str, set[str]]) -> Outcome:
    result: Analysis = analyse(sample.text, sample.published, resources=resources)
    topic = next((t for t in result.topics if t.topic == TOPIC), None)
    relevance = topic.relevance if topic else "none"
    themes = frozenset(topic.themes) if topic and relevance in {"primary", "secondary"} else frozenset()
    linked = {m.entity_id for m in result.mentions if m.entity_id} | {m.refers_to for m in result.mentions
                                                                       if m.refers_to}  # fmt: skip
    found, missed = set(), []
    for gold in sample.entities:
        if index.get(gold.name.casefold(), set()) & linked:
            found.add(gold.name)
        else:
            missed.append(gold.name + ("*" if gold.role_only else ""))
    right, wrong, skipped = _score_events(sample)
    return Outcome(sample, relevance, topic.score if topic else 0.0, themes, frozenset(found), tuple(missed),
                   right, tuple(wrong), skipped, dict(topic.features) if topic else {},
                   bool(topic and len(topic.relation_sentences) > topic.features.get("listed_sentences", 0)),
                   bool(topic and topic.features.get("listed_sentences")))  # fmt: skip


@dataclass
class Scores:
    name: str
    texts: int
    level_accuracy: float
    confusion: dict[str, dict[str, int]]  # gold -> predicted -> count
    relevant_f1: float  # primary+secondary as one class
    theme_micro_f1: float
    theme_f1: dict[str, float]
    entity_recall: float
    entities: int
    role_only_recall: float
    role_only: int
    events_right: float
    events: int
    events_skipped: int
    worst: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else (1.0 if not fp and not fn else 0.0)


def score(name: str, outcomes: Sequence[Outcome], worst: int = 8) -> Scores:
    confusion = {g: dict.fromkeys(LEVELS, 0) for g in LEVELS}
    tp = fp = fn = 0
    theme_counts: dict[str, Counter[str]] = {}
    ent_total = ent_found = role_total = role_found = 0
    ev_right = ev_total = ev_skipped = 0
    for o in outcomes:
        confusion[o.sample.relevance][o.relevance] += 1
        gold_rel, pred_rel = o.sample.relevance in {"primary", "secondary"}, o.relevance in {"primary", "secondary"}
        tp, fp, fn = tp + (gold_rel and pred_rel), fp + (pred_rel and not gold_rel), fn + (gold_rel and not pred_rel)
        for theme in o.sample.themes | o.themes:
            c = theme_counts.setdefault(theme, Counter())
            in_gold, in_got = theme in o.sample.themes, theme in o.themes
            c["tp" if in_gold and in_got else "fn" if in_gold else "fp"] += 1
        for gold in o.sample.entities:
            hit = gold.name in o.found_entities
            ent_total, ent_found = ent_total + 1, ent_found + hit
            if gold.role_only:
                role_total, role_found = role_total + 1, role_found + hit
        ev_right += o.events_right
        ev_total += o.events_right + len(o.events_wrong)
        ev_skipped += o.events_skipped
    total = Counter[str]()
    for c in theme_counts.values():
        total.update(c)
    ranked = sorted(outcomes, key=lambda o: (o.level_error, len(o.missed_entities) + len(o.events_wrong)),
                    reverse=True)  # fmt: skip
    return Scores(
        name=name,
        texts=len(outcomes),
        level_accuracy=sum(o.relevance == o.sample.relevance for o in outcomes) / len(outcomes) if outcomes else 0.0,
        confusion=confusion,
        relevant_f1=_f1(tp, fp, fn),
        theme_micro_f1=_f1(total["tp"], total["fp"], total["fn"]),
        theme_f1={t: _f1(c["tp"], c["fp"], c["fn"]) for t, c in sorted(theme_counts.items())},
        entity_recall=ent_found / ent_total if ent_total else 1.0,
        entities=ent_total,
        role_only_recall=role_found / role_total if role_total else 1.0,
        role_only=role_total,
        events_right=ev_right / ev_total if ev_total else 1.0,
        events=ev_total,
        events_skipped=ev_skipped,
        worst=[{
            "file": f"{o.sample.batch}/{o.sample.file}", "gold": o.sample.relevance, "got": o.relevance,
            "score": round(o.score, 3), "themes_gold": sorted(o.sample.themes), "themes_got": sorted(o.themes),
            "missed_entities": list(o.missed_entities), "events_wrong": list(o.events_wrong),
        } for o in ranked[:worst] if o.level_error or o.missed_entities or o.events_wrong],
    )


def find_batches(paths: Iterable[Path]) -> list[Path]:
    """Each path is a batch folder (it has labels.csv) or a folder of batch folders."""
    batches: list[Path] = []
    for path in paths:
        if not path.is_dir():
            raise EvalError(f"{path}: no such folder")
        if (path / "labels.csv").is_file():
            batches.append(path)
            continue
        inner = sorted(p for p in path.iterdir() if (p / "labels.csv").is_file())
        if not inner:
            raise EvalError(f"{path}: neither labels.csv nor batch folders holding one")
        batches.extend(inner)
    return batches


def analyse_batches(
    paths: Iterable[Path], resources: Resources | None = None, progress: Callable[[str], None] | None = None
) -> dict[str, list[Outcome]]:
    """Each batch's outcomes, by batch name."""
    resources = resources or Resources()
    index = entity_index(resources.load_gazetteer())
    batches: dict[str, list[Outcome]] = {}
    for folder in find_batches(paths):
        if progress:
            progress(str(folder))
        batches[f"{folder.parent.name}/{folder.name}" if folder.name in batches else folder.name] = [
            evaluate_sample(s, resources, index) for s in load_batch(folder)
        ]
    return batches


def evaluate(
    paths: Iterable[Path], resources: Resources | None = None, progress: Callable[[str], None] | None = None
) -> tuple[list[Scores], Scores]:
    """Per-batch scores and the overall scores."""
    return scores_of(analyse_batches(paths, resources, progress))


def scores_of(batches: dict[str, list[Outcome]]) -> tuple[list[Scores], Scores]:
    """Per-batch scores and the overall scores of analysed batches."""
    everything = [o for outcomes in batches.values() for o in outcomes]
    return [score(name, outcomes) for name, outcomes in batches.items()], score("overall", everything)


def gold_examples(folder: Path, resources: Resources, split: str = "tune") -> list[Example]:
    """Level examples from a topic gold folder (batch_*.yaml: items with title, lead, body, published, level,
    split), only those of `split`: extra training texts for `--fit`, never scored by it."""
    import yaml  # noqa: PLC0415 - only the fitting reads gold files

    files = sorted(folder.glob("batch_*.yaml"))
    if not files:
        raise EvalError(f"{folder}: no batch_*.yaml topic gold files")
    examples = []
    for path in files:
        try:
            items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (OSError, yaml.YAMLError) as exc:
            raise EvalError(f"{path}: cannot read: {exc}") from None
        for item in items:
            if item.get("split") != split:
                continue
            result = analyse(item["body"], item["published"], item.get("title"), item.get("lead"), resources)
            topic = next(t for t in result.topics if t.topic == TOPIC)
            listed = topic.features.get("listed_sentences", 0)
            examples.append(Example(dict(topic.features), len(topic.relation_sentences) > listed, item["level"],
                                    bool(listed)))  # fmt: skip
    return examples


def fit_report(
    batches: dict[str, list[Outcome]], current: LevelModel, l2: float = 1.0, extra: Sequence[Example] = (),
    prior: Sequence[Example] = (),
) -> list[str]:
    """Fit level weights on all batches (plus `extra` training texts) and say how fitted weights do on news
    they were not fitted on. With `prior` texts, a model fitted on them first is the prior every fit is pulled
    toward (levels.fit), instead of those texts being pooled with the batches."""
    examples = {name: [Example(o.features, o.related, o.sample.relevance, o.listed) for o in outcomes]
                for name, outcomes in batches.items()}  # fmt: skip
    everything = [e for ex in examples.values() for e in ex]
    centre = fit(prior, l2) if prior else None

    def fitted(train: Sequence[Example]) -> LevelModel:
        return fit([*train, *extra], l2, prior=centre)

    lines = [f"level model (level accuracy / primary+secondary F1; L2 {l2:g}"
             + (f"; {len(extra)} extra training texts" if extra else "")
             + (f"; prior fitted on {len(prior)} texts" if prior else "") + "):"]  # fmt: skip
    for name, ex in examples.items():
        acc, f1 = accuracy(current, ex)
        lines.append(f"  rules file as it is, on {name}: {acc:.3f} / {f1:.3f}")
    if centre is not None:
        for name, ex in examples.items():
            acc, f1 = accuracy(centre, ex)
            lines.append(f"  the prior alone, on {name}: {acc:.3f} / {f1:.3f}")
    for name, ex in examples.items():
        others = [e for other, exs in examples.items() if other != name for e in exs]
        if others:
            acc, f1 = accuracy(fitted(others), ex)
            lines.append(f"  fitted on the other batches, scored on {name}: {acc:.3f} / {f1:.3f}")
    for name, ex in examples.items():
        if any(e.related for e in ex):  # in-sample: about the most the features allow on that batch
            acc, f1 = accuracy(fitted(ex), ex)
            lines.append(f"  fitted on {name} itself, scored on it: {acc:.3f} / {f1:.3f}")
    parts = [accuracy(fitted(train), test) for train, test in folds(everything)]
    lines.append(f"  5-fold over all {len(everything)} texts: {np.mean([a for a, _ in parts]):.3f} / "
                 f"{np.mean([f for _, f in parts]):.3f}")  # fmt: skip
    model = fitted(everything)
    acc, f1 = accuracy(model, everything)
    lines.append(f"  fitted on all (in-sample): {acc:.3f} / {f1:.3f}")
    lines.append("fitted on all; paste into the topic in topics.yaml:")
    return lines + model.yaml_lines()


def current_model(resources: Resources, topic_id: str = TOPIC) -> LevelModel:
    topic = next(t for t in resources.load_topics().data.topics if t.id == topic_id)
    weights = topic.weights.model_dump()
    intercept = weights.pop("intercept")
    return LevelModel(weights, intercept, topic.thresholds.model_dump())


def format_scores(scores: Scores) -> list[str]:
    short = {"primary": "prim", "secondary": "sec", "mention": "ment", "none": "none"}
    lines = [
        f"== {scores.name}: {scores.texts} texts",
        f"  level accuracy          {scores.level_accuracy:.3f}",
        f"  primary+secondary F1    {scores.relevant_f1:.3f}",
        f"  theme micro-F1          {scores.theme_micro_f1:.3f}   "
        + "  ".join(f"{t} {v:.2f}" for t, v in scores.theme_f1.items()),
        f"  key-entity recall       {scores.entity_recall:.3f}   ({scores.entities} names)",
        f"  role-only recall        {scores.role_only_recall:.3f}   ({scores.role_only} names)",
        f"  events resolved right   {scores.events_right:.3f}   ({scores.events} expressions, "
        f"{scores.events_skipped} weekday expressions not scored: day unknown)",
        "  confusion (rows gold, columns got):  " + " ".join(f"{short[c]:>5}" for c in LEVELS),
    ]
    for gold in LEVELS:
        lines.append(f"  {short[gold]:>36}:  " + " ".join(f"{scores.confusion[gold][c]:>5}" for c in LEVELS))
    if scores.worst:
        lines.append("  worst texts:")
        for w in scores.worst:
            extra = []
            if w["missed_entities"]:
                extra.append("missed " + "; ".join(w["missed_entities"][:6]))
            if w["events_wrong"]:
                extra.append("events " + "; ".join(w["events_wrong"][:2]))
            lines.append(f"    {w['file']}: gold {w['gold']}, got {w['got']} ({w['score']})"
                         + (" | " + " | ".join(extra) if extra else ""))  # fmt: skip
    return lines
