"""One file, one writer, whatever it is called: hard links are refused, the lock follows the file.

A second name for a database (a hard link) got its own lock and its own WAL, and two windows
corrupted the file between them. Each test runs a real second process.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from desktop_app.store.database import open_database
from desktop_app.store.errors import DatabaseHasTwoNamesError, DatabaseInUseError
from tests.conftest import run_cli


@contextmanager
def held_open_by_another_process(path):
    """Another copy of the program with `path` open for writing, until the block ends."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from desktop_app.store.database import open_database
                db = open_database({str(path)!r})
                print("open", flush=True)
                sys.stdin.readline()
                db.close()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        yield holder
    finally:
        holder.communicate("\n", timeout=30)


def _integrity(path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def test_a_database_with_a_second_name_is_refused_saying_why_and_what_to_do(db_path):
    second = db_path.with_name("also-desk.sqlite")
    os.link(db_path, second)
    for name in (db_path, second):
        with pytest.raises(DatabaseHasTwoNamesError) as refused:
            open_database(name)
        message = str(refused.value)
        assert str(name) in message
        assert "has 2 names (hard links)" in message
        assert "delete the other link" in message
        # Read-only verbs too: the second name would read without the first one's journal.
        with pytest.raises(DatabaseHasTwoNamesError):
            open_database(name, exclusive=False)
    second.unlink()
    open_database(db_path).close()


def test_a_link_made_while_the_window_is_open_cannot_open_it_a_second_time(db_path):
    second = db_path.with_name("also-desk.sqlite")
    with held_open_by_another_process(db_path):
        os.link(db_path, second)
        for verb in (["check"], ["demo"], ["backup", "--out", str(db_path.with_name("copy.sqlite"))]):
            result = run_cli(*verb, "--db", str(second))
            assert result.returncode == 1, result.stderr
            assert "Traceback" not in result.stderr
            assert "2 names (hard links)" in result.stderr
    second.unlink()
    assert not db_path.with_name("copy.sqlite").exists()
    assert _integrity(db_path) == "ok"


def test_a_database_renamed_while_open_is_still_locked_under_its_new_name(db_path):
    moved = db_path.with_name("renamed.sqlite")
    with held_open_by_another_process(db_path) as holder:
        os.rename(db_path, moved)
        with pytest.raises(DatabaseInUseError) as refused:
            open_database(moved)
        message = str(refused.value)
        assert str(moved) in message and "already open" in message
        assert f"process {holder.pid}" in message and str(db_path) in message  # who, and as what name
        demo = run_cli("demo", "--db", str(moved))
        assert demo.returncode == 1 and "already open" in demo.stderr, demo.stderr
    # Once the first copy has gone, the file opens under its new name and is sound.
    with open_database(moved) as reopened:
        with reopened.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
