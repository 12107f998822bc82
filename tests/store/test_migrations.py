"""Schema changes only through Alembic: from nothing to head, matching the models, with backups."""

from __future__ import annotations

import shutil
import sqlite3

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select

from desktop_app.core.vocabulary import OrganisationType, Scope
from desktop_app.paths import migrations_dir
from desktop_app.store import migrations
from desktop_app.store.backup import backups_dir_for
from desktop_app.store.database import open_database
from desktop_app.store.migrations import head_revision
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
        command.downgrade(_config(connection), "base")
        command.upgrade(_config(connection), "head")
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
    newer = tmp_path / "newer-migrations"
    current_head = head_revision()
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
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == current_head
        assert connection.execute("SELECT name FROM provider").fetchall() == [("Leeds Survivors' Network",)]


def test_a_database_with_data_at_head_is_opened_without_a_backup_or_migration(db_path):
    with open_database(db_path) as db, db.transaction() as session:
        session.add(Provider(name="Wakefield Hate Crime Service", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL))
    with open_database(db_path) as db, db.reading() as session:
        assert session.scalar(select(Provider.name)) == "Wakefield Hate Crime Service"
    assert not backups_dir_for(db_path).exists()
