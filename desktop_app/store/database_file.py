"""What a database path really holds, looked at before SQLite touches it.

SQLite itself gives one vague answer to many different problems ("unable to open database
file", "damaged"), and it happily turns an empty or missing file into a new database. Looking
first lets each case get the sentence that says what is really wrong and what to do, and
keeps any file this action may not create from being created.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from desktop_app.store.errors import DatabaseNotFoundError, DiskRefusedError, NotADeskDatabaseError

MAKE_ONE = "make a new one with `commissioning-desk demo` or the window's File › New database…"


@dataclass(frozen=True)
class DatabaseFile:
    """An SQLite path that may be opened: whether it already holds data, and whether we may write it."""

    has_data: bool
    read_only: bool


def _on_read_only_disk(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _writable_folder(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK) and not _on_read_only_disk(folder)


def _unwritable_folder(path: Path, folder: Path) -> DiskRefusedError:
    where = "it is on a read-only disk" if _on_read_only_disk(folder) else f"its folder {folder} cannot be written to"
    return DiskRefusedError(
        f"{path} cannot be opened here: {where}, and Commissioning Desk keeps its working files "
        "(-wal, -shm, .lock) beside the database. The file is unchanged; copy it to a folder "
        "you can write to and open the copy."
    )


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def examine_database_file(path: Path, *, create: bool) -> DatabaseFile:
    """Refuse a path that is not a database this action may open; say whether it holds data.

    `create` is for the few actions that make a database (the demo, New database…): only they
    may turn a missing or empty file into one.
    """
    try:
        found = path.stat()
    except FileNotFoundError:
        if not create:
            raise DatabaseNotFoundError(f"{path} does not exist: check the path, or {MAKE_ONE}.") from None
        folder = _nearest_existing(path.parent)
        if not _writable_folder(folder):
            raise DiskRefusedError(
                f"{path} cannot be made: {folder} cannot be written to. Choose a folder of your own."
            ) from None
        return DatabaseFile(has_data=False, read_only=False)
    except NotADirectoryError:
        raise DatabaseNotFoundError(
            f"{path} does not exist: part of that path is a file, not a folder. Check the path."
        ) from None
    except PermissionError:
        raise DiskRefusedError(
            f"{path} cannot be opened: you do not have permission to look in its folder."
        ) from None
    if stat.S_ISDIR(found.st_mode):
        raise NotADeskDatabaseError(f"{path} is a folder, not a database file: give the path of the .sqlite file.")
    if not stat.S_ISREG(found.st_mode):
        # Reading a pipe would wait for ever; a device or socket is nothing of ours either.
        raise NotADeskDatabaseError(
            f"{path} is not a file on disk (it is a pipe, device or socket), so it is not a "
            "Commissioning Desk database: give the path of the .sqlite file."
        )
    if found.st_size == 0:
        if create:
            if not _writable_folder(path.parent):
                raise _unwritable_folder(path, path.parent)
            return DatabaseFile(has_data=False, read_only=False)
        raise NotADeskDatabaseError(
            f"{path} is empty (0 bytes): it is not a Commissioning Desk database, and nothing was "
            f"written to it. Open the database file itself, or {MAKE_ONE}."
        )
    if not os.access(path, os.R_OK):
        raise DiskRefusedError(f"{path} cannot be opened: you do not have permission to read it.")
    if not _writable_folder(path.parent):
        raise _unwritable_folder(path, path.parent)
    return DatabaseFile(has_data=True, read_only=not os.access(path, os.W_OK))
