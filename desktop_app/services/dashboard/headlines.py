"""The dashboard's headline figures, each with its change against the previous year in words.

Counts come from `year_report` (verified and locked returns, as the Panel report counts them),
so the dashboard and the report never disagree. Which measures are figure cards, in what order
and under what words, is the catalogue's `headline` attribute, not code. "Returns complete" is verified and locked
returns out of those expected; "Allocated" is what the strands hold against the year's budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from desktop_app.core.money import format_pence_short
from desktop_app.core.numbers import format_count, format_percent
from desktop_app.core.periods import FinancialYear

if TYPE_CHECKING:
    from desktop_app.services.report import YearReport  # noqa: F401 - the usual `report`

__all__ = [
    "COUNT",
    "MONEY",
    "PERCENT",
    "Change",
    "Headline",
    "change_words",
    "count_headline",
    "money_headline",
    "percent_headline",
]

COUNT = "count"
MONEY = "money"
PERCENT = "percent"

NO_EARLIER_YEAR = "no earlier year"


@dataclass(frozen=True)
class Change:
    """A figure's change against the previous year: absolute, and % (None when it was 0)."""

    previous_year: FinancialYear
    previous: float
    absolute: float
    pct: float | None


@dataclass(frozen=True)
class Headline:
    """One headline figure: its value, how it reads, and its change against the year before.

    `value` is a count, pence (MONEY) or a percentage already multiplied by 100 (PERCENT)."""

    key: str
    label: str
    unit: str
    value: float
    text: str
    detail: str
    change: Change | None
    change_words: str


def _change(value: float, previous: float | None, previous_year: FinancialYear) -> Change | None:
    if previous is None:
        return None
    pct = (value - previous) / previous * 100 if previous else None
    return Change(previous_year=previous_year, previous=previous, absolute=value - previous, pct=pct)


def change_words(change: Change | None, unit: str) -> str:
    """The change as a figure card says it: "▲ 4.1% on 2021/22", "▼ 2.0 points on 2023/24",
    "no change on 2021/22" or "no earlier year". The arrow is never the only sign: words too."""
    if change is None:
        return NO_EARLIER_YEAR
    on = f"on {change.previous_year.label}"
    if unit == PERCENT:
        # A change of a percentage is said in points; a % of a % would mislead.
        points = round(change.absolute, 1)
        if points == 0:
            return f"no change {on}"
        arrow = "▲" if points > 0 else "▼"
        return f"{arrow} {abs(points):.1f} points {on}"
    if change.absolute == 0:
        return f"no change {on}"
    arrow = "▲" if change.absolute > 0 else "▼"
    if change.pct is None:  # up from nothing: the amount says more than an infinite %
        amount = format_pence_short(int(change.absolute)) if unit == MONEY else format_count(int(change.absolute))
        return f"{arrow} {amount} {on}"
    return f"{arrow} {format_percent(abs(change.pct))} {on}"


def _headline(key, label, unit, value, text, detail, previous, previous_year) -> Headline:
    change = _change(value, previous, previous_year)
    return Headline(key, label, unit, value, text, detail, change, change_words(change, unit))


class YearTotals(Protocol):
    """What a count headline reads of a year's figures: a `YearReport`, or the window's first
    look at them (`services.dashboard.first_look`), which is read without SQLAlchemy."""

    year: FinancialYear
    totals: dict[str, int]
    returns_counted: int


def count_headline(
    key: str, label: str, detail: str, report: YearTotals, previous: YearTotals | None
) -> Headline:
    """A measure's total for the year; no change when the previous year counted no returns."""
    value = report.totals.get(key, 0)
    before = previous.totals.get(key, 0) if previous is not None and previous.returns_counted else None
    return _headline(
        key, label, COUNT, value, format_count(value), detail, before, report.year.previous()
    )


def percent_headline(
    key: str,
    label: str,
    year: FinancialYear,
    done: int,
    expected: int,
    previous: tuple[int, int] | None,
) -> Headline:
    """`done` of `expected` as a percentage (0 when nothing is expected yet)."""
    value = done / expected * 100 if expected else 0.0
    detail = f"{format_count(done)} of {format_count(expected)} returns"
    if not expected:
        detail = "no returns expected yet"
    before = None
    if previous is not None and previous[1]:
        before = previous[0] / previous[1] * 100
    text = format_percent(value, 0) if value in (0, 100) else format_percent(value)
    return _headline(key, label, PERCENT, value, text, detail, before, year.previous())


def money_headline(
    key: str,
    label: str,
    year: FinancialYear,
    allocated: int,
    budget: int,
    previous_allocated: int | None,
) -> Headline:
    """What the strands hold in the year, against the year's budget."""
    if budget:
        detail = f"of {format_pence_short(budget)} budget"
    else:
        detail = "no budget set"
    return _headline(
        key, label, MONEY, allocated, format_pence_short(allocated), detail, previous_allocated,
        year.previous(),
    )


def basis_words(counted: int, unverified: int) -> str:
    """Which returns the figures count, in a sentence under the cards."""
    words = f"Figures count {format_count(counted)} verified and locked returns"
    if unverified:
        words += f"; {format_count(unverified)} not yet verified are left out"
    return words + "."
