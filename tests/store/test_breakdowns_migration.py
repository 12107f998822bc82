"""Revision 0007 (breakdowns, measure attributes) on a database revision 0001's code wrote.

After the upgrade every figure, status, submission and audit row is as it was, the 2022/23
report still gives the published figures, the breakdown lists and new measures are loaded, and
a breakdown can be saved on the old file and read back.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import select

from desktop_app.core.return_checks import RETURN_NOTE
from desktop_app.services.returns.lookups import running, stored_returns

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.services.catalogue import load_catalogue
from desktop_app.services.report import year_report
from desktop_app.services.returns import save_return
from desktop_app.store.backup import backups_dir_for
from desktop_app.store.database import open_database
from desktop_app.store.migrations import head_revision
from desktop_app.store.models import ReturnBreakdownValue, Strand
from tests.published import PUBLISHED_2022_23
from tests.store.conftest import stored_rows


def strand_without_return(db, quarter) -> int:
    """A strand running in `quarter` whose return for it has not come in (the demo has some)."""
    with db.reading() as session:
        have = set(stored_returns(session, quarter))
        running_ids = session.scalars(select(Strand.id).where(running(quarter.start, quarter.end)).order_by(Strand.id))
        return next(i for i in running_ids if i not in have)


# Notes for the warnings a lone figure on a new return raises (left empty, unusual).
NOTES = {RETURN_NOTE: "Only part of the return has come in.", "victims_supported": "Part of the quarter only."}


_FIGURES = {
    "returns": "SELECT id, strand_id, period_id, status, received_date, notes FROM return ORDER BY id",
    "values": "SELECT id, return_id, measure_id, value, note FROM return_value ORDER BY id",
    "submissions": "SELECT id, period_part, sha256, totals_json FROM submission ORDER BY id",
    "audit": "SELECT count(*), max(id) FROM audit_event",
}


def test_upgrading_a_first_release_database_keeps_every_figure_and_brings_the_breakdowns(old_demo):
    before = stored_rows(old_demo, _FIGURES)
    assert len(before["values"]) > 1000 and before["submissions"]
    with open_database(old_demo) as db:
        report = year_report(db, FinancialYear(2022))
        with db.reading() as session:
            catalogue = load_catalogue(session)
    assert stored_rows(old_demo, _FIGURES) == before
    assert list(backups_dir_for(old_demo).glob("*before-upgrade.sqlite"))
    assert {k: report.totals[k] for k in PUBLISHED_2022_23} == PUBLISHED_2022_23
    with sqlite3.connect(old_demo) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)
    # The lists and the new measures came with the reference data, on the old file too.
    assert {"sex", "age_band", "ethnicity", "disability", "crime_type"} <= {b.key for b in catalogue.breakdown_lists}
    assert all("not_known" in {c.key for c in b.categories} for b in catalogue.breakdown_lists)
    assert catalogue.measure("victims_supported").breakdowns
    assert catalogue.charted_measure.key == "victims_supported"
    assert "referrals_received" in catalogue.keys and "victims_closed" in catalogue.keys


def test_after_the_upgrade_a_breakdown_is_saved_and_the_audit_trail_keeps_growing(old_demo):
    before = stored_rows(old_demo, _FIGURES)["audit"][0]
    with open_database(old_demo) as db:
        quarter = Quarter.parse("2024/25 Q4")
        result = save_return(
            db, strand_without_return(db, quarter), quarter, {"victims_supported": "12"},
            breakdowns={("victims_supported", "age_band", "age_18_24"): "12"}, notes=NOTES,
        )
        with db.reading() as session:
            rows = session.scalars(
                select(ReturnBreakdownValue).where(ReturnBreakdownValue.return_id == result.return_id)
            ).all()
            assert [(r.category.key, r.value) for r in rows] == [("age_18_24", 12)]
    count, last = stored_rows(old_demo, _FIGURES)["audit"][0]
    assert count > before[0] and last > before[1]
