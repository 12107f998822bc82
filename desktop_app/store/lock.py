"""One writer per database file: a lock file beside it, held with an OS lock.

The OS releases the lock when the process dies, so a crash never leaves a database that
cannot be opened; the file's text only serves to tell the next person who holds it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
from pathlib import Path
from typing import IO

from desktop_app.store.errors import DatabaseInUseError

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


class DatabaseLock:
    """Held while a database file is open for writing; `release()` (or `with`) lets it go."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path_for(database)
        self._handle: IO[str] | None = None

    def acquire(self) -> "DatabaseLock":
        handle = open(self.path, "a+", encoding="utf-8")
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "another program"
            handle.close()
            raise DatabaseInUseError(
                f"{self.database} is already open in Commissioning Desk ({holder}). "
                "Close it there first: two copies writing to one file could lose work."
            )
        handle.seek(0)
        handle.truncate()
        since = dt.datetime.now().strftime("%d %b %Y %H:%M")
        handle.write(
            f"process {os.getpid()} of {getpass.getuser()} on {socket.gethostname()}, since {since}"
        )
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is None:
            return
        # The file stays: deleting it would race with a third process taking a new lock.
        self._handle.seek(0)
        self._handle.truncate()
        _unlock(self._handle)
        self._handle.close()
        self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def __enter__(self) -> "DatabaseLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
