"""The SQLite guards of the audit trail as plain data and plain SQL, without SQLAlchemy.

`store.audit_guards` installs them; `check` of a file looks for them through Python's own
sqlite3 (`store.trail_reads`), so both read this one list.
"""

from __future__ import annotations

from collections.abc import Callable

REFUSAL = "the audit trail is append-only"

# name -> statement; CREATE ... IF NOT EXISTS so installing twice changes nothing.
SQLITE_TRIGGERS: dict[str, str] = {
    "audit_event_no_update": f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update
        BEFORE UPDATE ON audit_event
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    "audit_event_no_delete": f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete
        BEFORE DELETE ON audit_event
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    # NEW.id is -1 in a BEFORE INSERT trigger when SQLite is to choose the id itself.
    "audit_event_no_replace": f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_replace
        BEFORE INSERT ON audit_event
        WHEN NEW.id IS NOT NULL AND NEW.id <> -1
             AND EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
}

TRIGGERS_SQL = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
TABLE_SQL = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'audit_event'"
SEQUENCE_SQL = "SELECT seq FROM sqlite_sequence WHERE name = 'audit_event'"


def sqlite_guards_missing(present: dict[str, str | None]) -> list[str]:
    """The guards absent from `present` (trigger name -> its SQL) or no longer refusing."""
    return [name for name in SQLITE_TRIGGERS if REFUSAL not in (present.get(name) or "")]


def sqlite_id_handed_out(table_sql: str | None, read_last: Callable[[], int | None]) -> int | None:
    """The highest id AUTOINCREMENT handed out (`read_last` reads it from sqlite_sequence), or
    None for a table without AUTOINCREMENT (before revision 0004), which keeps no such record."""
    if "AUTOINCREMENT" not in (table_sql or "").upper():
        return None
    return read_last() or 0  # no row: nothing handed out yet (or the row was removed)
