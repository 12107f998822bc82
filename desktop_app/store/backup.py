"""Copies of a SQLite database made with SQLite's own backup API.

The backup API copies a consistent snapshot even while the file is in use (WAL), which a
plain file copy does not. Automatic copies rotate: the newest `KEEP` per database are kept.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from desktop_app.store.errors import DiskRefusedError
from desktop_app.store.private_files import PRIVATE_FOLDER, create_private

KEEP = 10


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy the database at `source` to `target` (written beside it, then renamed into place)."""
    target = Path(target)
    target.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        create_private(partial)  # a copy of the data is as private as the data
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # A backup must be one self-contained file, not a WAL pair.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        partial.replace(target)
    except (sqlite3.Error, OSError) as error:
        # A full or failing disk: leave nothing half-copied behind.
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise DiskRefusedError(
            f"The backup could not be written to {target} ({error}); nothing was left there. "
            "Free some space on that disk or choose another place."
        ) from error
    return target


def backups_dir_for(database: Path) -> Path:
    return database.with_name(f"{database.stem}-backups")


def rotating_backup(database: Path, reason: str, keep: int = KEEP) -> Path:
    """Take an automatic copy into `<name>-backups/` beside the database; prune old ones."""
    folder = backups_dir_for(database)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_sqlite(database, folder / f"{database.stem}-{stamp}-{reason}.sqlite")
    copies = sorted(folder.glob(f"{database.stem}-*.sqlite"))
    for old in copies[:-keep]:
        old.unlink(missing_ok=True)
    return target
