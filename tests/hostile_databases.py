"""Database paths that are not what they seem, made for real on disk; shared by the store and CLI tests.

Each maker takes a folder and a sound database (a copy of it is theirs to spoil) and returns the
path to hand the program. Root ignores file permissions, so a read-only file is made with the
immutable attribute there (which root must obey too), and with the permission bits otherwise.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def zero_bytes(folder: Path, sound: Path) -> Path:
    path = folder / "empty.sqlite"
    path.touch()
    return path


def missing(folder: Path, sound: Path) -> Path:
    return folder / "no such file.sqlite"


def fifo(folder: Path, sound: Path) -> Path:
    path = folder / "pipe.sqlite"
    os.mkfifo(path)
    return path


def directory(folder: Path, sound: Path) -> Path:
    path = folder / "folder.sqlite"
    path.mkdir()
    return path


def scribbled(folder: Path, sound: Path) -> Path:
    """Random bytes over the pages after the first: SQLite finds the file malformed."""
    path = shutil.copyfile(sound, folder / "scribbled.sqlite")
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data), page * 3):
        data[start : start + 200] = bytes((i * 37 + 11) % 256 for i in range(200))
    path.write_bytes(bytes(data))
    return path


def undecodable_text(folder: Path, sound: Path) -> Path:
    """Bytes that are not UTF-8 inside the text of the measure catalogue."""
    path = shutil.copyfile(sound, folder / "undecodable.sqlite")
    data = bytearray(path.read_bytes())
    found = data.find(b"victims_supported")
    while found != -1:
        data[found + 1] = 0xFF
        found = data.find(b"victims_supported", found + 1)
    path.write_bytes(bytes(data))
    return path


def foreign_alembic(folder: Path, sound: Path) -> Path:
    """Another program that also uses Alembic: its own tables and revision id."""
    path = folder / "inventory.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('3f2a9c1e7b44')")
        connection.execute("CREATE TABLE stock_item (id INTEGER PRIMARY KEY, name TEXT)")
    return path


def empty_alembic_version(folder: Path, sound: Path) -> Path:
    path = shutil.copyfile(sound, folder / "versionless.sqlite")
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("DELETE FROM alembic_version")
    return path


def _immutable(path: Path, on: bool) -> bool:
    result = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    return result.returncode == 0


def read_only_file(folder: Path, sound: Path) -> Path:
    """A sound database whose file may not be written (its folder may)."""
    path = shutil.copyfile(sound, folder / "read-only.sqlite")
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or not _immutable(path, True):
            pytest.skip("running as root on a filesystem without chattr +i: no file is read-only to root")
    else:
        path.chmod(0o444)
    return path


class read_only_folder:  # noqa: N801 - used like a function: read_only_folder(folder).undo()
    """Make `folder` one nobody may add files to (as root: chattr +i; otherwise: mode 0555)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        if os.geteuid() == 0:
            if shutil.which("chattr") is None or not _immutable(folder, True):
                pytest.skip("running as root on a filesystem without chattr +i: every folder is writable to root")
        else:
            folder.chmod(0o555)

    def undo(self) -> None:
        if os.geteuid() == 0:
            _immutable(self.folder, False)
        else:
            self.folder.chmod(0o755)


def release(path: Path) -> None:
    """Undo read_only_file, so the test's folder can be removed."""
    if os.geteuid() == 0 and path.exists():
        _immutable(path, False)


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "160k") -> Iterator[Path]:
    """A tiny real filesystem (tmpfs) mounted at `folder`, to fill up or make read-only."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a small disk needs root to mount a tmpfs")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def fill_disk(folder: Path) -> None:
    """Write junk until the disk at `folder` has no room left."""
    with open(folder / "filler.bin", "wb", buffering=0) as handle:
        with contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 512)
