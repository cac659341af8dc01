"""The coverage report for an analyst: one self-contained HTML page in Dutch, with its figures as SVG.

  coverage.svg     tagged articles per week or month, by level and by outlet
  entities.svg     the most mentioned people and organisations per period (a heatmap with counts)
  timeline.svg     the most reported dated events, days as dots and months or years as spans
  index.html       the three figures inline, the spike weeks (and the busiest weeks), and the event
                   timeline as a dated table

Everything covers the time from the first tagged article on (the week or month it falls in); events
dated before that are listed apart, under "Eerdere data". Numbers and dates are written the Dutch way.

Spike rule (coverage_spikes() in sql/views): a week is a spike when it has at least 3 tagged articles and
more than twice the mean of the 8 weeks before it, and only once 8 weeks of history precede it, so the
first weeks of monitoring (no baseline) are never flagged.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from newsmon import report_format as nl
from newsmon.report_charts import TimelineEntry, coverage_chart, entity_heatmap, short_period, timeline_chart
from newsmon.store import Store

TOPIC = "nk_ru"
TOPIC_NAME = "Noord-Korea–Rusland"
TOPIC_SHORT = "NK–RU"
TIMELINE_IN_CHART = 15  # the most reported entries; the table lists them all
TOP_ENTITIES = 10
SPIKE_RULE = ("Een week is een piek als er minstens 3 getagde artikelen verschenen en meer dan twee keer het "
              "gemiddelde van de 8 weken ervoor, en pas als er 8 weken geschiedenis aan voorafgaan: in de eerste "
              "weken van de monitoring is er nog geen basis om mee te vergelijken.")  # fmt: skip
LEVELS_TAGGED = ("primary", "secondary", "mention")


@dataclass(frozen=True)
class ReportFiles:
    directory: Path
    html: Path
    images: tuple[Path, ...]
    spikes: int
    events: int


def _frame(store: Store, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return store.con.execute(sql, params or []).df()


def _scalar(store: Store, sql: str, params: list[Any] | None = None) -> Any:
    row = store.con.execute(sql, params or []).fetchone()
    return row[0] if row else None


def time_range(store: Store) -> tuple[date, date] | None:
    """From the first tagged article (its month's first day) to the last stored article; None without tags."""
    first = _scalar(store, "SELECT min(day) FROM v_topic_articles WHERE topic = ? AND relevance <> 'none'", [TOPIC])
    if first is None:
        return None
    last = _scalar(store, "SELECT max(CAST(timezone('Europe/Amsterdam', published_at) AS DATE)) FROM articles")
    return first.replace(day=1), max(last or first, first)


def _timeline(store: Store) -> pd.DataFrame:
    return _frame(
        store,
        "SELECT t.date_start, t.date_end, t.precision, t.entities, t.articles, t.outlets, t.sentence "
        "FROM v_event_timeline t WHERE t.precision IS NOT NULL AND EXISTS ("
        "  SELECT 1 FROM article_topics a WHERE a.topic = ? AND a.relevance IN ('primary', 'secondary')"
        "    AND list_contains(t.article_ids, a.article_id)"
        ") ORDER BY t.date_start, t.articles DESC",
        [TOPIC],
    ).pipe(_as_dates, "date_start", "date_end")


def _as_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """DuckDB DATE columns come back as pandas timestamps; the report works with calendar dates."""
    return frame.assign(**{c: pd.to_datetime(frame[c]).dt.date for c in columns})


def _names(value: Any, limit: int | None = None) -> str:
    # v_event_timeline.entities holds {id, name} pairs
    names = [v["name"] if isinstance(v, dict) else str(v) for v in value] if value is not None else []
    shown = names[:limit] if limit else names
    return ", ".join(shown) + (f" +{len(names) - len(shown)}" if len(names) > len(shown) else "")


def timeline_entries(timeline: pd.DataFrame, first: date) -> list[TimelineEntry]:
    """The chart's entries: the most reported events from `first` on (ties: day precision, then earlier)."""
    recent = timeline[pd.to_datetime(timeline["date_start"]).dt.date >= first]
    rank = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}
    chosen = sorted(
        recent.to_dict("records"),
        key=lambda r: (-int(r["articles"]), -int(r["outlets"]), rank.get(str(r["precision"]), 5), r["date_start"]),
    )[:TIMELINE_IN_CHART]
    return [
        TimelineEntry(r["date_start"], r["date_end"] or r["date_start"], str(r["precision"]),
                      f"{short_period(r['date_start'], r['date_end'] or r['date_start'], str(r['precision']))} · "
                      f"{_names(r['entities'], 2)} ({int(r['articles'])})")
        for r in chosen
    ]  # fmt: skip


