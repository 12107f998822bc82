"""Saves that do not grow with the database, and year figures computed once per state of the data."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from desktop_app.core.periods import FinancialYear
from desktop_app.services.report import year_report
from desktop_app.services.returns import quarter_grid, save_grid

Q4_2024 = FinancialYear(2024).quarters()[3]  # still coming in: many strands have no return yet


def _statements(db) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_saving_a_quarter_of_new_returns_flushes_once_and_writes_the_trail_in_one_statement(demo_db):
    grid = quarter_grid(demo_db, Q4_2024)
    missing = [r for r in grid.rows if r.return_id is None]
    assert len(missing) > 10
    # Each strand's Q3 figures, as a provider spreadsheet would give them for Q4: no warnings.
    q3 = {r.strand_id: r.values for r in quarter_grid(demo_db, FinancialYear(2024).quarters()[2]).rows}
    edits = {r.strand_id: {k: v for k, v in q3[r.strand_id].items() if v is not None} for r in missing}
    flushes: list[int] = []

    def counted(session, _context):
        flushes.append(1)

    event.listen(Session, "after_flush", counted)
    statements = _statements(demo_db)
    try:
        save_grid(demo_db, Q4_2024, edits, who="officer.e")
    finally:
        event.remove(Session, "after_flush", counted)
    # Every new return is saved, and the trail names each of them...
    saved = quarter_grid(demo_db, Q4_2024)
    assert all(r.return_id is not None and r.values == q3[r.strand_id] for r in saved.rows if r.strand_id in edits)
    # ...in one flush and one INSERT into the trail, however many rows the grid had.
    assert len(flushes) == 1
    assert sum(s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT") for s in statements) == 1


def test_a_year_asked_for_twice_is_counted_once_until_a_save_changes_it(demo_db):
    year = FinancialYear(2024)
    first = year_report(demo_db, year)
    statements = _statements(demo_db)
    assert year_report(demo_db, year) == first
    assert len(statements) == 1  # only the look at whether anything changed

    row = next(r for r in quarter_grid(demo_db, year.quarters()[0]).rows if r.return_id is not None)
    save_grid(demo_db, year.quarters()[0], {row.strand_id: {"victims_supported": row.values["victims_supported"] + 1}},
              versions={row.strand_id: row.version})
    after = year_report(demo_db, year)
    # The edited return went back to submitted, so it is no longer counted.
    assert after.totals["victims_supported"] == first.totals["victims_supported"] - row.values["victims_supported"]
    assert after.returns_counted == first.returns_counted - 1
