"""A `templates` run killed half way is finished by running it again.

The killed run is a real subprocess that SIGKILLs itself at one step; the rerun is the real
command. The rerun writes over only what the killed run wrote itself, never other files.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from tests.conftest import REPO_ROOT, run_cli

PERIOD = "2024/25-Q4"
# Each step: the function the killed run replaces, and on which call it dies.
KILL_AT = {
    "between two templates": ("making._write_staged", 3),
    # Each template syncs three times: its workbook, the folder after that rename, the run's record.
    "inside a workbook's save": ("os.fsync", 7),  # the third template's workbook, before its rename
    "recording a finished workbook": ("os.fsync", 9),  # the third template's record, before its rename
}

_KILLED_RUN = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from desktop_app.core.periods import Quarter
    from desktop_app.services.templates import making
    from desktop_app.store.database import open_database

    database, folder, where, call = sys.argv[1:5]
    owner, name = where.rsplit(".", 1)
    module = {"os": os, "making": making}[owner]
    real, calls = getattr(module, name), []

    def killed_on_one_call(*args, **kwargs):
        calls.append(1)
        if len(calls) == int(call):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    setattr(module, name, killed_on_one_call)
    db = open_database(database, exclusive=False)
    making.make_templates(db, Quarter.parse(sys.argv[5]), Path(folder))
    print("not killed")
    """
)


def _kill_a_run(database: Path, folder: Path, step: str) -> None:
    where, call = KILL_AT[step]
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, str(database), str(folder), where, str(call), PERIOD],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
    )
    assert result.returncode == -9, result.stdout + result.stderr


def _templates(database: Path, folder: Path):
    return run_cli("templates", "--db", str(database), "--period", PERIOD, "--out", str(folder))


@pytest.fixture(scope="module")
def complete_names(demo_template, tmp_path_factory) -> list[str]:
    """The file names an uninterrupted run writes."""
    folder = tmp_path_factory.mktemp("complete")
    assert _templates(demo_template, folder).returncode == 0
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("step", list(KILL_AT))
def test_rerunning_a_killed_templates_run_completes_the_folder(demo_path, tmp_path, complete_names, step):
    folder = tmp_path / "Q4 templates"
    folder.mkdir()
    # Someone else's files in the same folder, which no run may touch.
    others = {"notes.docx": b"the officer's notes", ".~lock.notes.docx#": b"LibreOffice's lock"}
    for name, data in others.items():
        (folder / name).write_bytes(data)
    _kill_a_run(demo_path, folder, step)
    left = sorted(p.name for p in folder.iterdir() if p.suffix == ".xlsx" and not p.name.startswith("."))
    assert 2 <= len(left) < len(complete_names)  # a partial folder, as the officer finds it
    assert [p for p in folder.iterdir() if p.name.startswith(".~") and p.name not in others]  # and hidden leftovers

    rerun = _templates(demo_path, folder)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(complete_names)} templates for 2024/25 Q4 written" in rerun.stdout
    assert sorted(p.name for p in folder.iterdir()) == sorted([*complete_names, *others])
    for name, data in others.items():
        assert (folder / name).read_bytes() == data
    for name in complete_names:
        sheets = CalamineWorkbook.from_path(str(folder / name)).sheet_names
        assert len(sheets) >= 2  # a whole workbook, readable by another reader
    # Once complete, the folder is an ordinary folder of templates: a third run refuses.
    third = _templates(demo_path, folder)
    assert third.returncode == 1 and "already holds" in third.stderr


def test_a_rerun_never_writes_over_a_template_changed_since_the_killed_run(demo_path, tmp_path):
    folder = tmp_path / "Q4 templates"
    _kill_a_run(demo_path, folder, "between two templates")
    first = sorted(p for p in folder.iterdir() if not p.name.startswith("."))[0]
    workbook = load_workbook(first)  # a provider opens it, types, saves
    workbook.active["A1"] = "filled in by the provider"
    workbook.save(first)
    filled = first.read_bytes()
    rerun = _templates(demo_path, folder)
    assert rerun.returncode == 1
    assert first.name in rerun.stderr and "Traceback" not in rerun.stderr
    assert first.read_bytes() == filled
