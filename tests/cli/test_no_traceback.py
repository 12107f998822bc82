"""Every verb over every hostile database path, as a subprocess: one sentence naming the file, exit 1.

A traceback tells an officer nothing. The tables below are the whole test: add a hostile case
as a row of CASES (with the verbs that rightly succeed on it), or a verb as a row of VERBS.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests import hostile_databases as hostile
from tests.conftest import run_cli

# The verb, and its arguments given a scratch folder for anything it writes.
VERBS: dict[str, Callable[[Path], list[str]]] = {
    "demo": lambda out: ["demo"],
    "report": lambda out: ["report", "--year", "2022/23"],
    "indicators": lambda out: ["indicators"],
    "export": lambda out: ["export", "--year", "2022/23", "--out", str(out / "moj.xlsx")],
    "export --final": lambda out: ["export", "--year", "2022/23", "--final", "--out", str(out / "final.xlsx")],
    "templates": lambda out: ["templates", "--period", "2023/24-Q1", "--out", str(out / "templates")],
    "import": lambda out: ["import", str(out / "filled.xlsx")],
    "check": lambda out: ["check"],
    "backup": lambda out: ["backup", "--out", str(out / "copy.sqlite")],
    "screenshot": lambda out: ["screenshot", "--out", str(out / "shots")],
}
READING_VERBS = frozenset({"report", "indicators", "export", "templates", "check", "backup", "screenshot"})


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[Path, Path], Path]  # (folder, a sound database to copy) -> the path given to --db
    says: str  # words the refusal must hold, besides the file's name
    works: frozenset[str] = field(default_factory=frozenset)  # verbs that rightly succeed on it
    # Verbs that stop at another of their inputs first (still exit 1, without a traceback).
    stops_earlier: frozenset[str] = field(default_factory=frozenset)


CASES = [
    Hostile("zero-byte file", hostile.zero_bytes, "is empty (0 bytes)", works=frozenset({"demo"})),
    Hostile("missing file", hostile.missing, "does not exist", works=frozenset({"demo"})),
    Hostile("FIFO", hostile.fifo, "pipe"),
    Hostile("directory", hostile.directory, "is a folder"),
    Hostile("read-only file", hostile.read_only_file, "read-only", works=READING_VERBS),
    Hostile("scribbled pages", hostile.scribbled, "damaged"),
    Hostile(
        "undecodable text",
        hostile.undecodable_text,
        "damaged",
        works=frozenset({"indicators", "backup"}),
        # The missing workbook, and the demo already there, are found before any measure is read.
        stops_earlier=frozenset({"import", "demo"}),
    ),
    Hostile("another program's Alembic database", hostile.foreign_alembic, "another program's database"),
    Hostile("empty alembic_version", hostile.empty_alembic_version, "alembic_version table) is empty"),
]


@pytest.fixture(params=CASES, ids=[case.name for case in CASES])
def case(request):
    return request.param


def _run_verb_over(case: Hostile, verb: str, demo_path: Path, tmp_path: Path) -> None:
    spoiled = tmp_path / "spoiled"
    spoiled.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    path = case.make(spoiled, demo_path)
    try:
        result = run_cli(*VERBS[verb](out), "--db", str(path))
    finally:
        hostile.release(path)
    said = result.stdout + result.stderr
    assert "Traceback" not in said
    if verb in case.works:
        assert result.returncode == 0, said
        return
    assert result.returncode == 1, said
    if verb in case.stops_earlier:
        return
    refusal = result.stderr.strip().splitlines()[-1]
    assert str(path) in refusal and case.says in refusal
    assert "did not expect" not in refusal  # a known case gets its own sentence, not the last resort


def test_check_refuses_every_hostile_database_in_one_sentence_naming_it(case, demo_path, tmp_path):
    _run_verb_over(case, "check", demo_path, tmp_path)


@pytest.mark.slow  # about ninety subprocesses
@pytest.mark.parametrize("verb", [verb for verb in VERBS if verb != "check"])
def test_no_verb_shows_a_traceback_on_a_hostile_database(case, verb, demo_path, tmp_path):
    _run_verb_over(case, verb, demo_path, tmp_path)


# A fault nobody foresaw, planted in the one service `check` runs: the last resort must catch it.
PLANTED_FAULT = """
import sys
import desktop_app.services.checks as checks
def broken(target):
    return {}["returns_checked"]
checks.check_target = broken  # what the command line calls
from desktop_app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_an_unforeseen_error_gives_one_sentence_and_the_log_that_holds_the_details(demo_path, tmp_path):
    state = tmp_path / "state"
    result = subprocess.run(
        [sys.executable, "-c", PLANTED_FAULT, "check", "--db", str(demo_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_STATE_HOME": str(state)},
    )
    log = state / "Commissioning Desk" / "log" / "errors.log"
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip() == (
        "commissioning-desk: Commissioning Desk met a problem it did not expect (KeyError: "
        f"'returns_checked') and stopped what it was doing. The details were written to {log}."
    )
    details = log.read_text()
    assert "Traceback (most recent call last)" in details and "in broken" in details


def test_a_backup_onto_a_full_disk_is_refused_and_leaves_no_partial_file(demo_path, tmp_path):
    with hostile.small_disk(tmp_path / "stick", "1m") as stick:
        result = run_cli("backup", "--db", str(demo_path), "--out", str(stick / "copy.sqlite"))
        left = sorted(p.name for p in stick.iterdir())
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"The backup could not be written to {stick / 'copy.sqlite'} (database or disk is full)" in result.stderr
    assert left == []


def test_a_database_on_a_read_only_disk_is_said_to_be_so_not_damaged(demo_path, tmp_path):
    # Room for the demo (about 15 MB with the whole catalogue); the disk's point is read-only.
    with hostile.small_disk(tmp_path / "cd", "32m") as disk:
        path = shutil.copyfile(demo_path, disk / "desk.sqlite")
        hostile.remount_read_only(disk)
        result = run_cli("report", "--year", "2022/23", "--db", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{path} cannot be opened here: it is on a read-only disk" in result.stderr
    assert "damaged" not in result.stderr
