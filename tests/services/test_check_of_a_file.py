"""`check` of a file reads it through plain sqlite3; it must find exactly what the full way finds.

Forgeries are typed into a copy of the demo with a plain sqlite3 connection (the guards dropped
first), as someone holding the file would; each kind of stored value (text, number, boolean,
date, decimal) is forged once.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from desktop_app.services.checks import check_target, run_checks
from desktop_app.store.database import open_database
from tests.services.test_audit_check import _forge
from tests.store.conftest import old_demo, stored_rows  # noqa: F401 - old_demo: a fixture


def _full_way(path) -> list[str]:
    with open_database(path, exclusive=False) as db:
        return [str(p) for p in run_checks(db).problems]


def _newest_line(path, entity: str, entity_id: int, field: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT max(id) FROM audit_event WHERE entity = ? AND entity_id = ? AND field = ?", (entity, entity_id, field)
        ).fetchone()[0]


def test_a_forged_demo_gets_the_same_findings_read_plainly_as_opened_in_full(demo_path):
    with sqlite3.connect(demo_path) as connection:
        reading_id, reading = connection.execute("SELECT id, value FROM indicator_reading ORDER BY id LIMIT 1").fetchone()
        strand_id, start = connection.execute("SELECT id, start_date FROM strand ORDER BY id LIMIT 1").fetchone()
    _forge(
        demo_path,
        "UPDATE provider SET active = 0 WHERE id = 1",
        f"UPDATE strand SET start_date = '2021-01-04' WHERE id = {strand_id}",
        f"UPDATE indicator_reading SET value = {reading + 0.25} WHERE id = {reading_id}",
        "UPDATE return_value SET value = value + 1 WHERE id = (SELECT min(id) FROM return_value)",
        "UPDATE provider SET name = 'Quietly Renamed' WHERE id = 2",
    )
    plainly = [str(p) for p in check_target(str(demo_path)).problems]
    assert plainly == _full_way(demo_path)
    line = _newest_line(demo_path, "provider", 1, "active")
    assert (
        f"provider 1: active is 'no' but the audit trail's latest line for it (row {line}) says 'yes': "
        "it was changed outside the program." in plainly
    )
    assert any(p.startswith(f"strand {strand_id}: start_date is '2021-01-04'") and f"says '{start}'" in p for p in plainly)
    assert any(p.startswith(f"indicator reading {reading_id}: value is '{reading + 0.25}'") for p in plainly)
    assert any(p.startswith("provider 2: name is 'Quietly Renamed'") for p in plainly)
    assert sum("return value" in p and "changed outside the program" in p for p in plainly) == 1


def test_an_honest_demo_passes_both_ways(demo_path):
    result = check_target(str(demo_path))
    assert result.ok and result.returns_checked > 0
    assert _full_way(demo_path) == []


def test_checking_a_file_neither_imports_sqlalchemy_nor_writes_to_it(demo_path):
    before = demo_path.read_bytes()
    probe = (
        "import sys\n"
        "from desktop_app.cli import main\n"
        f"code = main(['--db', {str(demo_path)!r}, 'check'])\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'openpyxl') if m in sys.modules), code)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[] 0"
    assert "No problems" in result.stdout
    assert demo_path.read_bytes() == before


def test_an_older_file_is_upgraded_the_full_way_then_checked(old_demo):
    figures = {"values": "SELECT id, return_id, measure_id, value FROM return_value ORDER BY id"}
    before = stored_rows(old_demo, figures)
    result = check_target(str(old_demo))
    assert stored_rows(old_demo, figures) == before
    assert result.returns_checked > 0
    assert [str(p) for p in result.problems] == _full_way(old_demo)


def test_an_index_out_of_step_with_its_table_is_reported_as_the_full_way_reports_it(demo_path):
    # The index's definition rewritten under it: quick_check (on opening) passes, integrity_check
    # does not, so the file is opened in full and every finding is still made.
    with sqlite3.connect(demo_path) as connection:
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_audit_event_at ON audit_event (who)' "
            "WHERE name = 'ix_audit_event_at'"
        )
    problems = [str(p) for p in check_target(str(demo_path)).problems]
    assert problems and all(p.startswith("database file: ") for p in problems)
    assert any("ix_audit_event_at" in p for p in problems)
    assert problems == _full_way(demo_path)


def test_a_value_whose_sqlite_text_matches_its_line_but_not_as_the_program_reads_it_is_reported(demo_path):
    # SQLite writes 0.1 + 0.2 as '0.3'; the program reads 0.30000000000000004, and so does check.
    with sqlite3.connect(demo_path) as connection:
        value_id = connection.execute("SELECT min(id) FROM return_value").fetchone()[0]
    line = _newest_line(demo_path, "return_value", value_id, "value")
    _forge(
        demo_path,
        f"UPDATE return_value SET value = 0.1 + 0.2 WHERE id = {value_id}",
        "REPLACE INTO audit_event (id, at, who, action, entity, entity_id, field, old_value, new_value)"
        f" SELECT id, at, who, action, entity, entity_id, field, old_value, '0.3' FROM audit_event WHERE id = {line}",
    )
    problems = [str(p) for p in check_target(str(demo_path)).problems]
    assert (
        f"return value {value_id}: value is '{0.1 + 0.2}' but the audit trail's latest line for it (row {line}) "
        "says '0.3': it was changed outside the program." in problems
    )
