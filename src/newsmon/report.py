"""The coverage report: PNG plots and one self-contained HTML page, from the DuckDB views.

  weekly_coverage.png   tagged articles per ISO week, by outlet (bars) and by level (lines)
  top_entities.png      the most mentioned entities in tagged articles, per month
  event_timeline.png    dated events of tagged articles (day and month precision), sized by sources
  index.html            the three plots embedded (base64), spike weeks with their top articles,
                        and the event timeline as a table
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from newsmon.store import Store

TOPIC = "nk_ru"
LEVEL_COLOURS = {"primary": "#b2182b", "secondary": "#ef8a62", "mention": "#999999"}


@dataclass(frozen=True)
class ReportFiles:
    directory: Path
    html: Path
    images: tuple[Path, ...]
    spikes: int
    events: int


def _frame(store: Store, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return store.con.execute(sql, params or []).df()


def _weekly_plot(store: Store, target: Path) -> None:
    weekly = _frame(
        store, "SELECT week, outlet_id, relevance, articles FROM v_coverage_weekly WHERE topic = ?", [TOPIC]
    )
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True, constrained_layout=True)
    if not weekly.empty:
        by_outlet = weekly.pivot_table(index="week", columns="outlet_id", values="articles", aggfunc="sum").fillna(0)
        bottom_stack = None
        for outlet in by_outlet.columns:
            top.bar(by_outlet.index, by_outlet[outlet], width=6, bottom=bottom_stack, label=outlet)
            bottom_stack = by_outlet[outlet] if bottom_stack is None else bottom_stack + by_outlet[outlet]
        by_level = weekly.pivot_table(index="week", columns="relevance", values="articles", aggfunc="sum").fillna(0)
        for level, colour in LEVEL_COLOURS.items():
            if level in by_level:
                bottom.plot(by_level.index, by_level[level], color=colour, label=level, linewidth=1.2)
        top.legend(loc="upper left", fontsize=8, ncols=4)
        bottom.legend(loc="upper left", fontsize=8)
    top.set_title("Noord-Korea–Rusland: artikelen per week, per medium")
    top.set_ylabel("artikelen")
    bottom.set_title("per relevantieniveau")
    bottom.set_ylabel("artikelen")
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    fig.savefig(target, dpi=110)
    plt.close(fig)


def _entities_plot(store: Store, target: Path) -> None:
    monthly = _frame(
        store,
        "WITH tagged AS (SELECT article_id FROM article_topics WHERE topic = ? AND relevance <> 'none'), "
        "m AS (SELECT date_trunc('month', week) AS month, entity, article_id FROM v_entity_mentions "
        "      WHERE article_id IN (SELECT article_id FROM tagged) AND entity_type IN ('person', 'organisation')), "
        "top AS (SELECT entity FROM m GROUP BY entity ORDER BY count(DISTINCT article_id) DESC LIMIT 8) "
        "SELECT month, entity, count(DISTINCT article_id) AS articles FROM m WHERE entity IN (SELECT entity FROM top) "
        "GROUP BY ALL ORDER BY month",
        [TOPIC],
    )
    fig, ax = plt.subplots(figsize=(11, 4.5), constrained_layout=True)
    if not monthly.empty:
        table = monthly.pivot_table(index="month", columns="entity", values="articles", aggfunc="sum").fillna(0)
        table.index = pd.to_datetime(table.index)
        table = table.asfreq("MS", fill_value=0)  # months without articles are zeros, not gaps bridged by lines
        for entity in table.sum().sort_values(ascending=False).index:
            ax.plot(table.index, table[entity], marker="o", markersize=3, linewidth=1, label=entity)
        ax.legend(loc="upper left", fontsize=8, ncols=2)
    ax.set_title("Meest genoemde personen en organisaties in NK–RU-artikelen, per maand")
    ax.set_ylabel("artikelen")
    fig.savefig(target, dpi=110)
    plt.close(fig)


def _timeline(store: Store) -> pd.DataFrame:
    return _frame(
        store,
        "SELECT t.* FROM v_event_timeline t WHERE t.precision IN ('day', 'month') AND EXISTS ("
        "  SELECT 1 FROM events e JOIN article_topics a ON a.article_id = e.article_id"
        "  WHERE a.topic = ? AND a.relevance IN ('primary', 'secondary') AND e.date_start = t.date_start"
        "    AND list_sort(e.entity_ids) = t.entity_ids"
        ") ORDER BY t.date_start",
        [TOPIC],
    )


def _timeline_plot(timeline: pd.DataFrame, target: Path) -> None:
    fig, ax = plt.subplots(figsize=(11, 4), constrained_layout=True)
    if not timeline.empty:
        ax.scatter(pd.to_datetime(timeline["date_start"]), timeline["outlets"],
                   s=30 + 25 * timeline["articles"], alpha=0.6, color="#2166ac")  # fmt: skip
        for _, row in timeline.nlargest(8, "articles").iterrows():
            label = ", ".join(row["entities"][:2]) if row["entities"] is not None else ""
            ax.annotate(f"{row['date_start']:%d-%m-%Y}\n{label}", (pd.Timestamp(row["date_start"]), row["outlets"]),
                        fontsize=7, xytext=(4, 6), textcoords="offset points")  # fmt: skip
    ax.set_title("Gebeurtenissen uit NK–RU-artikelen (grootte = aantal artikelen)")
    ax.set_ylabel("media")
    fig.savefig(target, dpi=110)
    plt.close(fig)


def _spikes(store: Store) -> list[dict[str, Any]]:
    weeks = _frame(store, "SELECT week, articles, trailing_mean FROM v_coverage_spikes WHERE topic = ? AND spike "
                          "ORDER BY week DESC", [TOPIC])  # fmt: skip
    spikes = []
    for _, week in weeks.iterrows():
        top = _frame(
            store,
            "SELECT title, outlet_id, published_at, url, relevance, score FROM v_topic_articles "
            "WHERE topic = ? AND relevance <> 'none' AND week = ? ORDER BY score DESC, published_at LIMIT 5",
            [TOPIC, week["week"]],
        )
        spikes.append({"week": week["week"], "articles": int(week["articles"]),
                       "mean": float(week["trailing_mean"]), "top": top.to_dict("records")})  # fmt: skip
    return spikes


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    caption = html.escape(alt)
    return (f'<figure><img alt="{caption}" src="data:image/png;base64,{data}">'
            f"<figcaption>{caption}</figcaption></figure>")


def _html(images: list[tuple[Path, str]], spikes: list[dict[str, Any]], timeline: pd.DataFrame, totals: Any) -> str:
    esc = html.escape
    spike_html = "".join(
        f"<section class='spike'><h3>Week van {s['week']:%d-%m-%Y}: {s['articles']} artikelen "
        f"(gemiddeld {s['mean']:.1f} in de 8 weken ervoor)</h3><ol>"
        + "".join(
            f"<li><a href='{esc(a['url'])}'>{esc(a['title'] or '(zonder titel)')}</a> — {esc(a['outlet_id'])}, "
            f"{a['published_at']:%d-%m-%Y} <span class='level'>{esc(a['relevance'])}</span></li>"
            for a in s["top"]
        )
        + "</ol></section>"
        for s in spikes
    ) or "<p>Geen pieken gevonden.</p>"
    rows = "".join(
        f"<tr><td>{r['date_start']:%d-%m-%Y}</td><td>{esc(str(r['precision']))}</td>"
        f"<td>{esc(', '.join(r['entities'] if r['entities'] is not None else []))}</td><td>{int(r['articles'])}</td>"
        f"<td>{int(r['outlets'])}</td><td>{esc(str(r['sentence'])[:220])}</td></tr>"
        for _, r in timeline.iterrows()
    )
    figures = "".join(_img(path, alt) for path, alt in images)
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>newsmon — Noord-Korea–Rusland</title>
<style>
body {{ font-family: sans-serif; max-width: 1150px; margin: 2em auto; color: #222; }}
figure {{ margin: 1.5em 0; }} img {{ max-width: 100%; border: 1px solid #ddd; }}
figcaption {{ font-size: .85em; color: #555; }} table {{ border-collapse: collapse; font-size: .85em; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }}
.level {{ font-size: .8em; color: #b2182b; }} .totals {{ color: #555; }}
</style>
<script>
// The page reports whether its plots really rendered (read by the browser test, harmless elsewhere).
window.addEventListener("load", () => {{
  const ok = [...document.images].filter(i => i.complete && i.naturalWidth > 0).length;
  document.body.dataset.imagesLoaded = ok;
  document.body.dataset.imagesTotal = document.images.length;
}});
</script></head><body>
<h1>Noord-Korea–Rusland in het nieuws</h1>
<p class="totals">{totals['tagged']} artikelen over de betrekkingen ({totals['primary']} primair) uit
{totals['articles']} opgehaalde artikelen van {totals['outlets']} media, {totals['first']} tot {totals['last']}.</p>
{figures}
<h2>Pieken</h2>{spike_html}
<h2>Tijdlijn van gebeurtenissen</h2>
<table><tr><th>datum</th><th>precisie</th><th>wie</th><th>artikelen</th><th>media</th><th>zin</th></tr>{rows}</table>
</body></html>
"""


