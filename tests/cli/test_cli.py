"""The command line as a subprocess: exit codes, messages, --db before or after the verb."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import run_cli
from tests.published import PUBLISHED_2022_23


def test_report_json_on_the_demo_gives_the_published_totals(demo_path):
    result = run_cli("report", "--db", str(demo_path), "--year", "2022/23", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["year"] == "2022/23"
    assert {key: report["totals"][key] for key in PUBLISHED_2022_23} == PUBLISHED_2022_23


def test_report_text_reads_like_the_panel_report(demo_path):
    result = run_cli("--db", str(demo_path), "report", "--year", "2022-23")
    assert result.returncode == 0, result.stderr
    assert "During the period 1st April 2022 to 31st March 2023:" in result.stdout
    assert "- A total of 90,793 victims were supported directly from this funding." in result.stdout
    assert "- 1,487 victims were referred to mental health support because of crime." in result.stdout
    assert "- 7,667 victims were supported by the Restorative Justice Service." in result.stdout


def test_report_including_unverified_says_so(demo_path):
    counted = run_cli("--db", str(demo_path), "report", "--year", "2024/25", "--format", "json")
    everything = run_cli(
        "--db", str(demo_path), "report", "--year", "2024/25", "--format", "json", "--include-unverified"
    )
    counted, everything = json.loads(counted.stdout), json.loads(everything.stdout)
    assert everything["include_unverified"] is True
    assert everything["totals"]["victims_supported"] > counted["totals"]["victims_supported"]
    text = run_cli("--db", str(demo_path), "report", "--year", "2024/25", "--include-unverified").stdout
    assert "include" in text and "not yet verified" in text


def test_a_malformed_year_is_rejected_with_exit_1_naming_it(db_path):
    result = run_cli("--db", str(db_path), "report", "--year", "2022/24")
    assert result.returncode == 1
    assert "2022/24" in result.stderr


def test_bad_usage_exits_2():
    assert run_cli("report").returncode == 2  # --year is required
    assert run_cli("frobnicate").returncode == 2
    both = run_cli("--db", "a.sqlite", "--database-url", "sqlite:///b.sqlite", "check")
    assert both.returncode == 2
    assert "not both" in both.stderr


def test_check_passes_on_the_demo(demo_path):
    result = run_cli("check", "--db", str(demo_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems" in result.stdout


def test_check_lists_a_return_that_breaks_a_rule_and_exits_1(demo_path):
    with sqlite3.connect(demo_path) as connection:
        # An IDVA figure above the strand's victims supported, typed straight into the file.
        return_id, strand_ref = connection.execute(
            """SELECT r.id, s.reference FROM "return" r JOIN strand s ON s.id = r.strand_id
               ORDER BY r.id LIMIT 1"""
        ).fetchone()
        supported = connection.execute(
            """SELECT v.value FROM return_value v JOIN measure m ON m.id = v.measure_id
               WHERE v.return_id = ? AND m.key = 'victims_supported'""",
            (return_id,),
        ).fetchone()[0]
        connection.execute(
            """UPDATE return_value SET value = ? WHERE return_id = ? AND measure_id =
               (SELECT id FROM measure WHERE key = 'idva_da_supported')""",
            (supported + 5, return_id),
        )
    result = run_cli("check", "--db", str(demo_path))
    assert result.returncode == 1
    # The rule it breaks, and a figure that differs from its audit trail (typed around the program).
    assert "2 problems found" in result.stdout
    assert strand_ref in result.stdout
    assert f"({supported + 5:,}) is more than" in result.stdout
    assert f"value is '{supported + 5}' but the audit trail's latest line" in result.stdout


def test_check_reports_a_dangling_reference(demo_path):
    with sqlite3.connect(demo_path) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("UPDATE allocation SET strand_id = 99999 WHERE id = (SELECT min(id) FROM allocation)")
    result = run_cli("check", "--db", str(demo_path))
    assert result.returncode == 1
    assert "allocation" in result.stdout and "missing row of strand" in result.stdout


def test_backup_writes_a_database_that_opens_with_the_same_figures(demo_path, tmp_path):
    copy = tmp_path / "copies" / "backup.sqlite"
    result = run_cli("backup", "--db", str(demo_path), "--out", str(copy))
    assert result.returncode == 0, result.stderr
    assert str(copy) in result.stdout
    again = run_cli("report", "--db", str(copy), "--year", "2022/23", "--format", "json")
    totals = json.loads(again.stdout)["totals"]
    assert {key: totals[key] for key in PUBLISHED_2022_23} == PUBLISHED_2022_23


def test_backup_onto_the_database_itself_is_refused(demo_path):
    result = run_cli("backup", "--db", str(demo_path), "--out", str(demo_path))
    assert result.returncode == 1
    assert "the database itself" in result.stderr


@pytest.mark.parametrize("verb", ["report --year 2022/23", "check"])
def test_a_file_that_is_not_a_database_is_rejected_with_exit_1(tmp_path, verb):
    path = tmp_path / "budget.xlsx"
    path.write_bytes(b"PK\x03\x04 not a database")
    result = run_cli("--db", str(path), *verb.split())
    assert result.returncode == 1
    assert str(path) in result.stderr
    assert path.read_bytes() == b"PK\x03\x04 not a database"
