"""A final export killed at any step: afterwards the file and the database agree.

Each test runs the final export in a real subprocess that SIGKILLs itself at one step, then
checks what an officer would find: either no submission and the old file as it was, or a
submission whose file holds exactly the recorded bytes, and no hidden `.~` files once the next
export into that folder (or the window opening the database) has run.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop_app.services.workspace import open_workspace
from tests.conftest import REPO_ROOT, run_cli

OLD_FILE = b"the file sent last time"

# Each step names the function the subprocess replaces by a SIGKILL of itself.
KILL_AT = {
    # the workbook written to its temporary name, not yet renamed to the staging name
    "writing the workbook": "os.fsync",
    # staged and hashed; nothing recorded yet
    "recording the submission": "submissions._lock_and_record",
    # recorded and committed; the staged workbook not yet renamed over the target
    "moving the file into place": "submissions._move_into_place",
    # in place; the folder not yet synced
    "syncing the folder": "submissions._sync_folder",
}

_KILLED_EXPORT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from desktop_app.excel import writer
    from desktop_app.services.export import ExportPeriod, final_export, submissions
    from desktop_app.store.database import open_database

    database, target, where = sys.argv[1:4]
    owner, name = where.rsplit(".", 1)

    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    setattr({"os": os, "submissions": submissions}[owner], name, killed)
    db = open_database(database)
    final_export(db, ExportPeriod.parse("2024/25 H1"), Path(target), signed_off_by="A. Treasurer")
    print("not killed")
    """
)


def _kill_a_final_export(database: Path, target: Path, step: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_EXPORT, str(database), str(target), KILL_AT[step]],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
    )
    assert result.returncode == -9, result.stdout + result.stderr


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _recorded(database: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT file_name, sha256 FROM submission ORDER BY id").fetchall()
    finally:
        connection.close()


def _locked_h1_2024(database: Path) -> int:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute(
            "SELECT count(*) FROM return JOIN return_period ON return_period.id = return.period_id "
            "WHERE return_period.financial_year = 2024 AND return_period.quarter IN (1, 2) "
            "AND return.status = 'locked'"
        ).fetchone()[0]
    finally:
        connection.close()


def _agree(database: Path, target: Path) -> bool:
    """Either nothing happened, or the submission's file is exactly what was recorded."""
    recorded = _recorded(database)
    if not recorded:
        return target.read_bytes() == OLD_FILE and _locked_h1_2024(database) == 0
    [(file_name, digest)] = recorded
    return file_name == str(target) and target.is_file() and _sha256(target) == digest and _locked_h1_2024(database) == 144


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~"))


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("step", list(KILL_AT))
def test_a_final_export_killed_at_any_step_leaves_file_and_database_agreeing(demo_path, out, step):
    target = out / "MoJ return.xlsx"
    target.write_bytes(OLD_FILE)
    _kill_a_final_export(demo_path, target, step)
    if step == "moving the file into place":
        # The one moment they can differ: recorded, and the workbook still staged beside the target.
        assert target.read_bytes() == OLD_FILE and len(_recorded(demo_path)) == 1
        assert _hidden(out)
    else:
        assert _agree(demo_path, target)
    # The next export into the folder finishes what was recorded and clears what crashes left.
    later = run_cli(
        "export", "--db", str(demo_path), "--year", "2024/25", "--half", "H1", "--out", str(out / "draft.xlsx")
    )
    assert later.returncode == 0, later.stderr
    assert _agree(demo_path, target)
    assert _hidden(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["MoJ return.xlsx", "draft.xlsx"]


def test_the_window_opening_the_database_finishes_a_final_export_killed_before_its_rename(demo_path, out):
    target = out / "MoJ return.xlsx"
    target.write_bytes(OLD_FILE)
    _kill_a_final_export(demo_path, target, "moving the file into place")
    assert not _agree(demo_path, target)
    # The window paints from a first look, then opens the file in full and finishes the export
    # before any page that lists submissions can be shown.
    from PySide6.QtCore import QSettings

    from desktop_app.app import build_main_window, dispose_window

    window = build_main_window(demo_path, settings=QSettings(str(out.parent / "w.ini"), QSettings.Format.IniFormat))
    try:
        window.show_page("exports")
        assert _agree(demo_path, target)
    finally:
        dispose_window(window)
    assert _hidden(out) == []


def test_opening_a_workspace_in_full_finishes_a_final_export_killed_before_its_rename(demo_path, out):
    target = out / "MoJ return.xlsx"
    target.write_bytes(OLD_FILE)
    _kill_a_final_export(demo_path, target, "moving the file into place")
    workspace = open_workspace(demo_path)
    workspace.finish_interrupted_exports()
    workspace.close()
    assert _agree(demo_path, target)


def test_cleaning_a_folder_removes_only_our_own_dead_temporary_files(demo_path, out):
    target = out / "MoJ return.xlsx"
    target.write_bytes(OLD_FILE)
    _kill_a_final_export(demo_path, target, "recording the submission")
    left = _hidden(out)
    assert len(left) == 1 and left[0].startswith(".~MoJ return.final-")
    theirs = [".~lock.MoJ return.xlsx#", ".~MoJ return.notes.tmp", ".~budget.xlsx"]
    for name in theirs:
        (out / name).write_bytes(b"another program's")
    later = run_cli("export", "--db", str(demo_path), "--year", "2024/25", "--out", str(out / "year.xlsx"))
    assert later.returncode == 0, later.stderr
    assert _hidden(out) == sorted(theirs)
    assert _agree(demo_path, target)
