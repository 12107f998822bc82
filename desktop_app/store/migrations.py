"""Bring a database's schema to the head revision, from code.

Opening a database that is already current must stay cheap: `head_revision()` reads the
revision ids from the migration files' text, so Alembic is imported only when there is work.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from desktop_app.paths import migrations_dir

if TYPE_CHECKING:  # the window's first paint reads the head revision before SQLAlchemy loads
    from sqlalchemy import Connection

_REVISION = re.compile(r"^revision\s*(?::\s*str\s*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]+)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.M)


@cache
def head_revision() -> str:
    """The newest revision id among the files in db/migrations/versions."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (migrations_dir() / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN.search(source)
        if down and down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def stored_revision(connection: Connection) -> str | None:
    """The revision recorded in the database, or None for a database with no schema yet."""
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> set[str]:
    found = set()
    for path in (migrations_dir() / "versions").glob("*.py"):
        match = _REVISION.search(path.read_text(encoding="utf-8"))
        if match:
            found.add(match.group(1))
    return found


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
