"""Rolling 12 months and whether a change is real: figures worked by hand.

Exact test on counts: under "no change" c1 | c1 + c0 is Binomial(c1 + c0, ½), two-sided.
  3 against 9: n = 12, P(X ≤ 3) = (1 + 12 + 66 + 220) / 4096 = 299/4096 = 0.0730; p = 0.146.
  1 against 9: n = 10, P(X ≤ 1) = (1 + 10) / 1024 = 0.01074; p = 0.0215.
  0 against 5: p = 2 / 32 = 0.0625;  0 against 6: p = 2 / 64 = 0.03125.
Two proportions (pooled): 60/100 against 45/100: p̂ = 0.525, se = √(0.525·0.475·0.02) = 0.07062,
  z = 0.15 / 0.07062 = 2.124, p = 0.0337. 55/100 against 45/100: se = 0.07071, z = 1.414, p = 0.157.
"""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.indicator_trend import (
    SeriesReading,
    Significance,
    count_change_p_value,
    indicator_trend,
    proportion_change_p_value,
)
from desktop_app.core.indicator_values import reading_period


def _quarters(first_year: int, values, parts=None) -> list[SeriesReading]:
    """Quarterly readings from April of `first_year`, one per value."""
    found = []
    for index, value in enumerate(values):
        months = 3 + 3 * index  # months after January of first_year
        start, end = reading_period("quarterly", dt.date(first_year + months // 12, months % 12 + 1, 1))
        n, d = parts[index] if parts else (None, None)
        found.append(SeriesReading(start, end, value, n, d))
    return found


@pytest.mark.parametrize(
    ("current", "reference", "expected"),
    [(3, 9, 299 / 4096 * 2), (9, 3, 299 / 4096 * 2), (1, 9, 22 / 1024), (0, 5, 0.0625), (0, 6, 0.03125), (0, 0, 1.0)],
)
def test_the_exact_count_test_gives_the_binomial_p_value_worked_by_hand(current, reference, expected):
    assert count_change_p_value(current, reference) == pytest.approx(expected, rel=1e-9)


def test_the_two_proportion_test_gives_the_p_value_worked_by_hand():
    assert proportion_change_p_value(60, 100, 45, 100) == pytest.approx(0.0337, abs=5e-4)
    assert proportion_change_p_value(55, 100, 45, 100) == pytest.approx(0.1573, abs=5e-4)
    assert proportion_change_p_value(100, 100, 50, 50) == 1.0


def test_three_homicides_against_nine_is_no_significant_change():
    # 2023/24: 2+3+2+2 = 9; 2024/25: 1+0+1+1 = 3. A fall by two thirds, yet not beyond chance.
    trend = indicator_trend("count", "quarterly", _quarters(2023, [2, 3, 2, 2, 1, 0, 1, 1]))
    assert trend.rolling.value == 3 and trend.previous.reference.value == 9
    assert trend.previous.change == -6
    assert trend.previous.change_pct == pytest.approx(-66.67, abs=0.01)
    assert trend.previous.significance is Significance.NONE
    assert trend.previous.p_value == pytest.approx(0.146, abs=5e-4)


def test_one_against_nine_is_a_significant_decrease():
    trend = indicator_trend("count", "quarterly", _quarters(2023, [3, 2, 2, 2, 0, 1, 0, 0]))
    assert trend.previous.significance is Significance.DECREASE
    assert trend.previous.significance.words == "significant decrease"


def test_large_counts_show_a_small_real_rise():
    # 4,000 a year against 3,700: z ≈ 3.4 on the binomial with n = 7,700.
    trend = indicator_trend("count", "quarterly", _quarters(2023, [925] * 4 + [1000] * 4))
    assert trend.previous.significance is Significance.INCREASE


def test_a_count_against_its_baseline_counts_the_baseline_per_quarter_for_a_year():
    # Baseline 2 a quarter in 2021/22 is 8 a year; 14 this year: p = 2·P(X ≥ 14 | n=22) ≈ 0.286.
    trend = indicator_trend("count", "quarterly", _quarters(2024, [3, 4, 3, 4]), 2, "2021/22")
    assert trend.baseline.reference.value == 8
    assert trend.baseline.change == 6
    assert trend.baseline.significance is Significance.NONE


def test_percentages_with_parts_add_the_parts_and_use_the_two_proportion_test():
    previous = [(11, 25), (11, 25), (11, 25), (12, 25)]  # 45 of 100
    current = [(15, 25), (15, 25), (15, 25), (15, 25)]  # 60 of 100
    values = [44.0, 44.0, 44.0, 48.0, 60.0, 60.0, 60.0, 60.0]
    trend = indicator_trend("percent", "quarterly", _quarters(2023, values, previous + current))
    assert (trend.rolling.numerator, trend.rolling.denominator, trend.rolling.value) == (60, 100, 60.0)
    assert trend.previous.reference.value == 45.0
    assert trend.previous.change == pytest.approx(15.0)
    assert trend.previous.significance is Significance.INCREASE
    assert trend.previous.p_value == pytest.approx(0.0337, abs=5e-4)


def test_percentages_against_their_baseline_year_use_its_readings_when_the_series_has_them():
    previous = [(11, 25), (11, 25), (12, 25), (11, 25)]
    current = [(14, 25), (14, 25), (13, 25), (14, 25)]  # 55 of 100: not significant
    values = [44.0, 44.0, 48.0, 44.0, 56.0, 56.0, 52.0, 56.0]
    trend = indicator_trend("percent", "quarterly", _quarters(2023, values, previous + current), 47.0, "2023/24")
    assert trend.baseline.reference.value == 45.0  # the year's parts, not the figure typed
    assert trend.baseline.significance is Significance.NONE


def test_a_percentage_without_parts_is_not_testable_but_still_shows_its_change():
    trend = indicator_trend("percent", "quarterly", _quarters(2023, [70.0] * 4 + [72.0] * 4), 70.0, "2021/22")
    assert trend.rolling.value == 72.0
    assert trend.previous.change == pytest.approx(2.0)
    assert trend.previous.significance is Significance.NOT_TESTABLE
    assert trend.baseline.significance is Significance.NOT_TESTABLE


def test_monthly_readings_need_all_twelve_months():
    months = [
        SeriesReading(*reading_period("monthly", dt.date(2024 + m // 12, m % 12 + 1, 1)), 5) for m in range(3, 15)
    ]
    assert indicator_trend("count", "monthly", months).rolling.value == 60
    gap = months[:5] + months[6:]
    trend = indicator_trend("count", "monthly", gap)
    assert trend.rolling is None
    assert trend.previous.significance is Significance.NOT_TESTABLE


def test_no_previous_year_is_not_testable():
    trend = indicator_trend("count", "quarterly", _quarters(2024, [3, 4, 3, 4]))
    assert trend.rolling.value == 14
    assert trend.previous.reference is None
    assert trend.previous.significance is Significance.NOT_TESTABLE


@pytest.mark.parametrize("current, reference", [(10_000, 10_290), (25_000, 24_100), (4_000, 9_000), (3, 0)])
def test_the_count_test_on_a_big_force_area_equals_the_whole_binomial_tail(current, reference):
    # The exact two-sided test, every term of the smaller tail added up (what scipy's binomtest does).
    import math

    n, low = current + reference, min(current, reference)
    whole = math.fsum(math.comb(n, i) / 2**n for i in range(low + 1)) if n < 1_000 else math.fsum(
        math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) - n * math.log(2)) for i in range(low + 1)
    )
    assert count_change_p_value(current, reference) == pytest.approx(min(1.0, 2 * whole), rel=1e-12, abs=1e-300)
