"""Revision 0006 (funding lines, claims, payments) on a database revision 0001's code wrote.

The fixture is the demo as the first release made it, with a final 2022/23 submission: after the
upgrade every stream, budget, allocation, return, submission and audit row is still there, each
stream has a key, and the new money tables are ready (empty, the categories loaded).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import select

from desktop_app.store.database import open_database
from desktop_app.store.models import Claim, ExpenditureCategory, FundingLine, FundingStream, Strand, Submission
from tests.store.conftest import stored_rows


_FIGURES = {
    "streams": "SELECT id, name, funder, start_date, end_date, total_pence FROM funding_stream ORDER BY id",
    "budgets": "SELECT funding_stream_id, financial_year, amount_pence FROM budget ORDER BY id",
    "allocations": "SELECT strand_id, financial_year, amount_pence FROM allocation ORDER BY id",
    "strands": "SELECT id, reference, funding_stream_id, start_date, end_date FROM strand ORDER BY id",
    "returns": "SELECT id, strand_id, period_id, status FROM return ORDER BY id",
    "values": "SELECT return_id, measure_id, value FROM return_value ORDER BY id",
    "submissions": "SELECT id, period_part, sha256, totals_json FROM submission ORDER BY id",
    "audit": "SELECT count(*), max(id) FROM audit_event",
}


def test_upgrading_a_first_release_database_keeps_every_figure_and_adds_the_money_tables(old_demo):
    before = stored_rows(old_demo, _FIGURES)
    assert before["allocations"] and before["submissions"]
    with open_database(old_demo) as db, db.reading() as session:
        keys = list(session.scalars(select(FundingStream.key)))
        lines = session.scalars(select(FundingLine)).all()
        claims = session.scalars(select(Claim)).all()
        categories = list(session.scalars(select(ExpenditureCategory.key).order_by(ExpenditureCategory.sort_order)))
        unlined = session.scalars(select(Strand).where(Strand.funding_line_id.is_(None))).all()
        submission = session.scalars(select(Submission)).one()
    after = stored_rows(old_demo, _FIGURES)
    # Every figure as it was; the upgrade itself writes no audit rows.
    assert after == before
    assert keys == ["moj-victims-services-grant-2022-25"]
    assert lines == [] and claims == []
    # Every strand stays funded from its stream's general money until an officer picks a line.
    assert len(unlined) == len(before["strands"]) == 72
    assert categories[:3] == ["staff", "overheads", "direct_costs"]
    assert submission.signed_off_by is None and submission.signed_off_at is None


def test_the_upgraded_audited_tables_still_never_reuse_an_id(old_demo):
    with open_database(old_demo):
        pass
    with sqlite3.connect(old_demo) as connection:
        for table in ("funding_stream", "strand", "submission", "claim", "payment"):
            sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            assert "AUTOINCREMENT" in sql, table
