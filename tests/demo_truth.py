"""Ground truth about the demo site, read from demo/site/manifest.json (written from the content files)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).resolve().parents[1] / "demo" / "site" / "manifest.json"


@cache
def manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def articles() -> list[dict[str, Any]]:
    return list(manifest()["articles"])


def with_base(value: str, base: str) -> str:
    return value.replace("__BASE__", base)


def expected_status(item: dict[str, Any]) -> str:
    if item["kind"] == "paywalled":
        return "paywalled"
    if item["kind"] == "liveblog":
        return "live"
    if item["kind"] == "index":
        return "not_article"
    if item["section"] == "english":
        return "not_dutch"
    return "ok"


def tokens(text: str) -> list[str]:
    return [t.strip(".,:;!?\"'()„”“‘’-–—").lower() for t in text.split() if t.strip(".,:;!?\"'()„”“‘’-–—")]


def token_f1(got: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-tokens precision, recall and F1 (the usual measure for boilerplate removal)."""
    from collections import Counter

    g, t = Counter(tokens(got)), Counter(tokens(gold))
    overlap = sum((g & t).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    p, r = overlap / sum(g.values()), overlap / sum(t.values())
    return p, r, 2 * p * r / (p + r)
