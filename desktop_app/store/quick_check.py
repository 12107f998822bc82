"""SQLite's quick_check of a file, run ahead on a thread of its own while the window draws.

The full opening checks a file with `PRAGMA quick_check` (`store.database`), which reads all of
it: most of a second on a ten-year database. SQLite lets go of Python's lock while it reads, so
the window starts the check as soon as it has painted from its first look and draws its charts
meanwhile; the opening then takes the result, if the file (and its write-ahead log) is as it
was when the check started, and checks again itself otherwise. Only plain sqlite3 here.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

# What a check of a file that is not what it seemed raises; the opening then checks itself.
_FAILURES = (sqlite3.Error, OSError, UnicodeDecodeError)
_guard = threading.Lock()
_running: dict[Path, threading.Thread] = {}
_results: dict[Path, tuple[tuple, list[str]]] = {}


def _state(path: Path) -> tuple:
    """What would show a change to the file: each of it and its log's inode, size and time (an
    empty log, which a reader may leave behind, holds nothing)."""
    found = []
    for part in (path, path.with_name(f"{path.name}-wal")):
        try:
            stat = os.stat(part)
        except FileNotFoundError:
            found.append(None)
        else:
            found.append((stat.st_ino, stat.st_size, stat.st_mtime_ns) if stat.st_size else None)
    return tuple(found)


def quick_check(connection: sqlite3.Connection) -> list[str]:
    """SQLite's own verdict on the file: ["ok"], or what it found damaged."""
    return [row[0] for row in connection.execute("PRAGMA quick_check")]


def check_ahead(path: Path) -> threading.Thread:
    """Start the quick_check of `path` on a thread of its own (a failure is left to the opening);
    returns the thread, the one already running if there is one."""
    path = path.resolve()

    def run() -> None:
        try:
            before = _state(path)
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                rows = quick_check(connection)
            finally:
                connection.close()
            if _state(path) == before:
                with _guard:
                    _results[path] = (before, rows)
        except _FAILURES:
            pass

    thread = threading.Thread(target=run, name=f"quick_check of {path.name}", daemon=True)
    with _guard:
        if path in _running:
            return _running[path]
        _running[path] = thread
    thread.start()
    return thread


def checked_ahead(path: Path) -> list[str] | None:
    """The verdict of a check run ahead on `path` (waiting for it to end), or None when there was
    none, it failed, or the file has changed since it started."""
    path = path.resolve()
    with _guard:
        thread = _running.pop(path, None)
    if thread is None:
        return None
    thread.join()
    with _guard:
        found = _results.pop(path, None)
    if found is None or found[0] != _state(path):
        return None
    return found[1]
