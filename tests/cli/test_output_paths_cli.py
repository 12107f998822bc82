"""Every verb that writes a file refuses to write it over the open database or its companions.

Each case runs the real program on a real file holding committed edits that another
connection keeps open (so they sit in the WAL, not yet in the main file), and checks that the
edits are all still there afterwards and that nothing was written.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import run_cli

EDITS = 20


@contextmanager
def edits_held_open(database: Path):
    """20 committed edits that another program keeps open, so they live in the -wal file."""
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")  # keep them in the WAL
    for number in range(EDITS):
        connection.execute("INSERT INTO setting (key, value) VALUES (?, 'typed by hand')", (f"edit-{number}",))
        connection.commit()
    assert database.with_name(database.name + "-wal").stat().st_size > 0
    try:
        yield connection
    finally:
        connection.close()


def edits_kept(database: Path) -> int:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM setting WHERE key LIKE 'edit-%'").fetchone()[0]
    finally:
        connection.close()


def _refused(result, path: Path) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr or path.name in result.stderr
    assert "nothing was written" in result.stderr


def _listing(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("suffix", ["-wal", "-shm", ".lock", "-journal"])
def test_a_backup_over_the_databases_own_files_is_refused_and_keeps_every_edit(db_path, suffix):
    target = db_path.with_name(db_path.name + suffix)
    with edits_held_open(db_path) as held:
        result = run_cli("backup", "--db", str(db_path), "--out", str(target))
        # Read by a new connection while the edits are still held open elsewhere.
        assert edits_kept(db_path) == EDITS
        held.execute("SELECT count(*) FROM setting").fetchone()
    _refused(result, target)
    assert edits_kept(db_path) == EDITS
    assert run_cli("check", "--db", str(db_path)).returncode == 0


def test_a_backup_over_the_database_by_a_symlink_or_a_dotdot_path_is_refused(db_path):
    (db_path.parent / "sub").mkdir()
    link = db_path.parent / "sub" / "copy.sqlite"
    link.symlink_to(db_path)
    dotdot = db_path.parent / "sub" / ".." / db_path.name
    with edits_held_open(db_path):
        for target in (link, dotdot, Path(str(db_path) + "-wal").parent / "sub" / ".." / (db_path.name + "-wal")):
            result = run_cli("backup", "--db", str(db_path), "--out", str(target))
            _refused(result, target)
            assert edits_kept(db_path) == EDITS
    assert edits_kept(db_path) == EDITS
    assert link.is_symlink()


def test_a_backup_over_a_second_name_of_the_wal_is_refused_by_inode(db_path):
    with edits_held_open(db_path):
        second_name = db_path.parent / "innocent.sqlite"
        os.link(db_path.with_name(db_path.name + "-wal"), second_name)
        result = run_cli("backup", "--db", str(db_path), "--out", str(second_name))
        _refused(result, second_name)
        assert "write-ahead log" in result.stderr
        second_name.unlink()
        assert edits_kept(db_path) == EDITS
    assert edits_kept(db_path) == EDITS


def test_a_backup_into_the_backups_folder_is_refused(db_path):
    backups = db_path.with_name(f"{db_path.stem}-backups")
    backups.mkdir()
    kept = backups / "desk-20260101-before-upgrade.sqlite"
    shutil.copyfile(db_path, kept)
    with edits_held_open(db_path):
        for target in (kept, backups / "new.sqlite", backups):
            result = run_cli("backup", "--db", str(db_path), "--out", str(target))
            _refused(result, target)
            assert "backups folder" in result.stderr
    assert sorted(p.name for p in backups.iterdir()) == [kept.name]
    assert edits_kept(db_path) == EDITS


def test_an_export_over_the_database_named_like_a_workbook_is_refused(demo_path):
    database = demo_path.rename(demo_path.with_name("desk.xlsx"))
    with edits_held_open(database):
        before = _listing(database.parent)
        for extra in ([], ["--final"]):
            result = run_cli("export", "--db", str(database), "--year", "2022/23", "--out", str(database), *extra)
            _refused(result, database)
            assert "the database itself" in result.stderr
    assert edits_kept(database) == EDITS
    assert sqlite3.connect(database).execute("SELECT count(*) FROM submission").fetchone()[0] == 0
    # Only the database and the files SQLite and the lock keep beside it: no workbook, no temporary file.
    assert all(name.startswith(database.name) for name in _listing(database.parent)), _listing(database.parent)
    assert set(before) <= set(_listing(database.parent))


def test_an_export_over_the_wal_is_refused(demo_path):
    wal = demo_path.with_name(demo_path.name + "-wal")
    with edits_held_open(demo_path):
        result = run_cli("export", "--db", str(demo_path), "--year", "2022/23", "--out", str(wal))
        _refused(result, wal)
    assert edits_kept(demo_path) == EDITS


def test_templates_into_the_backups_folder_are_refused(demo_path):
    backups = demo_path.with_name(f"{demo_path.stem}-backups")
    with edits_held_open(demo_path):
        result = run_cli("templates", "--db", str(demo_path), "--period", "2024/25-Q1", "--out", str(backups))
        _refused(result, backups)
        assert "backups folder" in result.stderr
    assert not backups.exists()
    assert edits_kept(demo_path) == EDITS


def test_screenshots_into_the_backups_folder_are_refused(db_path):
    backups = db_path.with_name(f"{db_path.stem}-backups")
    backups.mkdir()
    with edits_held_open(db_path):
        result = run_cli("screenshot", "--db", str(db_path), "--out", str(backups / "pictures"))
        _refused(result, backups / "pictures")
    assert not (backups / "pictures").exists()
    assert edits_kept(db_path) == EDITS