def _weekly_totals(store: Store, first: date) -> pd.DataFrame:
    weeks = _frame(store, "SELECT week, articles, trailing_mean, weeks_before, spike FROM v_coverage_spikes "
                          "WHERE topic = ? AND week >= ? ORDER BY week", [TOPIC, first])  # fmt: skip
    return _as_dates(weeks, "week")


def _week_articles(store: Store, week: date) -> list[dict[str, Any]]:
    return _frame(
        store,
        "SELECT title, outlet_id, day, url, relevance FROM v_topic_articles "
        "WHERE topic = ? AND relevance <> 'none' AND week = ? ORDER BY score DESC, published_at LIMIT 5",
        [TOPIC, week],
    ).pipe(_as_dates, "day").to_dict("records")  # type: ignore[return-value]


def _week_html(store: Store, week: pd.Series, with_mean: bool) -> str:
    esc = html.escape
    start: date = week["week"]
    end = start + timedelta(days=6)
    mean = (f" (gemiddeld {nl.number(float(week['trailing_mean']), 1)} per week in de 8 weken ervoor)"
            if with_mean else "")  # fmt: skip
    items = "".join(
        f"<li><a href='{esc(a['url'])}'>{esc(a['title'] or '(zonder titel)')}</a> — {esc(a['outlet_id'])}, "
        f"{nl.day(a['day'])} <span class='level'>{nl.level(a['relevance'])}</span></li>"
        for a in _week_articles(store, start)
    )
    count = int(week["articles"])
    return (f"<section class='week'><h3>Week van {nl.day(start)} tot {nl.day(end)}: {nl.number(count)} "
            f"{'artikel' if count == 1 else 'artikelen'}{mean}</h3><ol>{items}</ol></section>")


def _timeline_rows(frame: pd.DataFrame) -> str:
    esc = html.escape
    return "".join(
        f"<tr><td class='when'>{esc(nl.period(r['date_start'], r['date_end'], str(r['precision'])))}</td>"
        f"<td>{esc(nl.precision(str(r['precision'])))}</td><td>{esc(_names(r['entities']))}</td>"
        f"<td class='n'>{nl.number(int(r['articles']))}</td><td class='n'>{nl.number(int(r['outlets']))}</td>"
        f"<td>{esc(str(r['sentence'])[:240])}</td></tr>"
        for r in frame.to_dict("records")
    )


TABLE_HEAD = ("<tr><th>wanneer</th><th>precisie</th><th>wie en waar</th><th>artikelen</th><th>media</th>"
              "<th>voorbeeldzin</th></tr>")  # fmt: skip

