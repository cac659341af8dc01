"""The report's figures as SVG with real text (matplotlib, svg.fonttype none), so a browser lays out the
labels and they stay searchable and selectable.

  coverage_chart   tagged articles per week or month, stacked by level and by outlet
  entity_heatmap   the most mentioned people and organisations x period, counts in the cells
  timeline_chart   the most reported events: days as dots, months/quarters/years as spans; each label
                   is placed in the first lane where it overlaps no other label (measured, not guessed)
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from newsmon import report_format as nl

LEVEL_COLOURS = {"primary": "#b2182b", "secondary": "#ef8a62", "mention": "#bababa"}
OUTLET_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
                  "#1f78b4", "#b15928")  # fmt: skip
FONT = 9
STYLE: dict[Any, Any] = {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": FONT,
                         "svg.hashsalt": "newsmon", "axes.spines.top": False, "axes.spines.right": False}


def svg(fig: Figure) -> str:
    """The figure as an SVG document without the XML prolog (to inline it in HTML)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)  # the producer's rdf block
    return text[text.index("<svg"):]


def _num(d: date) -> float:
    return float(mdates.date2num(d))  # type: ignore[no-untyped-call]


def _date_axis(ax: Axes, first: date, last: date) -> None:
    """Dutch ticks: years for long ranges, 'apr 2019' months for short ones."""
    days = (last - first).days
    if days > 3 * 366:
        ax.xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
        fmt = "year"
    else:
        step = 1 if days <= 200 else 2 if days <= 400 else 3 if days <= 800 else 6
        ax.xaxis.set_major_locator(mdates.MonthLocator(interval=step))  # type: ignore[no-untyped-call]
        fmt = "month"

    def label(value: float, _pos: int | None = None) -> str:
        d = mdates.num2date(value).date()  # type: ignore[no-untyped-call]
        return str(d.year) if fmt == "year" else f"{nl.MONTHS_SHORT[d.month - 1]} {d.year}"

    ax.xaxis.set_major_formatter(FuncFormatter(label))
    ax.set_xlim(_num(first), _num(last))


def _count_axis(ax: Axes, label: str = "artikelen") -> None:
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: nl.number(v)))
    ax.set_ylabel(label)
    ax.set_ylim(bottom=0)


def period_of(first: date, last: date) -> str:
    """Weeks for up to half a year, months beyond that."""
    return "week" if (last - first).days <= 183 else "month"


def coverage_chart(daily: pd.DataFrame, first: date, last: date, topic_name: str) -> str:
    """`daily`: day, outlet_id, relevance, articles (tagged levels only)."""
    unit = period_of(first, last)
    with plt.rc_context(STYLE):
        fig, (by_level, by_outlet) = plt.subplots(2, 1, figsize=(11, 6.4), sharex=True, layout="constrained")
        fig.suptitle(f"{topic_name}: artikelen per {'week' if unit == 'week' else 'maand'}", fontsize=FONT + 3)
        width = 5.5 if unit == "week" else 24
        if not daily.empty:
            frame = daily.assign(period=pd.to_datetime(daily["day"]).dt.to_period("W" if unit == "week" else "M")
                                 .dt.start_time)  # fmt: skip
            for ax, column, colours, names, title in (
                (by_level, "relevance", LEVEL_COLOURS, nl.level, "per relevantieniveau"),
                (by_outlet, "outlet_id", None, str, "per medium"),
            ):
                table = frame.pivot_table(index="period", columns=column, values="articles", aggfunc="sum").fillna(0)
                order = [c for c in (colours or {}) if c in table.columns] or list(
                    table.sum().sort_values(ascending=False).index)
                stack = None
                for i, key in enumerate(order):
                    colour = colours[key] if colours else OUTLET_COLOURS[i % len(OUTLET_COLOURS)]
                    ax.bar(table.index, table[key], width=width, bottom=stack, color=colour, label=names(key),
                           align="edge", linewidth=0)  # fmt: skip
                    stack = table[key] if stack is None else stack + table[key]
                ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title=None)
                ax.set_title(title, loc="left", fontsize=FONT + 1)
        for ax in (by_level, by_outlet):
            _count_axis(ax)
        _date_axis(by_outlet, first, last + timedelta(days=31 if unit == "month" else 7))
        return svg(fig)


def heatmap_periods(first: date, last: date) -> str:
    """Years for more than three years, quarters for more than a year, months otherwise."""
    days = (last - first).days
    return "year" if days > 3 * 366 else "quarter" if days > 366 else "month"


def period_label(start: pd.Timestamp, unit: str) -> str:
    if unit == "year":
        return str(start.year)
    if unit == "quarter":
        return f"K{(start.month - 1) // 3 + 1} {start.year}"
    return f"{nl.MONTHS_SHORT[start.month - 1]} {start.year}"


