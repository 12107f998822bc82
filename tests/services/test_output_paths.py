"""The one output-path check, as the services use it: what it refuses and what it lets through."""

from __future__ import annotations

import pytest

from desktop_app.services.indicators import export_indicator_pack
from desktop_app.services.output_paths import OutputRefused, check_output_file, check_output_folder


def test_the_indicator_pack_is_not_written_over_the_database(db, db_path):
    renamed_view = db_path.parent / "pack" / ".." / db_path.name
    (db_path.parent / "pack").mkdir()
    size = db_path.stat().st_size
    with pytest.raises(OutputRefused, match="nothing was written"):
        export_indicator_pack(db, renamed_view)
    assert db_path.stat().st_size == size


def test_a_folder_linked_into_the_backups_folder_is_refused(db, db_path):
    backups = db_path.with_name(f"{db_path.stem}-backups")
    backups.mkdir()
    shortcut = db_path.parent / "shortcut"
    shortcut.symlink_to(backups, target_is_directory=True)
    with pytest.raises(OutputRefused) as refused:
        check_output_folder(db, shortcut / "templates", "the templates")
    assert str(shortcut / "templates") in str(refused.value) and "backups folder" in str(refused.value)


def test_ordinary_files_beside_the_database_are_allowed(db, db_path):
    for name in ("desk-backup.sqlite", "desk.sqlite.xlsx", "desk-backups.xlsx", "MoJ return.xlsx"):
        assert check_output_file(db, db_path.with_name(name), "the backup") == db_path.with_name(name)
    assert check_output_folder(db, db_path.parent / "templates", "the templates") == db_path.parent / "templates"
