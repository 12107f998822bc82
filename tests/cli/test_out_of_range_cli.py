"""Numbers outside what a count can be, through the command line: a template holding them is
refused cell by cell, and a database an older version let them into still reports and checks.
Never a traceback."""

from __future__ import annotations

import sqlite3

from tests.cli.test_templates_cli import AIRE_FILE, _state, _template
from tests.conftest import run_cli
from tests.excel.test_templates import fill_template
from tests.published import PUBLISHED_2022_23

CEILING = "is more than any strand could support in a quarter (at most 1,000,000); check the figure"


def test_a_template_holding_impossible_counts_is_refused_naming_every_cell(demo_path, tmp_path):
    path = _template(demo_path, tmp_path)
    fill_template(
        path,
        {
            "WY-001": {"Victims supported": 99999999999999999999, "Reported to police before engaging": 2**63},
            "WY-002": {"Victims supported": 1e308, "Reported to police during or after support": 2**63 - 1},
            "WY-003": {"Victims supported": 10**15, "Referred to mental health support": "inf"},
            "WY-004": {"Victims supported": "nan"},
        },
    )
    before = _state(demo_path)
    result = run_cli("--db", str(demo_path), "import", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert _state(demo_path) == before
    errors = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("error: ")]
    expected = {
        ("WY-001", "B11"): f"Victims supported: 100,000,000,000,000,000,000 {CEILING}",  # a float in the file
        ("WY-001", "B14"): f"Reported to police before engaging: 9,223,372,036,854,775,808 {CEILING}",
        ("WY-002", "B11"): f"Victims supported: a 309-digit number {CEILING}",
        ("WY-002", "B15"): f"Reported to police during or after support: 9,223,372,036,854,775,808 {CEILING}",
        ("WY-003", "B11"): f"Victims supported: 1,000,000,000,000,000 {CEILING}",
        ("WY-003", "B16"): "Referred to mental health support: 'inf' is not a whole number",
        ("WY-004", "B11"): "Victims supported: 'nan' is not a whole number",
    }
    for (sheet, cell), message in expected.items():
        assert any(
            line.startswith(f"error: {AIRE_FILE}, sheet {sheet}, cell {cell}: {message}") for line in errors
        ), (sheet, cell, errors)
    assert len(errors) == len(expected)


def test_report_check_and_export_survive_a_figure_an_older_version_stored(demo_path, tmp_path):
    with sqlite3.connect(demo_path) as connection:
        (value_id, old, reference, quarter) = connection.execute(
            """SELECT v.id, v.value, s.reference, p.quarter FROM return_value v
               JOIN measure m ON m.id = v.measure_id JOIN "return" r ON r.id = v.return_id
               JOIN strand s ON s.id = r.strand_id JOIN return_period p ON p.id = r.period_id
               WHERE m.key = 'victims_supported' AND p.financial_year = 2022 ORDER BY v.id LIMIT 1"""
        ).fetchone()
        # The largest figure SQLite holds; with any other figure, SUM() overflowed.
        connection.execute("UPDATE return_value SET value = ? WHERE id = ?", (2**63 - 1, value_id))

    report = run_cli("report", "--db", str(demo_path), "--year", "2022/23")
    assert report.returncode == 0, report.stderr
    assert f"A total of {PUBLISHED_2022_23['victims_supported'] - old:,} victims were supported" in report.stdout
    assert "1 figure above its measure's ceiling is left out of these totals" in report.stdout

    check = run_cli("check", "--db", str(demo_path))
    assert check.returncode == 1
    assert (
        f"2022/23 Q{quarter}, strand {reference} (Aire Valley Victim Support): "
        f"Victims supported: 9,223,372,036,854,775,807 {CEILING}"
    ) in check.stdout

    export = run_cli("export", "--db", str(demo_path), "--year", "2022/23", "--out", str(tmp_path / "moj.xlsx"))
    assert export.returncode == 1
    assert f"2022/23 cannot be exported: 2022/23 Q{quarter}, strand {reference}" in export.stderr
    assert not (tmp_path / "moj.xlsx").exists()
    for result in (report, check, export):
        assert "Traceback" not in result.stdout + result.stderr
