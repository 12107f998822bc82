"""Rolling 12 months of an indicator, against the previous 12 months and the baseline year,
and whether the change is real (statistically significant at 95%) or noise.

- The rolling 12 months end with the latest reading; they count only when readings cover all
  twelve months (12 monthly or 4 quarterly readings; a series mapped across plans may mix them).
  The previous 12 months are the twelve before those, on the same rule.
- A window's value: for a count, the total of its readings; for a percentage or a rate whose
  readings all carry numerator and denominator, the parts added up and divided again; otherwise
  the average reading, each weighted by the months it covers.
- The baseline year: its readings when the baseline period is a financial year (`2021/22`) that
  the series covers; otherwise the baseline figure, which is recorded per reading period as the
  readings are, so for a count the year is the baseline times the readings in a year.
- Significance, two-sided at 5%:
  - counts: the exact conditional binomial test of c1 given c1 + c0 with p = ½ (the exact test
    that two Poisson means over equal spans are equal), as `scipy.stats.binomtest` gives it;
  - percentages with every numerator and denominator known: the pooled two-proportion z-test;
  - anything else (days, rates, a percentage without its parts, a baseline figure that is not a
    whole count) is "not testable": only the figures are shown.

Both are worked out with `math` (the binomial tail summed term by term, the normal tail by
`erfc`): importing scipy.stats took longer than an export's whole Data sheet.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from desktop_app.core.indicator_values import derive_value
from desktop_app.core.periods import FinancialYear, PeriodError
from desktop_app.core.vocabulary import Frequency, IndicatorUnit

__all__ = [
    "SIGNIFICANCE_LEVEL",
    "Comparison",
    "Significance",
    "SeriesReading",
    "Trend",
    "Window",
    "count_change_p_value",
    "indicator_trend",
    "proportion_change_p_value",
]

SIGNIFICANCE_LEVEL = 0.05
_MONTHS_IN_WINDOW = 12


class Significance(StrEnum):
    """Whether a change is real; the value is the key scripts read."""

    INCREASE = "increase"
    DECREASE = "decrease"
    NONE = "none"
    NOT_TESTABLE = "not testable"

    @property
    def words(self) -> str:
        return _WORDS[self]


_WORDS = {
    Significance.INCREASE: "significant increase",
    Significance.DECREASE: "significant decrease",
    Significance.NONE: "no significant change",
    Significance.NOT_TESTABLE: "not testable",
}


@dataclass(frozen=True)
class SeriesReading:
    """One reading of the series (of one indicator, or of one mapped across plans)."""

    period_start: dt.date
    period_end: dt.date
    value: float
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class Window:
    """Twelve months of readings summed up; numerator/denominator only when every reading had them."""

    start: dt.date | None  # None for a baseline figure with no year to it
    end: dt.date | None
    value: float
    numerator: int | None = None
    denominator: int | None = None

    @property
    def count(self) -> int | None:
        """The window's total as a whole number of things, when it is one."""
        return int(self.value) if float(self.value).is_integer() else None


@dataclass(frozen=True)
class Comparison:
    """The rolling 12 months against a reference window (None when there is none).

    The test runs when `p_value` or `significance` is first read, so listing indicators (the
    dashboard's tiles, the window opening) does not load scipy."""

    reference: Window | None
    change: float | None
    change_pct: float | None
    # ("count", c1, c0) or ("proportion", x1, n1, x0, n0); None when not testable.
    test: tuple | None = None

    @cached_property
    def p_value(self) -> float | None:
        if self.test is None:
            return None
        if self.test[0] == "count":
            return count_change_p_value(*self.test[1:])
        return proportion_change_p_value(*self.test[1:])

    @property
    def significance(self) -> Significance:
        p_value = self.p_value
        if p_value is None:
            return Significance.NOT_TESTABLE
        if p_value < SIGNIFICANCE_LEVEL and self.change:
            return Significance.INCREASE if self.change > 0 else Significance.DECREASE
        return Significance.NONE


@dataclass(frozen=True)
class Trend:
    rolling: Window | None
    previous: Comparison
    baseline: Comparison


_NO_COMPARISON = Comparison(None, None, None)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _months(reading: SeriesReading) -> int:
    return _month_index(reading.period_end) - _month_index(reading.period_start) + 1


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(index: int) -> dt.date:
    return _month_start(index + 1) - dt.timedelta(days=1)