def write_report(store: Store, directory: Path) -> ReportFiles:
    """Write the PNGs and index.html into `directory` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    weekly, entities, events = (directory / n for n in ("weekly_coverage.png", "top_entities.png",
                                                        "event_timeline.png"))  # fmt: skip
    _weekly_plot(store, weekly)
    _entities_plot(store, entities)
    timeline = _timeline(store)
    _timeline_plot(timeline, events)
    spikes = _spikes(store)
    row = store.con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT outlet_id) FROM articles), "
        "(SELECT count(*) FROM article_topics WHERE topic = ? AND relevance <> 'none'), "
        "(SELECT count(*) FROM article_topics WHERE topic = ? AND relevance = 'primary'), "
        "(SELECT min(published_at)::DATE FROM articles), (SELECT max(published_at)::DATE FROM articles)",
        [TOPIC, TOPIC],
    ).fetchone()
    assert row is not None
    totals = dict(zip(("articles", "outlets", "tagged", "primary", "first", "last"), row, strict=True))
    images = [(weekly, "Artikelen per week"), (entities, "Meest genoemde personen en organisaties"),
              (events, "Gebeurtenissen op de tijdlijn")]  # fmt: skip
    page = directory / "index.html"
    page.write_text(_html(images, spikes, timeline, totals), encoding="utf-8")
    return ReportFiles(directory, page, (weekly, entities, events), len(spikes), len(timeline))
