"""`newsmon eval`: the scoring arithmetic on a small labelled folder written here, and the analysis on real
news (../shared/realnews, read in place and never copied; skipped where the folder is absent) held to floors
pinned just under what it reaches, so a regression fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from newsmon.evaluate import EvalError, evaluate, load_batch, publication_date
from newsmon.levels import LEVEL_ORDER, Example, LevelModel, accuracy, fit
from newsmon.topics import FEATURES

ROOT = Path(__file__).resolve().parents[1]
REALNEWS = Path(os.environ.get("NEWSMON_REALNEWS", ROOT.parent / "shared" / "realnews"))
CLI = Path(sys.executable).with_name("newsmon")

# Measured with `newsmon eval ../shared/realnews` (batch1 / batch2 / overall): level accuracy 0.939 / 0.762 / 0.842,
# P+S F1 1.000 / 0.899 / 0.943, themes 0.900 / 0.733 / 0.811, key entities 0.945 / 0.941 / 0.942, role-only 0.375
# overall (6 of 16), events 0.966. Floors sit just under; raise them when the analysis improves.
FLOORS = {
    "batch1": {"level_accuracy": 0.97, "relevant_f1": 0.98, "theme_micro_f1": 0.90, "entity_recall": 0.945},
    "batch2": {"level_accuracy": 0.82, "relevant_f1": 0.93, "theme_micro_f1": 0.83, "entity_recall": 0.955},
    "overall": {"level_accuracy": 0.89, "relevant_f1": 0.96, "theme_micro_f1": 0.87, "entity_recall": 0.95,
                "role_only_recall": 0.9, "events_right": 0.95},
}


def write_batch(folder: Path) -> Path:
    folder.mkdir(parents=True)
    texts = {
        "A1.txt": ("https://example.org/2024/06/19/top", "2024-06-19",
                   "Poetin en Kim tekenen verdrag in Pyongyang\n\nDe Russische president Vladimir Poetin en de "
                   "Noord-Koreaanse leider Kim Jong-un hebben woensdag in Pyongyang een verdrag getekend. Rusland en "
                   "Noord-Korea beloven elkaar militaire bijstand.\n\nHet bezoek duurde twee dagen."),
        "A2.txt": ("https://example.org/weer", "2024-06",
                   "Het wordt morgen zonnig in Utrecht.\n\nDe temperatuur loopt op tot 25 graden."),
    }
    for name, (url, day, text) in texts.items():
        (folder / name).write_text(f"URL: {url}\nDATE: {day}\n\n{text}\n", encoding="utf-8")
    (folder / "labels.csv").write_text(
        "file,relevance,themes,key_entities,reason\n"
        "A1.txt,primary,diplomacy_summit;military_cooperation,Vladimir Putin;Kim Jong-un;Pyongyang;Atlantis,x\n"
        "A2.txt,none,,Utrecht,weather\n",
        encoding="utf-8",
    )
    (folder / "events.csv").write_text(
        "file,expression,resolved,event\nA1.txt,woensdag,2024-06-19,treaty\n", encoding="utf-8"
    )
    return folder


def test_scores_add_up_on_a_folder_written_here(tmp_path: Path) -> None:
    folder = write_batch(tmp_path / "mini")
    per_batch, overall = evaluate([tmp_path])
    assert [s.name for s in per_batch] == ["mini"] and overall.texts == 2
    assert overall.confusion["primary"]["primary"] == 1 and overall.confusion["none"]["none"] == 1
    assert overall.level_accuracy == 1.0 and overall.relevant_f1 == 1.0
    # "Atlantis" is in no gazetteer and Utrecht is not named as such in this gazetteer's terms: recall below 1
    assert overall.entities == 5 and overall.entity_recall < 1.0
    assert 3 / 5 <= overall.entity_recall <= 4 / 5
    assert overall.events == 1 and overall.events_right == 1.0
    assert load_batch(folder)[1].published == date(2024, 6, 1) and not load_batch(folder)[1].day_known


def test_cli_json_and_clear_errors(tmp_path: Path) -> None:
    write_batch(tmp_path / "mini")
    out = subprocess.run([CLI, "eval", str(tmp_path), "--json"], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["overall"]["texts"] == 2 and data["batches"][0]["name"] == "mini"
    missing = subprocess.run([CLI, "eval", str(tmp_path / "nope")], capture_output=True, text=True, check=False)
    assert missing.returncode == 2 and "nope: no such folder" in missing.stderr
    (tmp_path / "mini" / "labels.csv").write_text("file,relevance,themes,key_entities\nA1.txt,big,,\n")
    with pytest.raises(EvalError, match=r"labels.csv:2: relevance 'big' is not one of"):
        evaluate([tmp_path])


def test_dates_from_the_url_when_the_header_gives_a_month() -> None:
    assert publication_date("2019-04", "https://nos.nl/artikel/2019/04/25/x", "f") == (date(2019, 4, 25), True)
    assert publication_date("2019-04", "https://x.be/20190424_kim", "f") == (date(2019, 4, 24), True)
    assert publication_date("2019-04", "https://x.be/nieuws", "f") == (date(2019, 4, 1), False)
    with pytest.raises(EvalError, match="DATE '25-04-2019'"):
        publication_date("25-04-2019", "", "f")


@pytest.mark.skipif(not REALNEWS.is_dir(), reason=f"{REALNEWS} is not on this machine (labelled real news)")
def test_real_news_floors() -> None:
    per_batch, overall = evaluate([REALNEWS])
    for scores in [*per_batch, overall]:
        print(f"\nreal news {scores.name} ({scores.texts} texts): level {scores.level_accuracy:.3f}, "
              f"P+S F1 {scores.relevant_f1:.3f}, themes {scores.theme_micro_f1:.3f}, "
              f"entities {scores.entity_recall:.3f}, role-only {scores.role_only_recall:.3f}, "
              f"events {scores.events_right:.3f}")
        for metric, floor in FLOORS.get(scores.name, {}).items():
            assert getattr(scores, metric) >= floor, (scores.name, metric, getattr(scores, metric))


def test_level_fit_recovers_an_ordering() -> None:
    """Levels that follow one feature are learnt back: thresholds in order, the feature weighted up, and texts
    without a relation sentence (or with only an enumeration) get none (mention) whatever the weights."""
    examples = []
    for i in range(80):
        share = i / 79
        gold = LEVEL_ORDER[min(3, int(share * 4))]
        features = dict.fromkeys(FEATURES, 0.0) | {"body_share": share}
        examples.append(Example(features, gold != "none" or i % 2 == 0, gold))
    model = fit(examples, l2=0.01)
    assert model.thresholds["mention"] < model.thresholds["secondary"] < model.thresholds["primary"]
    assert model.weights["body_share"] > 5 * max(abs(v) for k, v in model.weights.items() if k != "body_share")
    assert accuracy(model, examples)[0] >= 0.9
    lone = dict.fromkeys(FEATURES, 1.0)
    assert model.level(lone, related=False) == "none" and model.level(lone, related=False, listed=True) == "mention"


def test_level_fit_keeps_what_the_data_cannot_inform_at_the_prior() -> None:
    """Texts that are only secondary or primary say nothing about the mention threshold: fitted alone it
    collapses onto the secondary threshold, fitted with a prior it stays near the prior's; the weight the
    data does support still moves away from the prior."""
    examples = []
    for i in range(60):
        share = 0.5 + i / 118
        features = dict.fromkeys(FEATURES, 0.0) | {"body_share": share}
        examples.append(Example(features, True, "primary" if share > 0.75 else "secondary"))
    alone = fit(examples, l2=0.1)
    prior = LevelModel(dict.fromkeys(FEATURES, 0.0), 0.0, {"mention": -3.0, "secondary": 0.0, "primary": 1.0})
    with_prior = fit(examples, l2=0.1, prior=prior)
    assert alone.thresholds["secondary"] - alone.thresholds["mention"] < 0.5
    assert abs(with_prior.thresholds["mention"] + 3.0) < 0.5
    assert with_prior.weights["body_share"] > 2.0
    assert accuracy(with_prior, examples)[0] >= 0.9


def test_fit_reports_cross_validation_and_a_pasteable_block(tmp_path: Path) -> None:
    write_batch(tmp_path / "a")
    write_batch(tmp_path / "b")
    out = subprocess.run([CLI, "eval", str(tmp_path), "--fit", "--fit-gold", str(ROOT / "tests" / "gold" / "topics")],
                         capture_output=True, text=True, check=True).stdout
    assert "104 extra training texts" in out
    assert "fitted on the other batches, scored on a:" in out and "5-fold over all 4 texts" in out
    assert "fitted on a itself, scored on it:" in out
    gold = str(ROOT / "tests" / "gold" / "topics")
    with_prior = subprocess.run([CLI, "eval", str(tmp_path), "--fit", "--prior-gold", gold],
                                capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "prior fitted on 104 texts" in with_prior and "the prior alone, on b:" in with_prior
    block = out.split("topics.yaml:\n", 1)[1]
    assert block.startswith("    weights:\n") and "    thresholds:\n      primary: " in block
    bad = subprocess.run([CLI, "eval", str(tmp_path), "--fit", "--fit-gold", str(tmp_path)],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "no batch_*.yaml topic gold files" in bad.stderr