def entity_heatmap(mentions: pd.DataFrame, first: date, last: date, topic_name: str) -> str:
    """`mentions`: day, entity, article_id of tagged articles (top entities only)."""
    unit = heatmap_periods(first, last)
    freq = {"year": "Y", "quarter": "Q", "month": "M"}[unit]
    periods = pd.period_range(pd.Timestamp(first), pd.Timestamp(last), freq=freq)
    with plt.rc_context(STYLE):
        if mentions.empty:
            fig, ax = plt.subplots(figsize=(11, 1.6), layout="constrained")
            ax.set_axis_off()
            ax.text(0.5, 0.5, "Geen personen of organisaties in getagde artikelen.", ha="center", va="center")
            return svg(fig)
        frame = mentions.assign(period=pd.to_datetime(mentions["day"]).dt.to_period(freq))
        table = (frame.groupby(["entity", "period"])["article_id"].nunique().unstack(fill_value=0)
                 .reindex(columns=periods, fill_value=0))  # fmt: skip
        table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]
        rows, cols = table.shape
        fig, ax = plt.subplots(figsize=(11, 1.2 + 0.32 * rows), layout="constrained")
        ax.imshow(table.to_numpy(), aspect="auto", cmap="Blues", vmin=0, interpolation="nearest")
        peak = max(int(table.to_numpy().max()), 1)
        for r in range(rows):
            for c in range(cols):
                value = int(table.to_numpy()[r, c])
                if value:
                    ax.text(c, r, nl.number(value), ha="center", va="center", fontsize=FONT - 1,
                            color="white" if value > 0.6 * peak else "#222")  # fmt: skip
        ax.set_yticks(range(rows), [str(e) for e in table.index])
        step = max(1, -(-cols // 24))  # at most ~24 period labels
        ax.set_xticks(range(0, cols, step), [period_label(p.start_time, unit) for p in periods[::step]])
        ax.tick_params(length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.set_title(f"Meest genoemde personen en organisaties in {topic_name}-artikelen "
                     f"(artikelen per {nl.PRECISIONS[unit]})", loc="left", fontsize=FONT + 2)  # fmt: skip
        return svg(fig)


@dataclass(frozen=True)
class TimelineEntry:
    start: date
    end: date
    precision: str
    label: str


def short_period(start: date, end: date, precision: str) -> str:
    if precision == "year":
        return str(start.year)
    if precision == "quarter":
        return f"K{(start.month - 1) // 3 + 1} {start.year}"
    if precision == "month":
        return f"{nl.MONTHS_SHORT[start.month - 1]} {start.year}"
    if end != start:
        return f"{start.day}–{nl.day_short(end)}" if start.month == end.month else \
            f"{nl.day_short(start)} – {nl.day_short(end)}"
    return nl.day_short(start)


LANE_PX = 20  # vertical room per lane, in pixels at the figure's dpi
MARGIN = (0.015, 0.985)  # axes left and right, as figure fractions


def place_in_lanes(spans: Sequence[tuple[float, float]]) -> list[int]:
    """For each (left, right) pixel interval, the first lane where it overlaps no interval already placed."""
    lanes: list[list[tuple[float, float]]] = []
    placed = []
    for left, right in spans:
        for index, taken in enumerate(lanes):
            if all(right < a or left > b for a, b in taken):
                taken.append((left, right))
                placed.append(index)
                break
        else:
            lanes.append([(left, right)])
            placed.append(len(lanes) - 1)
    return placed


def timeline_chart(entries: Sequence[TimelineEntry], first: date, last: date, title: str) -> str:
    """Events between `first` and `last`: day events as dots, longer ones as spans, each with its label."""
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(11, 2))
        if not entries:
            ax = fig.add_axes((0.02, 0.1, 0.96, 0.7))
            ax.set_axis_off()
            ax.text(0.5, 0.5, "Geen gedateerde gebeurtenissen in deze periode.", ha="center", va="center")
            fig.suptitle(title, x=0.015, ha="left", fontsize=FONT + 2)
            return svg(fig)
        x0, x1 = _num(first), _num(last)
        width_px = fig.get_figwidth() * fig.dpi * (MARGIN[1] - MARGIN[0])
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]

        def px(d: date) -> float:
            return (_num(d) - x0) / (x1 - x0) * width_px

        probe = fig.text(0, 0, "", fontsize=FONT - 0.5)
        layout: list[tuple[TimelineEntry, float, float, str, tuple[float, float]]] = []
        for entry in sorted(entries, key=lambda e: (e.start, e.end)):
            probe.set_text(entry.label)
            text_px = probe.get_window_extent(renderer).width
            start_px, end_px = px(entry.start), px(entry.end + timedelta(days=1))
            end_px = max(end_px, start_px + 4)
            if end_px + 6 + text_px <= width_px:
                anchor, text_x = "left", end_px + 6
                span = (start_px - 6, text_x + text_px + 8)
            else:
                anchor, text_x = "right", start_px - 6
                span = (text_x - text_px - 8, end_px + 6)
            layout.append((entry, start_px, end_px, anchor, span))
        probe.remove()
        lanes = place_in_lanes([item[4] for item in layout])
        count = max(lanes) + 1
        height_px = (count + 1) * LANE_PX
        top_px, bottom_px = 34, 30
        fig.set_figheight((height_px + top_px + bottom_px) / fig.dpi)
        total = height_px + top_px + bottom_px
        ax = fig.add_axes((MARGIN[0], bottom_px / total, MARGIN[1] - MARGIN[0], height_px / total))
        ax.set_ylim(count, -1)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        for (entry, start_px, end_px, anchor, _span), lane in zip(layout, lanes, strict=True):
            colour = "#2166ac" if entry.precision == "day" else "#67a9cf"
            if entry.precision == "day":
                ax.plot([_num(entry.start) + 0.5], [lane], "o", color=colour, markersize=5)
            else:
                ax.barh(lane, (end_px - start_px) / width_px * (x1 - x0), left=x0 + start_px / width_px * (x1 - x0),
                        height=0.45, color=colour, alpha=0.8)  # fmt: skip
            text_x = end_px + 6 if anchor == "left" else start_px - 6
            ax.text(x0 + text_x / width_px * (x1 - x0), lane, entry.label, ha=anchor, va="center",
                    fontsize=FONT - 0.5)  # fmt: skip
        _date_axis(ax, first, last)
        fig.text(MARGIN[0], 1 - 8 / total, title, ha="left", va="top", fontsize=FONT + 2)
        return svg(fig)