PAGE_STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: .2em; } .totals, .rule, figcaption { color: #555; }
figure { margin: 1.5em 0; } figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: .85em; width: 100%; }
td, th { border-bottom: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }
td.n { text-align: right; } td.when { white-space: nowrap; }
.level { font-size: .8em; color: #b2182b; } details { margin: 1em 0; }
"""


def _figure(svg_text: str, caption: str) -> str:
    return f"<figure>{svg_text}<figcaption>{html.escape(caption)}</figcaption></figure>"


def write_report(store: Store, directory: Path) -> ReportFiles:
    """Write the SVG figures and index.html into `directory` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    totals = store.con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT outlet_id) FROM articles), "
        "(SELECT count(*) FROM article_topics WHERE topic = ? AND relevance <> 'none'), "
        "(SELECT count(*) FROM article_topics WHERE topic = ? AND relevance = 'primary')",
        [TOPIC, TOPIC],
    ).fetchone()
    assert totals is not None
    n_articles, n_outlets, n_tagged, n_primary = (int(v) for v in totals)
    span = time_range(store)
    timeline = _timeline(store)
    figures: list[tuple[str, str, str]] = []
    spikes: list[str] = []
    busiest: list[str] = []
    if span is None:
        summary = (f"Nog geen artikelen over {TOPIC_NAME}: {nl.number(n_articles)} opgehaalde artikelen van "
                   f"{nl.number(n_outlets)} media, geen ervan getagd.")  # fmt: skip
        recent, older = timeline.iloc[0:0], timeline
    else:
        first, last = span
        daily = _frame(store, "SELECT day, outlet_id, relevance, articles FROM v_coverage_daily "
                              "WHERE topic = ? AND day >= ? AND articles > 0", [TOPIC, first])  # fmt: skip
        mentions = _frame(
            store,
            "WITH tagged AS (SELECT article_id, day FROM v_topic_articles WHERE topic = ? AND relevance <> 'none'), "
            "m AS (SELECT t.day, v.entity, v.article_id FROM v_entity_mentions v JOIN tagged t USING (article_id) "
            "      WHERE v.entity_type IN ('person', 'organisation')), "
            "top AS (SELECT entity FROM m GROUP BY entity ORDER BY count(DISTINCT article_id) DESC, entity LIMIT ?) "
            "SELECT * FROM m WHERE entity IN (SELECT entity FROM top)",
            [TOPIC, TOP_ENTITIES],
        )
        starts = pd.to_datetime(timeline["date_start"]).dt.date
        recent, older = timeline[starts >= first], timeline[starts < first]
        chart_end = max([last, *(e.end for e in timeline_entries(timeline, first))])
        figures = [
            ("coverage.svg", coverage_chart(daily, first, last, TOPIC_NAME),
             "Getagde artikelen (primair, secundair en vermelding) per periode, naar niveau en naar medium."),
            ("entities.svg", entity_heatmap(mentions, first, last, TOPIC_SHORT),
             f"De {TOP_ENTITIES} personen en organisaties die in de meeste getagde artikelen voorkomen; "
             "het getal is het aantal artikelen in die periode."),
            ("timeline.svg", timeline_chart(timeline_entries(timeline, first), first,
                                            chart_end + timedelta(days=1),
                                            f"De {TIMELINE_IN_CHART} meest gemelde gebeurtenissen in "
                                            f"{TOPIC_SHORT}-artikelen (tussen haakjes: aantal artikelen)"),
             "Punten zijn dagen; balken zijn weken, maanden, kwartalen of jaren (zo precies als het artikel is)."),
        ]  # fmt: skip
        weeks = _weekly_totals(store, first)
        spikes = [_week_html(store, w, True) for _, w in weeks[weeks["spike"]].iloc[::-1].iterrows()]
        top_weeks = weeks[weeks["articles"] > 0].sort_values(["articles", "week"], ascending=[False, False]).head(3)
        busiest = [_week_html(store, w, False) for _, w in top_weeks.iterrows()]
        summary = (f"{nl.number(n_tagged)} artikelen over de betrekkingen ({nl.number(n_primary)} primair) uit "
                   f"{nl.number(n_articles)} opgehaalde artikelen van {nl.number(n_outlets)} media, "
                   f"van {nl.day(first)} tot {nl.day(last)}.")  # fmt: skip
    images = []
    for name, svg_text, _caption in figures:
        (directory / name).write_text(svg_text, encoding="utf-8")
        images.append(directory / name)
    older_html = (f"<details><summary>Eerdere data ({nl.number(len(older))}): jaartallen en data van vóór de "
                  f"periode van dit rapport die de artikelen noemen</summary><table>{TABLE_HEAD}"
                  f"{_timeline_rows(older)}</table></details>") if len(older) else ""  # fmt: skip
    page = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>newsmon — {TOPIC_NAME}</title>
<style>{PAGE_STYLE}</style></head><body>
<h1>{TOPIC_NAME} in het nieuws</h1>
<p class="totals">{summary}</p>
{"".join(_figure(svg_text, caption) for _name, svg_text, caption in figures)}
<h2>Pieken</h2>
<p class="rule">{SPIKE_RULE}</p>
{"".join(spikes) or "<p>Geen pieken in deze periode.</p>"}
<h2>Drukste weken</h2>
{"".join(busiest) or "<p>Nog geen getagde artikelen.</p>"}
<h2>Tijdlijn van gebeurtenissen</h2>
<table>{TABLE_HEAD}{_timeline_rows(recent)}</table>
{older_html}
</body></html>
"""
    index = directory / "index.html"
    index.write_text(page, encoding="utf-8")
    return ReportFiles(directory, index, tuple(images), len(spikes), len(recent))
