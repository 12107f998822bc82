"""`export` as a subprocess: the workbook, the totals line, --final's hash, and refusals."""

from __future__ import annotations

import hashlib
import sqlite3

from python_calamine import CalamineWorkbook

from tests.conftest import run_cli


def _line(stdout: str, start: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith(start))


def test_export_writes_the_year_and_prints_the_path_and_published_totals(demo_path, tmp_path):
    target = tmp_path / "MoJ return 2022-23.xlsx"
    result = run_cli("export", "--db", str(demo_path), "--year", "2022/23", "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert f"MoJ return 2022/23 written to {target}" in result.stdout
    totals = _line(result.stdout, "Totals: ")
    assert "victims_supported 90,793" in totals and "rj_supported 7,667" in totals
    assert "SHA-256" not in result.stdout  # not final: nothing recorded
    assert "Writing the Data sheet" in result.stderr  # progress on the terminal
    assert CalamineWorkbook.from_path(str(target)).sheet_names[0] == "Summary"
    with sqlite3.connect(demo_path) as connection:
        assert connection.execute("SELECT count(*) FROM submission").fetchone() == (0,)


def test_export_final_prints_the_files_sha256_and_records_the_submission(demo_path, tmp_path):
    target = tmp_path / "h1.xlsx"
    result = run_cli(
        "--db", str(demo_path), "export", "--year", "2024/25", "--half", "H1", "--final",
        "--signed-off-by", "Sam Okafor", "--out", str(target),
    )
    assert result.returncode == 0, result.stderr
    digest = _line(result.stdout, "SHA-256: ").split(": ", 1)[1]
    assert digest == hashlib.sha256(target.read_bytes()).hexdigest()
    assert "144 returns included and locked" in result.stdout
    with sqlite3.connect(demo_path) as connection:
        assert connection.execute("SELECT period_part, sha256 FROM submission").fetchall() == [("H1", digest)]
        statuses = connection.execute(
            """SELECT DISTINCT r.status FROM "return" r JOIN return_period p ON p.id = r.period_id
               WHERE p.financial_year = 2024 AND p.quarter IN (1, 2)"""
        ).fetchall()
    assert statuses == [("locked",)]


def test_export_including_unverified_says_so(demo_path, tmp_path):
    result = run_cli(
        "export", "--db", str(demo_path), "--year", "2024/25", "--quarter", "Q4", "--include-unverified",
        "--out", str(tmp_path / "q4.xlsx"),
    )
    assert result.returncode == 0, result.stderr
    assert "These totals include returns not yet verified." in result.stdout


def test_refusals_exit_1_with_the_message_and_write_nothing(demo_path, tmp_path):
    target = tmp_path / "empty.xlsx"
    result = run_cli("export", "--db", str(demo_path), "--year", "2021/22", "--out", str(target))
    assert result.returncode == 1
    assert "2021/22 has no verified or locked returns to export;" in result.stderr
    assert not target.exists()
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    result = run_cli("export", "--db", str(demo_path), "--year", "2022/23", "--final", "--out", str(folder))
    assert result.returncode == 1 and "it is a folder" in result.stderr
    result = run_cli("export", "--db", str(demo_path), "--year", "2022/23", "--quarter", "Q5", "--out", str(target))
    assert result.returncode == 1 and "Q5" in result.stderr


def test_a_quarter_and_a_half_together_is_bad_usage(demo_path, tmp_path):
    result = run_cli(
        "export", "--db", str(demo_path), "--year", "2022/23", "--quarter", "Q1", "--half", "H1",
        "--out", str(tmp_path / "x.xlsx"),
    )
    assert result.returncode == 2
    assert run_cli("export", "--db", str(demo_path), "--year", "2022/23").returncode == 2  # --out required
