"""The window has SQLite check the file on a thread while it draws its charts; the opening takes
that verdict only for the file as it was checked, so damage is refused either way."""

from __future__ import annotations

import sqlite3

import pytest

from desktop_app.store.database import open_database
from desktop_app.store.errors import DatabaseDamagedError
from desktop_app.store.quick_check import check_ahead, checked_ahead


def _scribble_over_a_table(path) -> None:
    """Ruin the provider table's root page, as a failing disk would."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'provider'").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start : start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


def test_a_sound_file_checked_ahead_opens_with_that_verdict(demo_path):
    check_ahead(demo_path).join()
    assert checked_ahead(demo_path) == ["ok"]
    assert checked_ahead(demo_path) is None  # taken once, by one opening
    with open_database(demo_path) as db:
        assert db.path == demo_path


def test_damage_found_ahead_is_refused_as_the_opening_refuses_it(demo_path):
    _scribble_over_a_table(demo_path)
    with pytest.raises(DatabaseDamagedError) as without:
        open_database(demo_path)
    check_ahead(demo_path)
    with pytest.raises(DatabaseDamagedError) as ahead:
        open_database(demo_path)
    assert str(ahead.value) == str(without.value)
    assert "backups" in str(ahead.value)


def test_a_file_damaged_after_its_check_ahead_is_still_refused(demo_path):
    check_ahead(demo_path).join()  # "ok", for the file as it was
    _scribble_over_a_table(demo_path)
    with pytest.raises(DatabaseDamagedError):
        open_database(demo_path)


def test_a_file_changed_after_its_check_ahead_is_checked_again(demo_path):
    check_ahead(demo_path).join()
    with sqlite3.connect(demo_path) as connection:
        connection.execute("INSERT INTO setting (key, value) VALUES ('a_note', 'written after the check')")
    assert checked_ahead(demo_path) is None