def _window(unit: IndicatorUnit, series: Sequence[SeriesReading], last_month: int) -> Window | None:
    first_month = last_month - _MONTHS_IN_WINDOW + 1
    inside = [
        r for r in series
        if _month_index(r.period_start) >= first_month and _month_index(r.period_end) <= last_month
    ]
    if sum(_months(r) for r in inside) != _MONTHS_IN_WINDOW:
        return None  # a gap (or overlapping readings): no honest 12-month figure
    start, end = _month_start(first_month), _month_end(last_month)
    with_parts = all(r.numerator is not None and r.denominator is not None for r in inside)
    if unit is IndicatorUnit.COUNT:
        return Window(start, end, float(sum(r.value for r in inside)))
    if with_parts and unit in (IndicatorUnit.PERCENT, IndicatorUnit.RATE):
        top, bottom = sum(r.numerator for r in inside), sum(r.denominator for r in inside)
        return Window(start, end, derive_value(unit, top, bottom), top, bottom)
    average = sum(r.value * _months(r) for r in inside) / _MONTHS_IN_WINDOW
    return Window(start, end, round(average, 2))


# Below this share of the largest term, the rest of a tail (smaller still, shrinking faster than
# geometrically) cannot move the sum in its sixteenth significant figure.
_NEGLIGIBLE = 2.0**-64


def count_change_p_value(current: int, reference: int) -> float:
    """Two-sided exact p-value that counts over two equal spans come from one Poisson rate."""
    if current + reference == 0:
        return 1.0
    # scipy.stats.binomtest(current, n, 0.5): at p = 1/2 the distribution is symmetric, so the
    # two-sided p-value is twice the smaller tail. Worked out here because importing
    # scipy.stats costs more than a whole export's figures.
    n = current + reference
    low = min(current, reference)
    if 2 * low == n:
        return 1.0
    log_half = n * math.log(2)
    whole = math.lgamma(n + 1)
    # The terms grow towards `low` (below the middle), so summed from there down they soon
    # fall below what a double can add: stop there rather than at zero, which for counts in
    # the thousands is thousands of terms each too small to change the sum.
    terms: list[float] = []
    for i in range(low, -1, -1):
        term = math.exp(whole - math.lgamma(i + 1) - math.lgamma(n - i + 1) - log_half)
        terms.append(term)
        if term < terms[0] * _NEGLIGIBLE:
            break
    return min(1.0, 2 * math.fsum(terms))


def proportion_change_p_value(x1: int, n1: int, x0: int, n0: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test of x1/n1 against x0/n0."""
    pooled = (x1 + x0) / (n1 + n0)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    if spread == 0:  # all or none in both: no variation, no change to test
        return 1.0
    z = (x1 / n1 - x0 / n0) / spread
    # 2 * scipy.stats.norm.sf(|z|), by the complementary error function.
    return math.erfc(abs(z) / math.sqrt(2))


def _compare(unit: IndicatorUnit, current: Window, reference: Window | None) -> Comparison:
    if reference is None:
        return _NO_COMPARISON
    change = current.value - reference.value
    change_pct = change / abs(reference.value) * 100 if reference.value else None
    test = None
    if unit is IndicatorUnit.COUNT and current.count is not None and reference.count is not None:
        test = ("count", current.count, reference.count)
    elif unit is IndicatorUnit.PERCENT and None not in (current.numerator, reference.numerator):
        test = ("proportion", current.numerator, current.denominator, reference.numerator, reference.denominator)
    return Comparison(reference, change, change_pct, test)


def _baseline_window(
    unit: IndicatorUnit,
    frequency: Frequency,
    series: Sequence[SeriesReading],
    baseline_value: float | None,
    baseline_period: str | None,
) -> Window | None:
    year = None
    if baseline_period:
        try:
            year = FinancialYear.parse(baseline_period)
        except PeriodError:
            year = None
    if year is not None:
        found = _window(unit, series, _month_index(year.end))
        if found is not None:
            return found
    if baseline_value is None:
        return None
    start, end = (year.start, year.end) if year is not None else (None, None)
    if unit is IndicatorUnit.COUNT:
        per_year = 12 if Frequency(frequency) is Frequency.MONTHLY else 4
        return Window(start, end, float(baseline_value) * per_year)
    return Window(start, end, float(baseline_value))


def indicator_trend(
    unit: IndicatorUnit | str,
    frequency: Frequency | str,
    series: Sequence[SeriesReading],
    baseline_value: float | None = None,
    baseline_period: str | None = None,
) -> Trend:
    """The rolling 12 months to the latest reading, against the previous 12 and the baseline."""
    unit = IndicatorUnit(unit)
    if not series:
        return Trend(None, _NO_COMPARISON, _NO_COMPARISON)
    last_month = max(_month_index(r.period_end) for r in series)
    rolling = _window(unit, series, last_month)
    if rolling is None:
        return Trend(None, _NO_COMPARISON, _NO_COMPARISON)
    previous = _window(unit, series, last_month - _MONTHS_IN_WINDOW)
    baseline = _baseline_window(unit, Frequency(frequency), series, baseline_value, baseline_period)
    return Trend(rolling, _compare(unit, rolling, previous), _compare(unit, rolling, baseline))
