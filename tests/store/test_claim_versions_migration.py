"""Revision 0008 (claim and payment versions) on a database with claims and payments in it: the
first release's demo, brought to revision 0006 and given a claim and a payment as that code
wrote them. After the upgrade both start at version 1, every penny is as it was, and a stale save
of the old claim is refused."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from desktop_app.core.periods import FinancialYear
from desktop_app.paths import migrations_dir
from desktop_app.services.errors import StaleRecordError
from desktop_app.services.finance import ClaimDraft, list_claims, save_claim
from desktop_app.store.database import open_database
from desktop_app.store.migrations import head_revision

MONEY = {
    "claim": "SELECT id, strand_id, period_id, claim_date, amount_pence, forecast_remaining_pence, status FROM claim",
    "claim_line": "SELECT id, claim_id, category_id, amount_pence FROM claim_line ORDER BY id",
    "payment": "SELECT id, claim_id, paid_on, amount_pence, reference FROM payment",
    "audit": "SELECT count(*), max(id) FROM audit_event",
}


def _read(path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture
def database_at_0006(old_demo):
    path = old_demo
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(migrations_dir()))
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
    engine.dispose()
    with sqlite3.connect(path) as connection:
        strand_id = connection.execute("SELECT id FROM strand WHERE reference = 'WY-001'").fetchone()[0]
        period_id = connection.execute(
            "SELECT id FROM return_period WHERE financial_year = 2022 AND quarter = 2"
        ).fetchone()[0]
        # The categories are reference data the program loads on opening; 0006's code had loaded them.
        connection.execute("INSERT INTO expenditure_category (key, name, sort_order) VALUES ('staff', 'Staff costs', 1)")
        staff = connection.execute("SELECT id FROM expenditure_category WHERE key = 'staff'").fetchone()[0]
        connection.execute(
            "INSERT INTO claim (id, strand_id, period_id, claim_date, amount_pence, forecast_remaining_pence, "
            "status, notes) VALUES (1, ?, ?, '2022-09-30', 123456, 500000, 'approved', '')",
            (strand_id, period_id),
        )
        connection.execute("INSERT INTO claim_line (claim_id, category_id, amount_pence) VALUES (1, ?, 123456)", (staff,))
        connection.execute(
            "INSERT INTO payment (claim_id, paid_on, amount_pence, reference) VALUES (1, '2022-10-14', 100000, 'BACS 7')"
        )
    return path


def test_claims_and_payments_upgrade_at_version_1_with_every_penny_kept(database_at_0006):
    assert _read(database_at_0006, "SELECT version_num FROM alembic_version") == [("0006",)]
    before = {name: _read(database_at_0006, sql) for name, sql in MONEY.items()}

    open_database(database_at_0006).close()

    assert _read(database_at_0006, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert _read(database_at_0006, "SELECT version FROM claim") == [(1,)]
    assert _read(database_at_0006, "SELECT version FROM payment") == [(1,)]
    assert {name: _read(database_at_0006, sql) for name, sql in MONEY.items()} == before
    for table in ("claim", "payment"):  # still never reusing an id
        schema = _read(database_at_0006, f"SELECT sql FROM sqlite_master WHERE name = '{table}'")[0][0]
        assert "AUTOINCREMENT" in schema, table


def test_the_upgraded_claim_refuses_a_stale_save_and_takes_a_fresh_one(database_at_0006):
    with open_database(database_at_0006) as db:
        [claim] = list_claims(db, FinancialYear(2022))
        assert (claim.version, claim.amount_pence, claim.paid_pence) == (1, 123_456, 100_000)
        edited = ClaimDraft(claim.strand_id, claim.quarter, claim.claim_date, {"staff": "£1,300"}, "£5,000")
        save_claim(db, edited, claim.id, who="jsmith", version=1)
        with pytest.raises(StaleRecordError, match="changed by jsmith"):
            save_claim(db, edited, claim.id, version=1)
        assert list_claims(db, FinancialYear(2022))[0].amount_pence == 130_000
