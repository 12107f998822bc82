"""`templates` and `import` as subprocesses: files listed, preview printed, refusals exit 1."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import run_cli
from tests.excel.test_templates import fill_template

AIRE = "Aire Valley Victim Support"
AIRE_FILE = "2024-25 Q4 - Aire Valley Victim Support.xlsx"


def _state(db_path: Path) -> tuple:
    with sqlite3.connect(db_path) as connection:
        return (
            connection.execute('SELECT count(*) FROM "return"').fetchone(),
            connection.execute("SELECT count(*) FROM return_value").fetchone(),
            connection.execute("SELECT max(id) FROM audit_event").fetchone(),
            connection.execute('SELECT group_concat(status || received_date) FROM "return"').fetchone(),
        )


def _victims(db_path: Path, reference: str) -> int | None:
    with sqlite3.connect(db_path) as connection:
        row = connection.execute(
            """SELECT v.value FROM return_value v JOIN "return" r ON r.id = v.return_id
               JOIN strand s ON s.id = r.strand_id JOIN measure m ON m.id = v.measure_id
               JOIN return_period p ON p.id = r.period_id
               WHERE s.reference = ? AND m.key = 'victims_supported' AND p.financial_year = 2024 AND p.quarter = 4""",
            (reference,),
        ).fetchone()
    return row[0] if row else None


def _template(db_path: Path, out: Path) -> Path:
    result = run_cli("templates", "--db", str(db_path), "--period", "2024/25-Q4", "--out", str(out), "--provider", AIRE)
    assert result.returncode == 0, result.stderr
    return out / AIRE_FILE


def test_templates_writes_a_workbook_per_provider_and_prints_each_file(demo_path, tmp_path):
    out = tmp_path / "Q4 templates"
    result = run_cli("templates", "--db", str(demo_path), "--period", "2024/25-Q4", "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == f"34 templates for 2024/25 Q4 written to {out}: 72 strands of 34 providers."
    written = [Path(line) for line in lines[:-1]]
    assert len(written) == 34 and all(path.is_file() for path in written)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert str(out / AIRE_FILE) in lines
    assert "Writing" in result.stderr  # progress on the terminal


def test_templates_for_an_unknown_provider_or_a_bad_quarter_exit_1(demo_path, tmp_path):
    result = run_cli("templates", "--db", str(demo_path), "--period", "2024/25-Q4", "--out", str(tmp_path), "--provider", "Nobody")
    assert result.returncode == 1 and "No provider is called 'Nobody'" in result.stderr
    result = run_cli("templates", "--db", str(demo_path), "--period", "2024/25-Q5", "--out", str(tmp_path))
    assert result.returncode == 1 and "Q5" in result.stderr
    assert list(tmp_path.glob("*.xlsx")) == []


def test_import_dry_run_prints_the_preview_and_writes_nothing(demo_path, tmp_path):
    path = _template(demo_path, tmp_path)
    fill_template(path, {"WY-002": {"Victims supported": 41}})
    before = _state(demo_path)
    result = run_cli("import", "--db", str(demo_path), "--dry-run", str(path))
    assert result.returncode == 0, result.stderr
    assert f"{AIRE_FILE}: ready ({AIRE}, 2024/25 Q4)" in result.stdout
    assert "  WY-002 Bradford community IDVA service: new return, 1 figure → submitted" in result.stdout
    assert "    new Victims supported: 41 (cell B11)" in result.stdout
    assert result.stdout.rstrip().endswith("Dry run: nothing was written.")
    assert _state(demo_path) == before


def test_import_commits_the_batch_and_says_how_many_returns(demo_path, tmp_path):
    path = _template(demo_path, tmp_path)
    fill_template(path, {"WY-002": {"Victims supported": 41}})
    result = run_cli("--db", str(demo_path), "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "Imported: 3 returns written from 1 file." in result.stdout
    assert _victims(demo_path, "WY-002") == 41


def test_import_with_one_bad_file_exits_1_naming_it_and_writes_nothing(demo_path, tmp_path):
    path = _template(demo_path, tmp_path)
    fill_template(path, {"WY-002": {"Victims supported": 41}})
    bad = tmp_path / "figures.xlsx"
    bad.write_text("strand,victims\nWY-001,12\n")
    formula = fill_template(
        _template(demo_path, tmp_path / "again"), {"WY-001": {"Victims supported": "=2*3"}}, save_as=tmp_path / "f.xlsx"
    )
    before = _state(demo_path)
    result = run_cli("import", "--db", str(demo_path), str(path), str(bad), str(formula))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert "commissioning-desk: nothing was imported: 2 of 3 files refused" in errors
    assert "figures.xlsx: is a text file (a CSV?) renamed to .xlsx, not an Excel workbook: fill in the template in Excel and save it as .xlsx" in errors
    assert any(line.startswith("f.xlsx, sheet WY-001, cell B11: holds a formula; type the number itself") for line in errors)
    assert f"{AIRE_FILE}: ready" in result.stdout  # the good file is shown as importable
    assert _state(demo_path) == before


def test_import_of_another_quarters_template_exits_1(demo_path, tmp_path):
    path = _template(demo_path, tmp_path)
    result = run_cli("import", "--db", str(demo_path), "--period", "2024/25-Q3", str(path))
    assert result.returncode == 1
    assert f"{AIRE_FILE}: is the template for 2024/25 Q4, not 2024/25 Q3" in result.stderr


def test_import_of_a_folder_holding_only_ods_files_exits_1_saying_how_to_save_as_xlsx(demo_path, tmp_path):
    from tests.excel.test_hostile_files import make_ods

    folder = tmp_path / "returns"
    folder.mkdir()
    make_ods(folder / "Aire Q4.ods")
    before = _state(demo_path)
    result = run_cli("import", "--db", str(demo_path), str(folder))
    assert result.returncode == 1
    assert "commissioning-desk: nothing was imported: 1 of 1 files refused" in result.stderr
    line = next(line for line in result.stderr.splitlines() if line.startswith("Aire Q4.ods: "))
    assert 'File › Save As…, set the file type to "Excel 2007-365 (.xlsx)"' in line
    assert "Traceback" not in result.stderr and _state(demo_path) == before


def test_import_without_files_is_bad_usage(demo_path):
    assert run_cli("import", "--db", str(demo_path)).returncode == 2
