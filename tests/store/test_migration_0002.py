"""Revision 0002 (edit counters) on a database the revision-0001 code wrote: every edited record
starts at version 1 and every figure, status, submission and audit row is as it was."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from desktop_app.services.errors import StaleRecordError
from desktop_app.services.providers import get_provider, save_provider
from desktop_app.store.database import open_database
from desktop_app.store.migrations import head_revision

VERSIONED = ("allocation", "budget", "funding_stream", "indicator", "indicator_reading", "provider", "return",
             "return_value", "strand")
# What an officer would miss if the upgrade lost it: every figure and who did what.
CONTENT = {
    "return_value": "SELECT id, return_id, measure_id, value, note FROM return_value ORDER BY id",
    "return": 'SELECT id, strand_id, period_id, status, received_date, notes FROM "return" ORDER BY id',
    "allocation": "SELECT id, strand_id, financial_year, amount_pence FROM allocation ORDER BY id",
    "provider": "SELECT id, name, contact_email, active FROM provider ORDER BY id",
    "submission": "SELECT id, sha256, totals_json, values_json FROM submission ORDER BY id",
    "audit_event": "SELECT * FROM audit_event ORDER BY id",
    "indicator_reading": "SELECT id, indicator_id, period_start, value FROM indicator_reading ORDER BY id",
}


def _read(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_the_0001_demo_opens_with_every_record_at_version_1_and_every_figure_kept(old_demo):
    assert _read(old_demo, "SELECT version_num FROM alembic_version") == [("0001",)]
    before = {table: _read(old_demo, sql) for table, sql in CONTENT.items()}
    assert len(before["return_value"]) > 1000  # the fixture is the whole demo

    open_database(old_demo).close()

    assert _read(old_demo, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    for table in VERSIONED:
        assert _read(old_demo, f'SELECT DISTINCT version FROM "{table}"') == [(1,)], table
    after = {table: _read(old_demo, sql) for table, sql in CONTENT.items()}
    assert after == before
    # The audited tables still never reuse an id (AUTOINCREMENT survived the upgrade).
    for table in ("provider", "return", "return_value"):
        schema = _read(old_demo, f"SELECT sql FROM sqlite_master WHERE name = '{table}'")[0][0]
        assert "AUTOINCREMENT" in schema, table


def test_the_upgraded_demo_refuses_a_stale_save_and_takes_a_fresh_one(old_demo):
    with open_database(old_demo) as db:
        row = get_provider(db, 1)
        assert row.version == 1
        save_provider(db, replace(row.draft, notes="Checked"), row.id, who="jsmith", version=1)
        with pytest.raises(StaleRecordError, match="changed by jsmith"):
            save_provider(db, row.draft, row.id, version=1)
        assert get_provider(db, 1).version == 2
