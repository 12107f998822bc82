"""Audit trail guards: REPLACE, UPSERT and TRUNCATE refused; ids never reused on SQLite

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

On SQLite `REPLACE INTO audit_event` with an existing id rewrote a row without firing the
DELETE trigger, and on PostgreSQL `TRUNCATE` emptied the trail. The triggers themselves live in
`desktop_app.store.audit_guards` (the migration runner installs them again after any later
rebuild of the table). The SQLite table is rebuilt with AUTOINCREMENT so that `sqlite_sequence`
remembers the highest id ever handed out: `check` can then tell that the newest rows were
deleted, which a rolled-back save never leaves behind on SQLite.
"""

from alembic import op

from desktop_app.store.audit_guards import (
    SQLITE_TRIGGERS,
    install_audit_guards,
    remove_audit_guards,
)

revision = "0004"
down_revision = '0003'
branch_labels = None
depends_on = None

_ADDED = ["audit_event_no_replace", "audit_event_no_truncate"]


def _rebuild_audit_event(autoincrement: bool) -> None:
    # A rebuild drops the old table's triggers with it; the callers put them back.
    with op.batch_alter_table(
        "audit_event", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        _rebuild_audit_event(autoincrement=True)
    install_audit_guards(connection)


def downgrade() -> None:
    connection = op.get_bind()
    remove_audit_guards(connection, _ADDED)
    if connection.dialect.name == "sqlite":
        _rebuild_audit_event(autoincrement=False)
        for name in ("audit_event_no_update", "audit_event_no_delete"):
            op.execute(SQLITE_TRIGGERS[name])
