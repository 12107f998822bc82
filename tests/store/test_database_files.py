"""Database paths that are not what they seem, and disks that refuse: what opening and saving say."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.core.vocabulary import OrganisationType, Scope
from desktop_app.store.backup import backup_sqlite
from desktop_app.store.database import open_database
from desktop_app.store.errors import (
    DatabaseNotFoundError,
    DiskRefusedError,
    NotADeskDatabaseError,
    StoreError,
)
from desktop_app.store.models import Provider
from tests import hostile_databases as hostile


def _providers(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT count(*) FROM provider").fetchone()[0]


def _add_providers(db, count: int, prefix: str = "Provider") -> None:
    with db.transaction() as session:
        for number in range(count):
            session.add(
                Provider(
                    name=f"{prefix} {number:04d} " + "x" * 300,
                    organisation_type=OrganisationType.CVSE,
                    scope=Scope.LOCAL,
                )
            )


@pytest.fixture
def folder(tmp_path) -> Path:
    made = tmp_path / "files"
    made.mkdir()
    return made


def test_a_zero_byte_file_is_refused_and_stays_empty_unless_creating(folder, db_path):
    path = hostile.zero_bytes(folder, db_path)
    with pytest.raises(NotADeskDatabaseError) as refused:
        open_database(path, create=False)
    assert f"{path} is empty (0 bytes): it is not a Commissioning Desk database" in str(refused.value)
    assert path.stat().st_size == 0
    assert sorted(p.name for p in folder.iterdir()) == ["empty.sqlite"]  # no -wal, -shm or lock
    with open_database(path, create=True) as made:  # New database… on it may
        assert made.created


def test_a_missing_file_is_refused_and_not_made_unless_creating(tmp_path, db_path):
    path = hostile.missing(tmp_path / "sub", db_path)
    with pytest.raises(DatabaseNotFoundError) as refused:
        open_database(path, create=False)
    assert f"{path} does not exist" in str(refused.value)
    assert not path.parent.exists()


def test_a_pipe_as_the_database_is_refused_at_once(folder, db_path):
    path = hostile.fifo(folder, db_path)
    outcome: list[BaseException] = []
    # Opening a pipe to read its header would wait for a writer for ever: refuse before that.
    opener = threading.Thread(target=lambda: outcome.append(_refusal(path)), daemon=True)
    opener.start()
    opener.join(30)
    assert outcome and isinstance(outcome[0], NotADeskDatabaseError)
    assert f"{path} is not a file on disk (it is a pipe" in str(outcome[0])


def _refusal(path: Path) -> BaseException:
    try:
        open_database(path, create=False).close()
    except BaseException as error:  # noqa: BLE001 - handed back to the test thread
        return error
    return AssertionError("opened")


def test_another_programs_alembic_database_is_not_called_a_newer_version(folder, db_path):
    path = hostile.foreign_alembic(folder, db_path)
    before = path.read_bytes()
    with pytest.raises(NotADeskDatabaseError) as refused:
        open_database(path)
    message = str(refused.value)
    assert "another program's database (schema 3f2a9c1e7b44" in message and "stock_item" in message
    assert "newer version" not in message
    assert path.read_bytes() == before


def test_an_empty_alembic_version_table_is_explained_and_the_file_left_alone(folder, db_path):
    path = hostile.empty_alembic_version(folder, db_path)
    before = path.read_bytes()
    with pytest.raises(NotADeskDatabaseError) as refused:
        open_database(path)
    assert "its record of which version wrote them (the alembic_version table) is empty" in str(refused.value)
    assert "holds other tables" not in str(refused.value)
    assert path.read_bytes() == before


def test_undecodable_text_is_reported_as_damage_not_a_traceback(folder, db_path):
    from desktop_app.store.errors import DatabaseDamagedError
    from desktop_app.store.models import Measure

    path = hostile.undecodable_text(folder, db_path)
    with open_database(path, exclusive=False, create=False) as db:
        with pytest.raises(DatabaseDamagedError) as refused, db.reading() as session:
            session.scalars(select(Measure.key)).all()
    assert f"{path} is damaged: part of it cannot be read" in str(refused.value)


@pytest.fixture
def read_only_path(folder, db_path):
    with open_database(db_path) as db:
        _add_providers(db, 3)
    with sqlite3.connect(db_path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = hostile.read_only_file(folder, db_path)
    yield path
    hostile.release(path)


def test_a_read_only_file_opens_read_only_and_refuses_every_save_by_name(read_only_path):
    before = read_only_path.read_bytes()
    with open_database(read_only_path) as db:
        assert db.read_only
        with db.reading() as session:
            assert session.scalar(select(func.count()).select_from(Provider)) == 3
        with pytest.raises(StoreError) as refused:
            _add_providers(db, 1, "Another")
    assert f"{read_only_path} is read-only" in str(refused.value)
    assert read_only_path.read_bytes() == before
    assert not (read_only_path.parent / "read-only.sqlite.lock").exists()  # it took no writer's lock


def test_a_database_on_a_read_only_disk_is_not_called_damaged(tmp_path, db_path):
    with hostile.small_disk(tmp_path / "disk", "8m") as disk:
        path = Path(shutil.copyfile(db_path, disk / "desk.sqlite"))
        hostile.remount_read_only(disk)
        with pytest.raises(DiskRefusedError) as refused:
            open_database(path)
        message = str(refused.value)
    assert f"{path} cannot be opened here: it is on a read-only disk" in message
    assert "damaged" not in message and "Restore" not in message


def test_saving_when_the_disk_fills_is_refused_and_nothing_is_half_written(tmp_path, db_path):
    with hostile.small_disk(tmp_path / "disk", "2m") as disk:
        path = Path(shutil.copyfile(db_path, disk / "desk.sqlite"))
        with open_database(path) as db:
            _add_providers(db, 2, "Kept")
            hostile.fill_disk(disk)
            with pytest.raises(DiskRefusedError) as refused:
                _add_providers(db, 2000, "Lost")
        assert f"Nothing was saved to {path}: the disk is full" in str(refused.value)
        (disk / "filler.bin").unlink()
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            names = [row[0][:4] for row in connection.execute("SELECT name FROM provider")]
    assert names == ["Kept", "Kept"]


def test_a_backup_onto_a_full_disk_leaves_no_partial_file(tmp_path, demo_path):
    with hostile.small_disk(tmp_path / "disk", "1m") as disk:
        target = disk / "copy.sqlite"
        with pytest.raises(DiskRefusedError) as refused:
            backup_sqlite(demo_path, target)
        left = sorted(p.name for p in disk.iterdir())
    assert f"The backup could not be written to {target}" in str(refused.value)
    assert left == []


def test_a_read_only_folder_is_named_as_such(tmp_path, db_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = Path(shutil.copyfile(db_path, folder / "desk.sqlite"))
    # Root ignores permission bits but not the immutable attribute (no new files in the folder).
    made_read_only = hostile.read_only_folder(folder)
    try:
        with pytest.raises(DiskRefusedError) as refused:
            open_database(path)
    finally:
        made_read_only.undo()
    assert f"its folder {folder} cannot be written to" in str(refused.value)
    assert "damaged" not in str(refused.value)
    assert sorted(p.name for p in folder.iterdir()) == ["desk.sqlite"]
