"""Bring a database's schema to the head revision, from code.

Opening a database that is already current must stay cheap: `head_revision()` reads the
revision ids from the migration files' text (importing Alembic's ScriptDirectory costs about a
second on a busy laptop), so Alembic is imported only when there is work; a file it cannot
read is refused by name, never skipped.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from desktop_app.paths import migrations_dir
from desktop_app.store.errors import StoreError

if TYPE_CHECKING:  # the window's first paint reads the head revision before SQLAlchemy loads
    from sqlalchemy import Connection

_REVISION = re.compile(r"^revision\s*(?::\s*str\s*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]+)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.M)


class MigrationFileError(StoreError):
    """A migration this program carries is broken (a file it cannot read, a rule a revision
    broke); nothing was upgraded, the data is as it was."""


def _revisions() -> dict[str, str | None]:
    """revision id -> the revision it follows, read from every file in db/migrations/versions.

    A file whose `revision` or `down_revision` line does not read plainly is refused by name:
    skipping it would leave a database at a head this program does not know it has.
    (tests/store/test_migrations.py checks this agrees with Alembic's own ScriptDirectory.)
    """
    found: dict[str, str | None] = {}
    for path in sorted((migrations_dir() / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or down is None:
            missing = "revision" if revision is None else "down_revision"
            raise MigrationFileError(
                f"The migration file {path.name} has no plain `{missing} = \"...\"` line; "
                "write it as the other revisions do."
            )
        found[revision.group(1)] = down.group(1)
    return found


@cache
def head_revision() -> str:
    """The newest revision id among the files in db/migrations/versions."""
    revisions = _revisions()
    heads = set(revisions) - {down for down in revisions.values() if down}
    if len(heads) != 1:
        raise MigrationFileError(f"the migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def stored_revision(connection: Connection) -> str | None:
    """The revision recorded in the database, or None for a database with no schema yet."""
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> set[str]:
    return set(_revisions())


def upgrade_to_head(connection: Connection) -> None:
    """Run every migration the database lacks, inside the connection's transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    # A revision that rebuilt audit_event in batch mode dropped its triggers with the old table.
    from desktop_app.store.audit_guards import install_audit_guards

    install_audit_guards(connection)
    # Grants for tables a later revision added, and the server's audit triggers (PostgreSQL).
    from desktop_app.store.server_rights import install_server_rights

    install_server_rights(connection)
    _refuse_lost_autoincrement(connection)


def _refuse_lost_autoincrement(connection: Connection) -> None:
    """A batch rebuild copies a table by reflection, which forgets AUTOINCREMENT unless the
    revision passes `table_kwargs={"sqlite_autoincrement": True}`; without it `check` could no
    longer see deleted audit rows. Refuse the upgrade (rolled back whole) rather than lose it."""
    if connection.dialect.name != "sqlite":
        return
    from sqlalchemy import text

    from desktop_app.store.models import Base

    for table in Base.metadata.sorted_tables:
        if not table.dialect_options["sqlite"].get("autoincrement"):
            continue
        sql = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": table.name}
        ).scalar()
        if sql is not None and "AUTOINCREMENT" not in sql.upper():
            raise MigrationFileError(
                f"A migration rebuilt {table.name} without AUTOINCREMENT; give its batch_alter_table "
                "table_kwargs={'sqlite_autoincrement': True}. Nothing was upgraded."
            )
