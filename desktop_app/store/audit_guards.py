"""The triggers that keep the audit trail append-only, on SQLite and PostgreSQL.

One list, used three ways: revision 0004 installs them, `upgrade_to_head` installs them again
after every upgrade (a batch rebuild of `audit_event` drops a table's triggers with the old
table, and Alembic does not copy them), and `check` reports any that are missing.

SQLite: UPDATE and DELETE raise; an INSERT naming an id that exists raises too, because
`REPLACE` / `INSERT OR REPLACE` delete the old row without firing DELETE triggers (unless
`recursive_triggers` is on, which the program sets on its own connections as a second guard).
PostgreSQL: row triggers refuse UPDATE and DELETE (so `ON CONFLICT DO UPDATE` too), and a
statement trigger refuses TRUNCATE, which row triggers never see.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from desktop_app.store.audit_guard_sql import (
    REFUSAL,
    SEQUENCE_SQL,
    SQLITE_TRIGGERS,
    TABLE_SQL,
    TRIGGERS_SQL,
    sqlite_guards_missing,
    sqlite_id_handed_out,
)

__all__ = ["REFUSAL", "SQLITE_TRIGGERS", "install_audit_guards", "missing_audit_guards", "highest_audit_id_handed_out"]

_POSTGRESQL_FUNCTION = f"""CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"""
POSTGRESQL_TRIGGERS: dict[str, str] = {
    "audit_event_append_only": """CREATE TRIGGER audit_event_append_only
        BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()""",
    "audit_event_no_truncate": """CREATE TRIGGER audit_event_no_truncate
        BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse()""",
}


def install_audit_guards(connection: Connection) -> None:
    """Create every missing guard (idempotent), in the caller's transaction."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            connection.execute(text(statement))
    elif dialect == "postgresql":
        connection.execute(text(_POSTGRESQL_FUNCTION))
        present = _postgresql_triggers(connection)
        for name, statement in POSTGRESQL_TRIGGERS.items():
            if name not in present:  # no CREATE TRIGGER IF NOT EXISTS before PostgreSQL 14
                connection.execute(text(statement))


def remove_audit_guards(connection: Connection, names: list[str]) -> None:
    """Drop the named guards (for a downgrade)."""
    for name in names:
        if connection.dialect.name == "sqlite":
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        elif connection.dialect.name == "postgresql":
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON audit_event"))


def _postgresql_triggers(connection: Connection) -> dict[str, bool]:
    """Trigger name -> enabled, for the triggers on audit_event."""
    rows = connection.execute(
        text(
            "SELECT tgname, tgenabled <> 'D' FROM pg_trigger "
            "WHERE tgrelid = to_regclass('audit_event') AND NOT tgisinternal"
        )
    )
    return {name: enabled for name, enabled in rows}


def missing_audit_guards(connection: Connection) -> list[str]:
    """The guards that are absent, switched off or no longer refusing (empty when the trail is
    protected). A trigger of the right name that does nothing counts as missing."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return sqlite_guards_missing(dict(connection.execute(text(TRIGGERS_SQL)).all()))
    if dialect == "postgresql":
        body = connection.execute(
            text("SELECT prosrc FROM pg_proc WHERE proname = 'audit_event_refuse'")
        ).scalar()
        if REFUSAL not in (body or ""):
            return ["audit_event_refuse", *POSTGRESQL_TRIGGERS]
        present = _postgresql_triggers(connection)
        return [name for name in POSTGRESQL_TRIGGERS if not present.get(name, False)]
    return []


def highest_audit_id_handed_out(connection: Connection) -> int | None:
    """The highest audit id the database has ever handed out, or None when it cannot say.

    SQLite (AUTOINCREMENT) keeps it in sqlite_sequence, inside the transaction, so a rolled-back
    save hands its ids back; a PostgreSQL sequence never goes back, so rollbacks leave gaps.
    None: a SQLite table without AUTOINCREMENT (before revision 0004), or a sequence this login
    may not read."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        table_sql = connection.execute(text(TABLE_SQL)).scalar()
        return sqlite_id_handed_out(table_sql, lambda: connection.execute(text(SEQUENCE_SQL)).scalar())
    if dialect == "postgresql":
        # A login without rights on the sequence cannot read it; the savepoint keeps the rest of
        # the caller's transaction usable.
        try:
            with connection.begin_nested():
                last = connection.execute(
                    text("SELECT pg_sequence_last_value(pg_get_serial_sequence('audit_event', 'id'))")
                ).scalar()
            return last or 0  # NULL: the sequence has handed out nothing yet
        except DBAPIError:
            return None
    return None
