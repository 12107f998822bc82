"""The current reporting period, from strand dates and today's date."""

from __future__ import annotations

import datetime as dt

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.reporting_period import reporting_quarter

D = dt.date
RUNNING = [(D(2022, 4, 1), None)]


def test_the_quarter_just_ended_is_current_until_the_next_one_ends():
    # 30 June ends Q1: until then its returns are not due, so Q4 of the year before is current.
    assert reporting_quarter(RUNNING, D(2024, 6, 30)) == Quarter(FinancialYear(2023), 4)
    assert reporting_quarter(RUNNING, D(2024, 7, 1)) == Quarter(FinancialYear(2024), 1)
    assert reporting_quarter(RUNNING, D(2025, 1, 15)) == Quarter(FinancialYear(2024), 3)  # Oct-Dec


def test_strands_that_have_all_ended_leave_their_last_quarter_current():
    ended = [(D(2022, 4, 1), D(2025, 3, 31)), (D(2023, 4, 1), D(2024, 9, 30))]
    assert reporting_quarter(ended, D(2026, 12, 1)) == Quarter(FinancialYear(2024), 4)


def test_a_quarter_no_strand_runs_in_is_skipped():
    gap = [(D(2022, 4, 1), D(2022, 9, 30)), (D(2023, 1, 1), D(2023, 3, 31))]
    # Q3 2022/23 (Oct-Dec) has no strand: on 1 Feb 2023 the quarter with returns due is Q2.
    assert reporting_quarter(gap, D(2023, 2, 1)) == Quarter(FinancialYear(2022), 2)


def test_before_any_quarter_has_ended_the_first_is_current_and_nothing_without_strands():
    assert reporting_quarter([(D(2025, 4, 1), None)], D(2025, 5, 10)) == Quarter(FinancialYear(2025), 1)
    assert reporting_quarter([], D(2025, 5, 10)) is None
