"""One writer per database file: a lock file beside it, held with an OS lock.

The OS releases the lock when the process dies, so a crash never leaves a database that
cannot be opened; the file's text only serves to tell the next person who holds it.

The file beside the database is found by its name, so a second lock is keyed on the real file
(device and inode) in a folder of this user's: a database renamed while open, or reached
under another name, is still one file with one writer. A file with two names (hard links) is
refused outright: SQLite keeps its journal beside each name, so two names mean two journals.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
import stat
import tempfile
from pathlib import Path
from typing import IO

from desktop_app.core.wording import date_and_time
from desktop_app.store.errors import DatabaseHasTwoNamesError, DatabaseInUseError
from desktop_app.store.private_files import open_private_text

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def lock_path_for(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def refuse_second_names(database: Path) -> None:
    """Raise `DatabaseHasTwoNamesError` if the file at `database` has more than one hard link."""
    try:
        links = os.stat(database).st_nlink
    except OSError:
        return  # not there yet: opening creates it with one name
    if links > 1:
        raise DatabaseHasTwoNamesError(
            f"{database} has {links} names (hard links); the program cannot keep two copies from "
            "writing it at once. Keep one name: delete the other link."
        )


def file_key_lock_path(database: Path) -> Path | None:
    """The lock file keyed on the real file (device and inode), or None if it does not exist yet."""
    try:
        found = os.stat(database)
    except OSError:
        return None
    folder = Path(tempfile.gettempdir()) / f"commissioning-desk-locks-{getpass.getuser()}"
    return folder / f"{found.st_dev}-{found.st_ino}.lock"


def _owned_by_me(folder: Path) -> bool:
    if not hasattr(os, "getuid"):  # Windows: the temporary folder is the user's own
        return True
    info = folder.lstat()  # lstat: a symlink planted in its place is not a folder
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()


def _open_key_lock(path: Path) -> IO[str] | None:
    # A folder of this user's only (0o700): elsewhere another user could plant a link in it.
    # If it cannot be made, the lock beside the database still stands alone, as it always did.
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        if not _owned_by_me(path.parent):
            return None
        return open_private_text(path)
    except OSError:
        return None


class DatabaseLock:
    """Held while a database file is open for writing; `release()` (or `with`) lets it go."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path_for(database)
        self._handle: IO[str] | None = None
        self._key_handle: IO[str] | None = None

    def _in_use(self, holder: str) -> DatabaseInUseError:
        return DatabaseInUseError(
            f"{self.database} is already open in Commissioning Desk ({holder}). "
            "Close it there first: two copies writing to one file could lose work."
        )

    def acquire(self) -> "DatabaseLock":
        refuse_second_names(self.database)
        handle = open_private_text(self.path)
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "another program"
            handle.close()
            raise self._in_use(holder)
        key_path = file_key_lock_path(self.database)
        key_handle = _open_key_lock(key_path) if key_path is not None else None
        if key_handle is not None and not _try_lock(key_handle):
            key_handle.seek(0)
            holder = key_handle.read().strip() or "another program, under another name"
            key_handle.close()
            _unlock(handle)
            handle.close()
            raise self._in_use(holder)
        since = date_and_time(dt.datetime.now())
        holder = f"process {os.getpid()} of {getpass.getuser()} on {socket.gethostname()}, since {since}"
        handle.seek(0)
        handle.truncate()
        handle.write(holder)
        handle.flush()
        if key_handle is not None:
            key_handle.seek(0)
            key_handle.truncate()
            key_handle.write(f"{holder}, as {self.database}")
            key_handle.flush()
        self._handle, self._key_handle = handle, key_handle
        return self

    def release(self) -> None:
        if self._handle is None:
            return
        # The files stay: deleting one would race with a third process taking a new lock.
        for handle in (self._key_handle, self._handle):
            if handle is not None:
                handle.seek(0)
                handle.truncate()
                _unlock(handle)
                handle.close()
        self._handle = self._key_handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def __enter__(self) -> "DatabaseLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
