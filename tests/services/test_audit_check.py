"""`check` finds a forged audit trail, and records changed behind its back.

Each test forges a real file the way an attacker holding it would: a plain sqlite3 connection,
the append-only triggers dropped first, then raw SQL.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.services.checks import run_checks
from desktop_app.services.returns import set_due_days
from desktop_app.store.database import open_database
from tests.conftest import run_cli
from tests.services.test_strands import add_provider

GUARDS = ("audit_event_no_update", "audit_event_no_delete", "audit_event_no_replace")


@pytest.fixture
def trail_path(db_path) -> Path:
    """A file with a short, honest trail: two providers, one renamed, the due days set."""
    with open_database(db_path) as db:
        first = add_provider(db, "Bradford Women's Aid")
        add_provider(db, "Calderdale Victim Care")
        with db.transaction(who="officer.a") as session:
            from desktop_app.store.models import Provider

            session.get(Provider, first).name = "Bradford and District Women's Aid"
        set_due_days(db, 45)
    return db_path


def _forge(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        for name in GUARDS:
            connection.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _problems(path: Path) -> list[str]:
    with open_database(path, exclusive=False) as db:
        return [str(p) for p in run_checks(db).problems]


def _audit_problems(path: Path) -> list[str]:
    return [p for p in _problems(path) if "its guard audit_event" not in p]


def test_an_honest_trail_passes(trail_path):
    assert _problems(trail_path) == []


def test_dropped_guards_are_reported_one_sentence_each(trail_path):
    _forge(trail_path)
    problems = _problems(trail_path)
    assert len(problems) == 3
    assert all("which keeps it append-only, is missing, switched off or no longer refuses" in p for p in problems)


def test_a_guard_replaced_by_a_trigger_that_does_nothing_is_reported(trail_path):
    connection = sqlite3.connect(trail_path)
    connection.execute("DROP TRIGGER audit_event_no_update")
    connection.execute(
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT 1; END"
    )
    connection.commit()
    connection.close()
    problems = _problems(trail_path)
    assert len(problems) == 1
    assert problems[0].startswith("audit trail: its guard audit_event_no_update, which keeps it append-only, is missing")


def _provider_name_line(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT max(id) FROM audit_event WHERE entity = 'provider' AND field = 'name' AND entity_id = 1"
        ).fetchone()[0]


def test_a_replaced_audit_row_no_longer_matching_its_record_is_reported(trail_path):
    line = _provider_name_line(trail_path)
    _forge(
        trail_path,
        "REPLACE INTO audit_event (id, at, who, action, entity, entity_id, field, old_value, new_value)"
        f" SELECT id, at, 'mallory', action, entity, entity_id, field, old_value, 'Forged Aid'"
        f" FROM audit_event WHERE id = {line}",
    )
    assert _audit_problems(trail_path) == [
        "provider 1: name is 'Bradford and District Women's Aid' but the audit trail's latest line "
        f"for it (row {line}) says 'Forged Aid': it was changed outside the program."
    ]


def test_a_record_edited_without_the_trail_is_reported(trail_path):
    _forge(trail_path, "UPDATE provider SET name = 'Renamed Quietly' WHERE id = 2")
    problems = _audit_problems(trail_path)
    assert len(problems) == 1
    assert problems[0].startswith("provider 2: name is 'Renamed Quietly' but the audit trail's latest line")


def test_a_setting_changed_without_the_trail_is_reported(trail_path):
    _forge(trail_path, "UPDATE setting SET value = '5' WHERE key = 'return_due_days'")
    problems = _audit_problems(trail_path)
    assert len(problems) == 1
    assert problems[0].startswith("setting return_due_days: it is '5' but the audit trail's latest line")


def test_a_deleted_row_inside_the_trail_is_reported_as_a_gap(trail_path):
    _forge(trail_path, "DELETE FROM audit_event WHERE id IN (3, 4)")
    assert "audit trail: rows 3 to 4 are missing: they were deleted (a cancelled save leaves no gap)." in _audit_problems(trail_path)


def test_the_newest_rows_deleted_are_reported_from_the_sequence(trail_path):
    with sqlite3.connect(trail_path) as connection:
        newest = connection.execute("SELECT max(id) FROM audit_event").fetchone()[0]
    _forge(trail_path, f"DELETE FROM audit_event WHERE id = {newest}")
    assert f"audit trail: its newest row {newest} is missing: it was deleted after being written." in _audit_problems(trail_path)


def test_a_wound_back_id_counter_is_reported(trail_path):
    with sqlite3.connect(trail_path) as connection:
        newest = connection.execute("SELECT max(id) FROM audit_event").fetchone()[0]
    _forge(trail_path, "DELETE FROM sqlite_sequence WHERE name = 'audit_event'")
    assert _audit_problems(trail_path) == [
        f"audit trail: its id counter was wound back to 0 though it holds rows up to id {newest}: "
        "the file was changed outside the program."
    ]


def test_a_rolled_back_save_leaves_no_gap_and_no_finding(trail_path):
    with open_database(trail_path) as db:
        with pytest.raises(RuntimeError):
            with db.transaction(who="officer.a") as session:
                from desktop_app.store.models import Provider

                session.get(Provider, 2).name = "Never Saved"
                session.flush()  # the audit rows are written, then thrown away
                raise RuntimeError("the officer's save failed")
        add_provider(db, "Kirklees Hate Crime Service")
    assert _problems(trail_path) == []


def test_a_backdated_row_slipped_in_is_reported(trail_path):
    _forge(
        trail_path,
        "INSERT INTO audit_event (at, who, action, entity, entity_id, field, old_value, new_value)"
        " VALUES ('2021-03-01 09:00:00', 'officer.a', 'update', 'provider', 99, 'notes', NULL, 'x')",
    )
    problems = _audit_problems(trail_path)
    assert any("is dated 2021-03-01 09:00, earlier than row" in p and "backdated or slipped in" in p for p in problems)


def test_a_record_added_or_deleted_around_the_program_is_reported(trail_path):
    _forge(
        trail_path,
        "INSERT INTO provider (name, organisation_type, scope, notes, active)"
        " SELECT 'Ghost Services', organisation_type, scope, notes, active FROM provider WHERE id = 1",
        "DELETE FROM provider_district WHERE provider_id = 2",
        "DELETE FROM provider WHERE id = 2",
    )
    problems = _audit_problems(trail_path)
    assert "table provider: 1 provider record has no creation line in the audit trail (ids 3): written outside the program." in problems
    assert "table provider: 1 provider record in the audit trail is gone without a recorded deletion (ids 2): deleted outside the program." in problems


def test_check_on_the_command_line_names_each_forgery_and_exits_1(trail_path):
    _forge(trail_path, "UPDATE provider SET name = 'Renamed Quietly' WHERE id = 2")
    result = run_cli("check", "--db", str(trail_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "provider 2: name is 'Renamed Quietly'" in result.stdout
    assert "which keeps it append-only, is missing" in result.stdout
