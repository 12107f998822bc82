"""The one check every command and window action makes before it writes a file: never onto
the open database, the files SQLite keeps beside it, its lock or its backups.

A backup written over `desk.sqlite-wal` throws away every edit not yet copied into the main
file, and an export written over the database replaces it with a workbook; both happened.
Names are compared after resolving symlinks and `..`, and existing files by device and inode,
so a second name for the same file (a link) is caught too.
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop_app.services.errors import ServiceError
from desktop_app.store.backup import backups_dir_for
from desktop_app.store.database import Database
from desktop_app.store.lock import lock_path_for

__all__ = ["OutputRefused", "check_output_file", "check_output_folder"]


class OutputRefused(ServiceError):
    """The chosen output path would overwrite the database or its companions; nothing was written."""


def _companions(database: Path) -> list[tuple[Path, str]]:
    """The files beside the database that writing over would lose data, and what each is."""
    return [
        (database, "it is the database itself"),
        (database.with_name(database.name + "-wal"), "it is the open database's write-ahead log, which holds saved edits"),
        (database.with_name(database.name + "-shm"), "it is the open database's shared-memory file"),
        (database.with_name(database.name + "-journal"), "it is the open database's rollback journal"),
        (lock_path_for(database), "it is the open database's lock file"),
    ]


def _same_name(a: Path, b: Path) -> bool:
    # normcase: Windows compares names without case.
    return os.path.normcase(str(a)) == os.path.normcase(str(b))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


def _resolved(path: Path) -> Path:
    return Path(path).expanduser().resolve()


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies within it, by name or (for existing folders) by inode."""
    for candidate in (path, *path.parents):
        if _same_name(candidate, folder) or _same_file(candidate, folder):
            return True
    return False


def _why_refused(db: Database, target: Path) -> str | None:
    if db.path is None:
        return None  # a server database has no files on this computer to protect
    database = _resolved(db.path)
    given = Path(target).expanduser().absolute()
    resolved = _resolved(target)
    for companion, why in _companions(database):
        if _same_name(resolved, companion) or _same_file(resolved, companion):
            if not _same_name(given, companion):
                # A symlink, a `..` path or a hard link: say which file it really is.
                return f"{why} ({companion}) under another name"
            return why
    backups = backups_dir_for(database)
    if _inside(resolved, backups):
        return f"it is in {backups}, the database's backups folder, whose copies are the way back after a mistake"
    return None


def check_output_file(db: Database, target: Path | str, what: str) -> Path:
    """Refuse (`OutputRefused`) to write `what` (e.g. "the backup") to `target` if that would
    overwrite the open database, its -wal/-shm/-journal/.lock files or anything in its backups
    folder, under any name. Returns `target` unchanged when it is safe."""
    target = Path(target)
    why = _why_refused(db, target)
    if why is not None:
        raise OutputRefused(f"Cannot write {what} to {target}: {why}. Choose another file; nothing was written.")
    return target


def check_output_folder(db: Database, folder: Path | str, what: str) -> Path:
    """Refuse (`OutputRefused`) to write `what` into `folder` if it is, or lies inside, the open
    database's backups folder (or is the database file itself). Returns `folder` when safe;
    each file written into it still goes through `check_output_file`."""
    folder = Path(folder)
    why = _why_refused(db, folder)
    if why is not None:
        raise OutputRefused(f"Cannot write {what} into {folder}: {why}. Choose another folder; nothing was written.")
    return folder
