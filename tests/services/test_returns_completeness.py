"""The completeness matrix: strands × quarters of a year, each return's state, counts per quarter."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import or_, select

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.services.changes import RETURNS
from desktop_app.services.returns import (
    STATES,
    DueDaysRefused,
    completeness_matrix,
    due_days,
    return_form,
    save_return,
    set_due_days,
)
from desktop_app.store.models import Return, ReturnPeriod, Strand
from tests.services.test_strands import add_provider, add_strand, add_stream

YEAR = FinancialYear(2024)


def stored_statuses(db, year: FinancialYear, quarter: int) -> tuple[Counter, int]:
    """Straight from the store: the quarter's returns by status, and the strands running in it."""
    q = year.quarters()[quarter - 1]
    with db.reading() as session:
        statuses = Counter(
            s.value
            for s in session.scalars(
                select(Return.status)
                .join(ReturnPeriod)
                .where(ReturnPeriod.financial_year == year.start_year, ReturnPeriod.quarter == quarter)
            )
        )
        running = len(
            session.scalars(
                select(Strand.id).where(
                    Strand.start_date <= q.end, or_(Strand.end_date.is_(None), Strand.end_date >= q.start)
                )
            ).all()
        )
    return statuses, running


def test_the_demos_last_quarter_counts_match_what_the_demo_wrote_and_missing_ones_are_overdue(demo_db):
    statuses, running = stored_statuses(demo_db, YEAR, 4)
    matrix = completeness_matrix(demo_db, YEAR, today=dt.date(2025, 6, 1))
    assert len(matrix.rows) == 72
    counts = matrix.columns[3].counts
    assert counts["submitted"] == statuses["submitted"] > 0
    assert counts["draft"] == statuses["draft"] > 0
    assert counts["overdue"] == running - sum(statuses.values()) > 0
    assert counts["missing"] == 0 and set(counts) == set(STATES)
    assert matrix.count(4, "overdue") == counts["overdue"]


def test_before_the_due_date_a_return_not_in_is_missing_not_overdue(demo_db):
    statuses, running = stored_statuses(demo_db, YEAR, 4)
    matrix = completeness_matrix(demo_db, YEAR, due_days=30, today=dt.date(2025, 4, 30))
    assert matrix.count(4, "missing") == running - sum(statuses.values())
    assert matrix.count(4, "overdue") == 0
    assert matrix.columns[3].due_date == dt.date(2025, 4, 30) and matrix.columns[3].due_words == "Due 30 Apr 2025"
    late = completeness_matrix(demo_db, YEAR, due_days=30, today=dt.date(2025, 5, 1))
    assert late.count(4, "overdue") == running - sum(statuses.values())


def test_a_quarter_not_yet_ended_is_not_due_and_shows_a_dash(demo_db):
    matrix = completeness_matrix(demo_db, YEAR, today=dt.date(2025, 2, 1))
    missing = [row.cells[3] for row in matrix.rows if row.cells[3].return_id is None]
    assert missing and {c.state for c in missing} == {"not_due"}
    assert {c.text for c in missing} == {"—"}


def test_2022_23_is_all_locked_and_each_cell_opens_its_return(demo_db):
    year = FinancialYear(2022)
    matrix = completeness_matrix(demo_db, year, today=dt.date(2025, 6, 1))
    assert matrix.rows and {cell.state for row in matrix.rows for cell in row.cells} == {"locked"}
    assert [c.counts["locked"] for c in matrix.columns] == [len(matrix.rows)] * 4
    cell = matrix.rows[0].cells[0]
    assert cell.words == "Locked"
    form = return_form(demo_db, cell.strand_id, cell.quarter)
    assert form.return_id == cell.return_id


def test_the_demos_copied_drafts_say_so_in_words(demo_db):
    matrix = completeness_matrix(demo_db, YEAR, today=dt.date(2025, 6, 1))
    copied = [c for row in matrix.rows for c in row.cells if c.copied_from_previous]
    assert copied and {c.words for c in copied} == {"Draft (copied from last quarter)"}


def test_a_strand_that_starts_mid_year_is_not_running_before_it_starts(db):
    provider, stream = add_provider(db), add_stream(db)
    strand = add_strand(db, provider, stream, start_date=dt.date(2024, 10, 1))
    save_return(db, strand, Quarter.parse("2024/25 Q3"), {"victims_supported": "10"})
    matrix = completeness_matrix(db, YEAR, today=dt.date(2025, 6, 1))
    assert [c.state for c in matrix.rows[0].cells] == ["not_running", "not_running", "draft", "overdue"]
    assert [c.text for c in matrix.rows[0].cells] == ["—", "—", "Draft", "Overdue"]


def test_the_due_days_setting_defaults_to_30_and_moves_the_due_date(db):
    assert due_days(db) == 30
    assert set_due_days(db, 45).touches(RETURNS)
    assert due_days(db) == 45
    assert completeness_matrix(db, YEAR).columns[0].due_date == dt.date(2024, 8, 14)
    for bad in (-1, 400, "30", True):
        with pytest.raises(DueDaysRefused):
            set_due_days(db, bad)
    assert due_days(db) == 45


def test_the_dashboard_counts_the_matrix_cells_even_for_a_strand_that_ended_early(demo_db):
    """One engine: the dashboard's completeness chart and the matrix say the same for every
    quarter and state, also once a strand that sent returns has its end date moved before the year."""
    from desktop_app.services.dashboard import dashboard

    today = dt.date(2025, 6, 1)
    with demo_db.transaction() as session:
        sent = session.scalars(
            select(Return).join(Return.period).where(ReturnPeriod.financial_year == YEAR.start_year)
        ).first()
        sent.strand.end_date = dt.date(2024, 3, 31)  # ended early: before the year it sent a return for
        ended = sent.strand.reference
    matrix = completeness_matrix(demo_db, YEAR, today=today)
    assert ended in {row.reference for row in matrix.rows}  # its return is real, so it has a row
    board = dashboard(demo_db, YEAR, today=today)
    for number, column in enumerate(board.completeness, start=1):
        for state, shown in column.counts.items():
            assert shown == matrix.count(number, state), (number, state)
    received = ("draft", "submitted", "verified", "locked")
    assert sum(board.completeness[3].counts[s] for s in received) == sum(matrix.count(4, s) for s in received)
