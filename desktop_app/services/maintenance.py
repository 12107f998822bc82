"""Keeping the data safe: backups on request."""

from __future__ import annotations

from pathlib import Path

from desktop_app.services.errors import ServiceError
from desktop_app.services.output_paths import check_output_file
from desktop_app.store.backup import backup_sqlite
from desktop_app.store.database import Database


def backup_to(db: Database, target: Path) -> Path:
    """Write a consistent copy of the open SQLite database to `target`."""
    if db.path is None:
        raise ServiceError(
            f"{db.display_name} is a server database: back it up with the server's own tools "
            "(for PostgreSQL, pg_dump)."
        )
    check_output_file(db, target, "the backup")
    target = Path(target).expanduser().resolve()
    # The copy is first written to `<target>.partial`, which must not be a protected file either.
    check_output_file(db, target.with_name(target.name + ".partial"), "the backup")
    if target.is_dir():
        raise ServiceError(f"{target} is a folder; give a file name for the backup.")
    return backup_sqlite(db.path, target)
