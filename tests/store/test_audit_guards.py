"""The audit trail cannot be rewritten through SQLite's back doors, on any connection.

Each forgery runs on a plain `sqlite3` connection to the real file (as a script or the sqlite3
shell would, without the program's pragmas), and the row it aimed at must be unchanged.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.core.periods import FinancialYear
from desktop_app.core.vocabulary import OrganisationType, Scope
from desktop_app.services.checks import run_checks
from desktop_app.services.report import year_report
from desktop_app.store import migrations
from desktop_app.store.audit_guards import REFUSAL, missing_audit_guards
from desktop_app.store.database import open_database
from desktop_app.store.migrations import head_revision
from desktop_app.store.models import AuditEvent, Provider
from tests.published import PUBLISHED_2022_23


FORGERIES = [
    "REPLACE INTO audit_event (id, at, who, action, entity, entity_id, field, old_value, new_value)"
    " VALUES (1, '2020-01-01 00:00:00', 'mallory', 'insert', 'provider', 1, 'name', NULL, 'Forged')",
    "INSERT OR REPLACE INTO audit_event (id, at, who, action, entity, entity_id, field, new_value)"
    " VALUES (1, '2020-01-01 00:00:00', 'mallory', 'insert', 'provider', 1, 'name', 'Forged')",
    "INSERT INTO audit_event (id, at, who, action, entity, entity_id, field, new_value)"
    " VALUES (1, '2020-01-01 00:00:00', 'mallory', 'insert', 'provider', 1, 'name', 'Forged')"
    " ON CONFLICT (id) DO UPDATE SET new_value = excluded.new_value, who = excluded.who",
    "UPDATE audit_event SET new_value = 'Forged', who = 'mallory' WHERE id = 1",
    "DELETE FROM audit_event WHERE id = 1",
]


def _first_row(path: Path) -> tuple:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT * FROM audit_event WHERE id = 1").fetchone()


def _with_one_audit_row(db) -> None:
    with db.transaction(who="officer.a") as session:
        session.add(Provider(name="Aire Valley Victim Support", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL))


def _assert_every_forgery_refused(path: Path) -> None:
    before = _first_row(path)
    assert before is not None
    for statement in FORGERIES:
        connection = sqlite3.connect(path)
        try:
            with pytest.raises(sqlite3.DatabaseError, match=REFUSAL):
                connection.execute(statement)
            connection.commit()
        finally:
            connection.close()
        assert _first_row(path) == before, statement


def test_replace_upsert_update_and_delete_of_an_audit_row_are_refused_on_a_plain_connection(db, db_path):
    _with_one_audit_row(db)
    db.close()
    _assert_every_forgery_refused(db_path)


def test_replace_through_the_programs_own_connection_is_refused_too(db, db_path):
    _with_one_audit_row(db)
    before = _first_row(db_path)
    with db.engine.connect() as connection:
        for statement in FORGERIES[:2]:
            with pytest.raises(Exception, match=REFUSAL):
                connection.exec_driver_sql(statement)
            connection.rollback()
    assert _first_row(db_path) == before


def test_a_revision_0001_database_is_guarded_after_upgrade_and_keeps_every_audit_row(old_demo):
    path = old_demo
    with sqlite3.connect(path) as connection:
        trail_before = connection.execute("SELECT * FROM audit_event ORDER BY id").fetchall()
        # Revision 0001's guard let REPLACE through: the hole this revision closes.
        connection.execute(FORGERIES[0].replace("VALUES (1,", "VALUES (2,"))
        assert connection.execute("SELECT who FROM audit_event WHERE id = 2").fetchone() == ("mallory",)
        connection.rollback()
    with open_database(path) as db:
        with db.engine.connect() as connection:
            assert missing_audit_guards(connection) == []
        # The old trail, with its final submission and locked returns, checks out as whole.
        assert run_checks(db).problems == ()
        totals = year_report(db, FinancialYear(2022)).totals
        assert {key: totals[key] for key in PUBLISHED_2022_23} == PUBLISHED_2022_23
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
        assert connection.execute("SELECT * FROM audit_event ORDER BY id").fetchall() == trail_before
        # The highest id ever used is remembered, so a deleted newest row can be told apart.
        assert connection.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'audit_event'"
        ).fetchone() == (trail_before[-1][0],)
    _assert_every_forgery_refused(path)


def test_a_new_audit_row_after_the_upgrade_never_reuses_a_deleted_id(old_demo):
    path = old_demo
    with open_database(path) as db, db.engine.begin() as connection:
        newest = connection.exec_driver_sql("SELECT max(id) FROM audit_event").scalar()
        # An attacker with the file drops the guard and removes the newest row.
        connection.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
        connection.exec_driver_sql(f"DELETE FROM audit_event WHERE id = {newest}")
    with open_database(path) as db:
        with db.transaction(who="officer.b") as session:
            provider = session.scalars(select(Provider).order_by(Provider.id)).first()
            provider.notes = "moved office"
        with db.reading() as session:
            ids = session.scalars(select(AuditEvent.id).where(AuditEvent.who == "officer.b")).all()
    assert ids and min(ids) > newest


REBUILD_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "0099_rebuild"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    # A later change to the trail's table: batch mode copies it into a new table.
    with op.batch_alter_table(
        "audit_event", recreate="always", table_kwargs={{"sqlite_autoincrement": True}}
    ) as batch:
        batch.add_column(sa.Column("test_note", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_event", table_kwargs={{"sqlite_autoincrement": True}}) as batch:
        batch.drop_column("test_note")
"""


def test_the_guards_survive_a_later_revision_that_rebuilds_the_audit_table(tmp_path, db_path, monkeypatch):
    with open_database(db_path) as db:
        _with_one_audit_row(db)
    newer = tmp_path / "newer-migrations"
    shutil.copytree(migrations.migrations_dir(), newer)
    (newer / "versions" / "0099_rebuild.py").write_text(REBUILD_REVISION.format(head=head_revision()))
    monkeypatch.setattr(migrations, "migrations_dir", lambda: newer)
    head_revision.cache_clear()
    try:
        with open_database(db_path):
            pass
    finally:
        head_revision.cache_clear()
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0099_rebuild"
        assert "test_note" in [row[1] for row in connection.execute("PRAGMA table_info(audit_event)")]
    _assert_every_forgery_refused(db_path)
