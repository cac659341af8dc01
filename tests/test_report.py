"""The report as an analyst sees it: written from a real demo database, rendered in headless Chromium.

The browser test measures every text label of every figure (their bounding boxes as laid out by the
browser) and fails when two of them overlap. Set NEWSMON_REPORT_SCREENSHOT=/path.png to keep the
1400 px wide screenshot it takes.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from newsmon.config import load_config
from newsmon.demosite import DemoSite
from newsmon.pipeline import run_ingest
from newsmon.report import ReportFiles, write_report
from newsmon.report_charts import TimelineEntry, place_in_lanes, timeline_chart
from newsmon.store import Store
from tests.conftest import demo_config_dir

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--virtual-time-budget=5000"]

# Run in the page after load: the box of every <text> in every inline SVG, written into the DOM.
MEASURE = """
<script>
window.addEventListener("load", () => {
  const figures = [...document.querySelectorAll("figure svg")].map((svg, i) =>
    [...svg.querySelectorAll("text")].filter(t => t.textContent.trim()).map(t => {
      const r = t.getBoundingClientRect();
      return {figure: i, text: t.textContent.trim(), x: r.left, y: r.top, w: r.width, h: r.height};
    }));
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify({figures, height: document.documentElement.scrollHeight});
  document.body.appendChild(out);
});
</script>
"""


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory, demo_site: DemoSite) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    config = load_config(demo_config_dir(tmp, demo_site.base_url))
    with Store.open(config.settings.db_path) as store:
        run_ingest(config, store)
    return config.settings.db_path


@pytest.fixture(scope="module")
def report(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> ReportFiles:
    with Store.open(demo_store) as store:
        return write_report(store, tmp_path_factory.mktemp("out") / "report")


def visible_text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_report_files_and_content(report: ReportFiles) -> None:
    assert sorted(p.name for p in report.directory.glob("*.svg")) == ["coverage.svg", "entities.svg", "timeline.svg"]
    page = report.html.read_text(encoding="utf-8")
    assert page.count("<svg") == 3  # self-contained: the figures are inline
    text = visible_text(page)
    # the Vladivostok summit (April 2019) is the demo's busiest week, with its articles linked
    assert "Week van 22 april 2019 tot 28 april 2019: 3 artikelen" in text and "Vladivostok" in text
    assert re.search(r"<td class='when'>25 april 2019</td><td>dag</td><td>[^<]*Kim Jong-un", page)


def test_report_is_dutch_throughout(report: ReportFiles) -> None:
    texts = [visible_text(report.html.read_text(encoding="utf-8"))]
    texts += [visible_text(p.read_text(encoding="utf-8")) for p in report.images]
    for text in texts:
        english = re.findall(r"\b(primary|secondary|mention|precision|month|year|day|articles|outlets|week of)\b",
                             text)  # fmt: skip
        assert not english, english
        assert not re.search(r"\b\d+\.\d{1,2}\b", text), "a decimal point in Dutch text (1.000 is a thousand)"
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), "an ISO date where a Dutch one belongs"


def test_count_axes_are_integers_and_time_starts_at_the_first_tagged_article(report: ReportFiles) -> None:
    coverage = visible_text((report.directory / "coverage.svg").read_text(encoding="utf-8")).split()
    assert not [t for t in coverage if re.fullmatch(r"\d+,\d+", t)], "fractional ticks on a count axis"
    years = sorted({int(t) for t in coverage if re.fullmatch(r"(19|20)\d\d", t)})
    # the demo's first tagged article is from April 2019; its oldest article mentions the 1950s and 2000
    assert years and years[0] >= 2019
    summary = visible_text(report.html.read_text(encoding="utf-8"))
    assert "van 1 april 2019 tot" in summary


def test_first_weeks_are_not_spikes_but_later_ones_can_be(report: ReportFiles, demo_store: Path) -> None:
    page = visible_text(report.html.read_text(encoding="utf-8"))
    assert report.spikes == 0 and "Geen pieken in deze periode." in page and "8 weken geschiedenis" in page
    with Store.open(demo_store) as store:
        strict = store.con.execute("SELECT week FROM v_coverage_spikes WHERE spike").fetchall()
        loose = store.con.execute("SELECT week FROM coverage_spikes(min_history := 0) WHERE spike").fetchall()
    assert strict == []
    assert (date(2019, 4, 22),) in loose  # without the history rule the first week (mean 0) would be flagged


def test_lanes_never_overlap() -> None:
    spans = [(0, 50), (40, 90), (95, 120), (10, 20), (45, 47), (60, 200)]
    lanes = place_in_lanes(spans)
    for i, (a, b) in enumerate(spans):
        for j, (c, d) in enumerate(spans[:i]):
            if lanes[i] == lanes[j]:
                assert b < c or a > d, (spans[i], spans[j])
    assert lanes[:3] == [0, 1, 0]


def test_month_and_year_events_are_drawn_as_spans() -> None:
    entries = [TimelineEntry(date(2024, 6, 1), date(2024, 6, 30), "month", "jun 2024 · A"),
               TimelineEntry(date(2024, 1, 1), date(2024, 12, 31), "year", "2024 · B"),
               TimelineEntry(date(2024, 6, 19), date(2024, 6, 19), "day", "19 jun 2024 · C")]  # fmt: skip
    svg = timeline_chart(entries, date(2023, 1, 1), date(2026, 1, 1), "t")
    rects = re.findall(r'<g id="patch_\d+">\s*<path d="M ([\d.]+) ([\d.]+) \s*L ([\d.]+) \2 ', svg)
    widths = sorted(float(x2) - float(x1) for x1, _y, x2 in rects)
    month = [w for w in widths if 0 < w < 60]  # on a three-year axis of ~770 pt a month is ~21 pt
    assert month, widths
    # the year is drawn about twelve times as wide as the month, not as a dot
    assert any(10 < w / month[0] < 14 for w in widths), widths


def overlaps(a: dict[str, float], b: dict[str, float], slack: float = 0.5) -> bool:
    return (a["x"] + slack < b["x"] + b["w"] - slack and b["x"] + slack < a["x"] + a["w"] - slack
            and a["y"] + slack < b["y"] + b["h"] - slack and b["y"] + slack < a["y"] + a["h"] - slack)


def test_report_renders_in_chromium_without_overlapping_labels(report: ReportFiles, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium package renders the report (make setup installs it when run as root)")
    page = tmp_path / "measured.html"
    page.write_text(report.html.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
                    encoding="utf-8")  # fmt: skip
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, *profile, "--window-size=1400,1000", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=120, check=True).stdout  # fmt: skip
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, flags=re.DOTALL)
    assert found, "the page did not run its measurement"
    measured = json.loads(html.unescape(found.group(1)))
    figures = measured["figures"]
    assert len(figures) == 3 and all(len(labels) >= 10 for labels in figures)
    clashes = [(a["text"], b["text"]) for labels in figures for i, a in enumerate(labels) for b in labels[:i]
               if overlaps(a, b)]  # fmt: skip
    assert clashes == [], clashes
    shot = Path(os.environ.get("NEWSMON_REPORT_SCREENSHOT") or tmp_path / "report.png")
    height = int(measured["height"]) + 20
    subprocess.run([chromium, *CHROMIUM_FLAGS, *profile, f"--window-size=1400,{height}", f"--screenshot={shot}",
                    report.html.as_uri()], capture_output=True, timeout=120, check=True)  # fmt: skip
    assert shot.stat().st_size > 50_000  # a page with three figures, not a blank canvas


def test_an_empty_database_gives_a_page_that_says_so(tmp_path: Path) -> None:
    with Store.open(tmp_path / "leeg.duckdb") as store:
        files = write_report(store, tmp_path / "report")
    page = visible_text(files.html.read_text(encoding="utf-8"))
    assert "Nog geen artikelen over Noord-Korea–Rusland" in page and "None" not in page and "1970" not in page
    assert files.images == () and files.spikes == 0 and files.events == 0
