"""Revision 0003 on a database revision 0001's code wrote: every figure survives, every measure
gets its ceiling, and the ceilings then hold for the officers' next edits."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.services.report import year_report
from desktop_app.services.returns import ReturnRefused, save_return
from desktop_app.store.database import open_database
from desktop_app.store.models import Strand
from tests.published import PUBLISHED_2022_23



def _figures(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT return_id, measure_id, value, note FROM return_value ORDER BY id"
        ).fetchall()


def test_an_old_database_keeps_every_figure_and_each_measure_gets_its_ceiling(old_demo):
    with sqlite3.connect(old_demo) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert "ceiling" not in {row[1] for row in connection.execute("PRAGMA table_info(measure)")}
    before = _figures(old_demo)
    assert len(before) > 1000

    with open_database(old_demo) as db:
        report = year_report(db, FinancialYear(2022))
    assert {key: report.totals[key] for key in PUBLISHED_2022_23} == PUBLISHED_2022_23
    assert _figures(old_demo) == before
    with sqlite3.connect(old_demo) as connection:
        ceilings = dict(connection.execute("SELECT key, ceiling FROM measure").fetchall())
        # A ceiling the schema itself refuses to go without, or past what PostgreSQL stores.
        with pytest.raises(sqlite3.IntegrityError, match="ceiling_in_range"):
            connection.execute("UPDATE measure SET ceiling = 0")
    # Each measure's ceiling from the file (counts 1,000,000; RJ spend in pence far more).
    assert {key: ceilings[key] for key in PUBLISHED_2022_23} == dict.fromkeys(PUBLISHED_2022_23, 1_000_000)
    assert ceilings["rj_spend"] == 2**31 - 1


def test_after_the_upgrade_a_figure_above_the_ceiling_is_refused(old_demo):
    with open_database(old_demo) as db:
        with db.reading() as session:
            strand_id = session.scalar(select(Strand.id).order_by(Strand.id).limit(1))
        with pytest.raises(ReturnRefused, match=r"at most 1,000,000"):
            save_return(db, strand_id, Quarter.parse("2024/25 Q4"), {"victims_supported": "1,000,001"})
