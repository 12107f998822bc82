"""Opening databases: pragmas, one writer per file, refusing what is not ours, damage."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select, text

from desktop_app.core.vocabulary import OrganisationType, Scope
from desktop_app.store.database import open_database
from desktop_app.store.errors import (
    DatabaseDamagedError,
    DatabaseInUseError,
    NotADeskDatabaseError,
)
from desktop_app.store.models import Measure, Provider


def test_connections_enforce_foreign_keys_wal_and_full_sync(db):
    with db.engine.connect() as connection:
        def pragma(name):
            return connection.execute(text(f"PRAGMA {name}")).scalar()

        assert pragma("foreign_keys") == 1
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == 5000


def test_new_database_has_the_measure_catalogue(db):
    # The catalogue grows; the published seven are there in their published order.
    published = [
        "victims_supported",
        "idva_da_supported",
        "isva_sa_supported",
        "reported_before",
        "reported_after",
        "referred_mental_health",
        "rj_supported",
    ]
    with db.reading() as session:
        keys = session.scalars(select(Measure.key).order_by(Measure.sort_order)).all()
    assert [key for key in keys if key in published] == published


def test_second_copy_in_the_same_process_is_refused(db, db_path):
    with pytest.raises(DatabaseInUseError) as refused:
        open_database(db_path)
    assert str(db_path) in str(refused.value)
    assert "already open" in str(refused.value)


def test_second_instance_in_another_process_is_refused_and_nothing_is_corrupted(db_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from desktop_app.store.database import open_database
                db = open_database({str(db_path)!r})
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
        with pytest.raises(DatabaseInUseError) as refused:
            open_database(db_path)
        assert f"process {holder.pid}" in str(refused.value)
    finally:
        holder.communicate("\n", timeout=30)
    # Once the first copy has gone, the file opens and is sound.
    with open_database(db_path) as reopened:
        with reopened.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_lock_is_released_when_closed(db_path):
    first = open_database(db_path)
    first.close()
    second = open_database(db_path)
    second.close()


def test_readers_may_open_while_a_writer_holds_the_file(db, db_path):
    reader = open_database(db_path, exclusive=False)
    try:
        with reader.reading() as session:
            assert session.scalar(select(Measure.key).limit(1))
    finally:
        reader.close()


def test_a_text_file_is_refused_by_name_and_left_alone(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("shopping list\n")
    with pytest.raises(NotADeskDatabaseError) as refused:
        open_database(path)
    assert str(path) in str(refused.value)
    assert path.read_text() == "shopping list\n"


def test_another_programs_database_is_refused_and_unchanged(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    before = path.read_bytes()
    with pytest.raises(NotADeskDatabaseError) as refused:
        open_database(path)
    assert "customers" in str(refused.value)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused(db_path):
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(NotADeskDatabaseError) as refused:
        open_database(db_path)
    assert "newer version" in str(refused.value)


def test_damaged_file_is_reported_on_open(db_path):
    with open_database(db_path) as db, db.transaction() as session:
        for number in range(300):
            session.add(
                Provider(
                    name=f"Provider {number:03d} " + "x" * 200,
                    organisation_type=OrganisationType.CVSE,
                    scope=Scope.LOCAL,
                )
            )
    with sqlite3.connect(db_path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'provider'"
        ).fetchone()[0]
    data = bytearray(db_path.read_bytes())
    # Scribble over the provider table's root page header: its b-tree no longer makes sense.
    start = (root - 1) * page_size
    data[start : start + 64] = b"\xff" * 64
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamagedError) as refused:
        open_database(db_path)
    assert str(db_path) in str(refused.value)
    assert "backups" in str(refused.value)
