#!/usr/bin/env python3
"""Speed of the analysis (`newsmon.analysis.analyse`) on one core, and a canonical dump of its output.

    .venv/bin/python bench/analysis_speed.py --dump /tmp/analysis.json         # dump + timing
    .venv/bin/python bench/analysis_speed.py --dump /tmp/after.json --check /tmp/analysis.json
    .venv/bin/python bench/analysis_speed.py --profile 30                       # cProfile, by tottime

The texts: every labelled real news excerpt in ../shared/realnews/batch*/ (when the folder is there), the
topic gold (tests/gold/topics), the entity gold (tests/gold/entities), the event gold sentences
(tests/gold/events), the demo articles (demo/content) and the 500 generated articles of the benchmark
(bench/pages.py; group `bench`, analysed as `enrichment_rate` in bench/run.py does). The dump holds, per
text, every field of every mention, topic result (features, hits, relation sentences, weights) and event,
floats written exactly (repr), plus the temporal expressions `find_expressions` gives on each field whether
or not the text is tagged; a change that alters any of it shows as a difference between two dumps.

Timing is CPU time of this process (time.process_time), so other work on the machine counts little:
the median of --passes passes over all texts of the timed set (real news and gold texts by default),
reported as MB of text (characters of title + lead + body, / 1e6) per CPU second.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import pstats
import random
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from newsmon.analysis import _proper_names, analyse  # noqa: E402
from newsmon.document import Document  # noqa: E402
from newsmon.entities import Gazetteer  # noqa: E402
from newsmon.evaluate import load_batch  # noqa: E402
from newsmon.events import find_expressions  # noqa: E402

REALNEWS = REPO.parent / "shared" / "realnews"


@dataclasses.dataclass(frozen=True)
class Text:
    key: str
    group: str  # realnews | topics | entities | events | demo
    body: str
    published: date
    title: str | None = None
    lead: str | None = None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.title or "") + len(self.lead or "")


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def load_texts() -> list[Text]:
    texts: list[Text] = []
    if REALNEWS.is_dir():
        for folder in sorted(REALNEWS.glob("batch*")):
            if (folder / "labels.csv").is_file():
                for s in load_batch(folder):
                    texts.append(Text(f"realnews/{s.batch}/{s.file}", "realnews", s.text, s.published))
    for path in sorted((REPO / "tests/gold/topics").glob("batch_*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            texts.append(Text(f"topics/{item['id']}", "topics", item.get("body") or "", _day(item["published"]),
                              item.get("title"), item.get("lead")))  # fmt: skip
    for path in sorted((REPO / "tests/gold/entities").glob("docs_*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            texts.append(Text(f"entities/{item['id']}", "entities", item["text"], _day(item["published"])))
    events = REPO / "tests/gold/events/sentences.yaml"
    for item in yaml.safe_load(events.read_text(encoding="utf-8")) or []:
        texts.append(Text(f"events/{item['id']}", "events", item["sentence"], _day(item["published"])))
    for path in sorted((REPO / "demo/content").glob("*/*.md")):
        raw = path.read_text(encoding="utf-8")
        _, front, body = raw.split("---", 2)
        meta = yaml.safe_load(front)
        texts.append(Text(f"demo/{path.parent.name}/{path.name}", "demo", body.strip(), _day(meta["published"]),
                          meta.get("title"), meta.get("lead")))  # fmt: skip
    return texts


def bench_texts(n: int = 500, seed: int = 7) -> list[Text]:
    """The generated articles the benchmark stores (bench/pages.py): title, lead and paragraphs as extracted."""
    sys.path.insert(0, str(REPO / "bench"))
    from pages import generate_article

    rng = random.Random(seed)
    out = []
    for i in range(n):
        a = generate_article(rng, i, n)
        out.append(Text(f"bench/{i}", "bench", "\n\n".join(a["paras"]), a["day"].date(), a["title"], a["lead"]))
    return out


def canonical(value: Any) -> Any:
    """JSON-ready, exact: dataclasses as dicts of every field, floats as repr, sets sorted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(canonical(v) for v in value)
    return value


def dump(texts: list[Text]) -> dict[str, Any]:
    names = _proper_names(Gazetteer.load())
    out: dict[str, Any] = {}
    for t in texts:
        result = analyse(t.body, t.published, t.title, t.lead)
        document = Document.build(t.body, t.published, t.title, t.lead)
        expressions = {
            name: canonical(find_expressions(part.text, t.published, names=names, sentences=part.sentences))
            for name, part in document.fields.items()
        }
        out[t.key] = {"analysis": canonical(result), "expressions": expressions}
    return out


def timed_pass(texts: list[Text]) -> float:
    started = time.process_time()
    for t in texts:
        analyse(t.body, t.published, t.title, t.lead)
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump", type=Path, help="write the canonical JSON dump of every result here")
    parser.add_argument("--check", type=Path, help="a dump to compare with (exit 1 when they differ)")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--groups", default="realnews,topics,entities",
                        help="groups timed (realnews, topics, entities, events, demo, bench)")  # fmt: skip
    parser.add_argument("--profile", type=int, metavar="N", help="profile one pass; print the top N by tottime")
    args = parser.parse_args()

    texts = load_texts()
    if "bench" in args.groups or args.dump or args.check:
        texts += bench_texts()
    analyse("warm-up", date(2024, 1, 1))
    if args.dump or args.check:
        data = json.dumps(dump(texts), ensure_ascii=False, indent=1, sort_keys=True)
        if args.dump:
            args.dump.write_text(data, encoding="utf-8")
            print(f"dump: {len(texts)} texts -> {args.dump}")
        if args.check:
            if args.check.read_text(encoding="utf-8") != data:
                print(f"DIFFERENT from {args.check}", file=sys.stderr)
                return 1
            print(f"identical to {args.check}")
    groups = {g.strip() for g in args.groups.split(",") if g.strip()}
    timed = [t for t in texts if t.group in groups]
    if not timed:
        print(f"no texts in groups {sorted(groups)}", file=sys.stderr)
        return 2
    mb = sum(t.size for t in timed) / 1e6
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        timed_pass(timed)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
        return 0
    per_group = {}
    for group in sorted(groups):
        part = [t for t in timed if t.group == group]
        if part:
            runs = [timed_pass(part) for _ in range(args.passes)]
            per_group[group] = (len(part), sum(t.size for t in part) / 1e6, statistics.median(runs), min(runs))
    total = sum(s for _n, _m, s, _b in per_group.values())
    best = sum(b for _n, _m, _s, b in per_group.values())
    for group, (n, size, seconds, fastest) in per_group.items():
        print(f"{group:9} {n:4} texts {size:6.3f} MB  {seconds:6.3f} s CPU  {size / seconds:5.2f} MB/s "
              f"(fastest pass {size / fastest:5.2f})")  # fmt: skip
    print(f"{'all':9} {len(timed):4} texts {mb:6.3f} MB  {total:6.3f} s CPU  {mb / total:5.2f} MB/s "
          f"(fastest pass {mb / best:5.2f}; median of {args.passes} passes per group, process_time)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
