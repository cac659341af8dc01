"""Dutch formats for the report: numbers with a decimal comma, dates with Dutch month names, and the
Dutch words for the product's level and precision codes. Locale-independent on purpose: a server's
locale decides nothing about what an analyst reads."""

from __future__ import annotations

from datetime import date

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")  # fmt: skip
MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
LEVELS = {"primary": "primair", "secondary": "secundair", "mention": "vermelding", "none": "geen"}
PRECISIONS = {"day": "dag", "week": "week", "month": "maand", "quarter": "kwartaal", "season": "seizoen",
              "year": "jaar", "decade": "decennium"}  # fmt: skip


def number(value: float, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5': a point between thousands, a comma before the decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def day(d: date) -> str:
    """'25 april 2019'."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def day_short(d: date) -> str:
    """'25 apr 2019'."""
    return f"{d.day} {MONTHS_SHORT[d.month - 1]} {d.year}"


def month(d: date) -> str:
    """'april 2019'."""
    return f"{MONTHS[d.month - 1]} {d.year}"


def period(start: date, end: date | None, precision: str) -> str:
    """How a dated event reads: a day, a range of days, a month, a year."""
    end = end or start
    if precision == "year" and start.month == 1 and start.day == 1:
        return str(start.year)
    if precision == "month" and start.day == 1:
        return month(start)
    if end == start:
        return day(start)
    if start.year == end.year and start.month == end.month:
        return f"{start.day}–{end.day} {MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{start.day} {MONTHS_SHORT[start.month - 1]} – {end.day} {MONTHS_SHORT[end.month - 1]} {end.year}"
    return f"{day_short(start)} – {day_short(end)}"


def level(code: str) -> str:
    return LEVELS.get(code, code)


def precision(code: str) -> str:
    return PRECISIONS.get(code, code)
