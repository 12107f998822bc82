"""Schema changes only through Alembic: from nothing to head, matching the models, with backups."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, select

from desktop_app.core.vocabulary import OrganisationType, Scope
from desktop_app.paths import migrations_dir
from desktop_app.store import migrations
from desktop_app.store.backup import backups_dir_for
from desktop_app.store.database import open_database
from desktop_app.store.migrations import MigrationFileError, head_revision
from desktop_app.store.models import Base, Provider


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def test_head_read_from_files_is_alembics_head():
    script = ScriptDirectory.from_config(_config(None))
    assert head_revision() == script.get_current_head()


def test_migrating_an_empty_file_gives_exactly_the_models_schema(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_every_revision_steps_up_from_the_first_and_back_down(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'steps.sqlite'}")
    script = ScriptDirectory.from_config(_config(None))
    revisions = list(reversed(list(script.walk_revisions())))
    with engine.begin() as connection:
        for revision in revisions:
            command.upgrade(_config(connection), revision.revision)
            assert migrations.stored_revision(connection) == revision.revision
        command.downgrade(_config(connection), "base")
        # Back at the start nothing of the program's is left: no table of ours, no stored revision.
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        assert migrations.stored_revision(connection) is None
        command.upgrade(_config(connection), "head")
        assert migrations.stored_revision(connection) == head_revision()
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


SECOND_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "0002_test"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("provider") as batch:
        batch.add_column(sa.Column("test_note", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("provider") as batch:
        batch.drop_column("test_note")
"""


def test_an_older_database_is_backed_up_then_upgraded_keeping_its_data(tmp_path, db_path, monkeypatch):
    with open_database(db_path) as db, db.transaction() as session:
        session.add(Provider(name="Leeds Survivors' Network", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL))
    # A newer release of the program: the same migrations plus one more.
    older_head = head_revision()
    newer = tmp_path / "newer-migrations"
    shutil.copytree(migrations_dir(), newer)
    (newer / "versions" / "0002_test.py").write_text(SECOND_REVISION.format(head=head_revision()))
    monkeypatch.setattr(migrations, "migrations_dir", lambda: newer)
    head_revision.cache_clear()
    try:
        with open_database(db_path):
            pass
    finally:
        head_revision.cache_clear()

    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0002_test"
        assert connection.execute("SELECT name, test_note FROM provider").fetchall() == [
            ("Leeds Survivors' Network", None)
        ]
    backups = sorted(backups_dir_for(db_path).glob("*before-upgrade.sqlite"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == older_head
        assert connection.execute("SELECT name FROM provider").fetchall() == [("Leeds Survivors' Network",)]


def test_a_database_with_data_at_head_is_opened_without_a_backup_or_migration(db_path):
    with open_database(db_path) as db, db.transaction() as session:
        session.add(Provider(name="Wakefield Hate Crime Service", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL))
    with open_database(db_path) as db, db.reading() as session:
        assert session.scalar(select(Provider.name)) == "Wakefield Hate Crime Service"
    assert not backups_dir_for(db_path).exists()


def _newer_program(tmp_path, monkeypatch, name: str, source: str):
    """The same migrations plus one more file, as a newer release would carry them."""
    newer = tmp_path / "newer-migrations"
    shutil.copytree(migrations_dir(), newer)
    (newer / "versions" / name).write_text(source)
    monkeypatch.setattr(migrations, "migrations_dir", lambda: newer)
    head_revision.cache_clear()
    return newer


def test_the_revisions_read_from_the_files_are_alembics_own():
    script = ScriptDirectory.from_config(_config(None))
    alembics = {r.revision: r.down_revision for r in script.walk_revisions()}
    assert migrations.known_revisions() == set(alembics)
    assert migrations._revisions() == alembics


def test_a_migration_file_whose_revision_cannot_be_read_is_refused_by_name(tmp_path, db_path, monkeypatch):
    with open_database(db_path):
        pass
    broken = 'revision = make_id()\ndown_revision = "{head}"\n'.format(head=head_revision())
    _newer_program(tmp_path, monkeypatch, "0099_made_up.py", broken)
    try:
        with pytest.raises(MigrationFileError, match="0099_made_up.py has no plain `revision"):
            head_revision()
        with pytest.raises(MigrationFileError, match="0099_made_up.py"):
            with open_database(db_path):
                pass
    finally:
        head_revision.cache_clear()


AUDIT_REBUILD = """
from alembic import op
import sqlalchemy as sa

revision = "0099_rebuild"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_event", recreate="always"{kwargs}) as batch:
        batch.add_column(sa.Column("test_note", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_event", recreate="always"{kwargs}) as batch:
        batch.drop_column("test_note")
"""


def _audit_schema(path):
    with sqlite3.connect(path) as connection:
        triggers = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        table = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_event'").fetchone()[0]
        rows = connection.execute("SELECT count(*) FROM audit_event").fetchone()[0]
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    return triggers, "AUTOINCREMENT" in table.upper(), rows, revision


def test_a_batch_rebuild_of_the_audit_trail_keeps_its_guards_and_autoincrement(tmp_path, db_path, monkeypatch):
    with open_database(db_path) as db, db.transaction() as session:
        session.add(Provider(name="Leeds Survivors' Network", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL))
    triggers, autoincrement, rows, _ = _audit_schema(db_path)
    assert triggers and autoincrement and rows
    _newer_program(tmp_path, monkeypatch, "0099_rebuild.py", AUDIT_REBUILD.format(
        head=head_revision(), kwargs=', table_kwargs={"sqlite_autoincrement": True}'))
    try:
        with open_database(db_path):
            pass
    finally:
        head_revision.cache_clear()
    assert _audit_schema(db_path) == (triggers, True, rows, "0099_rebuild")
    with sqlite3.connect(db_path) as connection, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute("DELETE FROM audit_event")


def test_a_rebuild_that_would_lose_autoincrement_is_refused_and_nothing_is_upgraded(tmp_path, db_path, monkeypatch):
    with open_database(db_path) as db, db.transaction() as session:
        session.add(Provider(name="Leeds Survivors' Network", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL))
    before = _audit_schema(db_path)
    _newer_program(tmp_path, monkeypatch, "0099_rebuild.py", AUDIT_REBUILD.format(head=head_revision(), kwargs=""))
    try:
        with pytest.raises(MigrationFileError, match="rebuilt audit_event without AUTOINCREMENT"):
            with open_database(db_path):
                pass
    finally:
        head_revision.cache_clear()
    assert _audit_schema(db_path) == before
