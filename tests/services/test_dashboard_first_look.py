"""The figures and charts the window paints first (sqlite3 only) are the full dashboard's,
card for card and bar for bar.

The window replaces them with `dashboard()`'s a moment later: any difference would show as a
figure or a bar that changes by itself just after the window opens.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from desktop_app.core.periods import FinancialYear
from desktop_app.services.dashboard import dashboard, dashboard_years, default_dashboard_year
from desktop_app.services.dashboard.first_look import first_figures
from desktop_app.services.reporting_period import current_reporting_period
from desktop_app.store.database import open_database
from tests.published import PUBLISHED_2022_23

LATER = dt.date(2026, 1, 1)
# When 2022/23's last quarter was the one being reported: the demo's published year.
SPRING_2023 = dt.date(2023, 5, 1)
# 2024/25's second quarter ended, its returns not yet due; then due and overdue.
NOT_YET_DUE, MID_YEAR = dt.date(2024, 10, 15), dt.date(2024, 11, 20)


def _full(path, today):
    """What the window shows once the file is open in full: the year of the current reporting
    period (every page opens on it), or the dashboard's own choice when that year has nothing."""
    db = open_database(path)
    try:
        period = current_reporting_period(db, today)
        year = period.year if period is not None and period.year in dashboard_years(db) else default_dashboard_year(db)
        board = dashboard(db, year, today=today) if year is not None else None
        return dashboard_years(db), year, board
    finally:
        db.close()


def _same_charts(first, board) -> None:
    """Every bar of the four charts drawn from the first look is the full dashboard's."""
    assert first.charts is not None
    assert first.charts.victims == board.victims
    assert first.charts.providers == board.providers
    assert first.charts.money == board.money
    assert first.charts.completeness == board.completeness


def test_the_first_paint_shows_the_demo_dashboard_figures_and_the_published_ones(demo_path):
    years, year, board = _full(demo_path, SPRING_2023)
    first = first_figures(demo_path, today=SPRING_2023)
    assert first is not None and first.is_demo and not first.is_empty
    assert list(first.years) == years and first.year == year == FinancialYear(2022)
    assert first.headlines == board.headlines
    assert first.basis_words == board.basis_words
    _same_charts(first, board)
    assert first.charts.victims.total == PUBLISHED_2022_23["victims_supported"]
    shown = {h.key: h.value for h in first.headlines}
    assert shown["victims_supported"] == PUBLISHED_2022_23["victims_supported"]
    for key, published in PUBLISHED_2022_23.items():
        if key in shown:
            assert shown[key] == published


def test_a_real_database_mid_year_opens_on_the_same_year_with_the_same_figures(demo_path):
    quarter = "SELECT r.id FROM return r JOIN return_period p ON p.id = r.period_id WHERE p.financial_year = 2024"
    with sqlite3.connect(demo_path) as connection:
        connection.execute("UPDATE setting SET value = 'no' WHERE key = 'is_demo'")
        # Some 2024/25 returns back to draft and submitted, some gone, and a 2023/24
        # and 2022/23 return unlocked: no year is wholly locked, so the window opens on 2024/25.
        connection.execute(f"UPDATE return SET status = 'draft' WHERE id IN ({quarter} AND p.quarter = 1 LIMIT 5)")
        connection.execute(f"UPDATE return SET status = 'submitted' WHERE id IN ({quarter} AND p.quarter = 2 LIMIT 4)")
        for table, column in (("return_breakdown_value", "return_id"), ("return_value", "return_id"), ("return", "id")):
            connection.execute(f"DELETE FROM {table} WHERE {column} IN ({quarter} AND p.quarter = 2 ORDER BY r.id LIMIT 3)")
        for earlier in ("2022", "2023"):
            connection.execute(f"UPDATE return SET status = 'verified' WHERE id IN ({quarter.replace('2024', earlier)} LIMIT 1)")
    for today in (NOT_YET_DUE, MID_YEAR, LATER):
        years, year, board = _full(demo_path, today)
        first = first_figures(demo_path, today=today)
        assert first is not None and not first.is_demo
        assert first.year == year == FinancialYear(2024) and list(first.years) == years
        assert first.headlines == board.headlines
        assert first.basis_words == board.basis_words
        _same_charts(first, board)
        states = {state for q in first.charts.completeness for state, n in q.counts.items() if n}
        if today == LATER:
            assert {"draft", "submitted", "verified", "overdue"} <= states


def test_an_empty_database_paints_no_year(db_path):
    first = first_figures(db_path)
    assert first is not None and first.is_empty and first.year is None and first.headlines == ()
    assert first.charts is None


def test_a_file_that_is_not_plainly_a_current_database_is_left_to_the_full_opening(demo_path, tmp_path):
    not_sqlite = tmp_path / "notes.sqlite"
    not_sqlite.write_text("these are my notes")
    assert first_figures(not_sqlite) is None
    assert first_figures(tmp_path / "missing.sqlite") is None
    with sqlite3.connect(demo_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'an-older-one'")
    assert first_figures(demo_path) is None  # it must be upgraded (or refused) first


def test_a_file_open_in_another_copy_is_left_to_the_full_opening(demo_path):
    db = open_database(demo_path)  # holds the lock, as another copy of the program would
    try:
        assert first_figures(demo_path) is None
    finally:
        db.close()
    assert first_figures(demo_path) is not None


def test_the_first_paint_opens_on_the_current_reporting_period_as_the_full_window_does(demo_path):
    for today in (SPRING_2023, MID_YEAR, LATER):
        years, year, board = _full(demo_path, today)
        first = first_figures(demo_path, today=today)
        db = open_database(demo_path)
        try:
            period = current_reporting_period(db, today)
        finally:
            db.close()
        assert first.period == period and first.year == year == period.year
        assert first.headlines == board.headlines
        _same_charts(first, board)
