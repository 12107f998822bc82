"""`finance` as a subprocess: the half-year position as JSON and text, and a bad half refused."""

from __future__ import annotations

import json
import sqlite3

from tests.conftest import run_cli


def test_finance_json_for_the_first_half_gives_streams_lines_and_flagged_strands(demo_path):
    result = run_cli("finance", "--db", str(demo_path), "--year", "2024/25", "--half", "H1", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["key"] for s in data["streams"]] == ["core", "general"]
    general = data["streams"][1]
    assert [line["key"] for line in general["lines"]] == ["da_sv", "isva_idva"]
    for stream in data["streams"]:
        assert stream["variance_pence"] == stream["budget_pence"] - stream["forecast_pence"]
        assert stream["claimed_pence"] == sum(s["claimed_pence"] for s in data["strands"] if s["stream"] == stream["key"])
    assert len(data["strands"]) == 72
    assert sum("underspend" in s["flags"] for s in data["strands"]) == 4


def test_finance_text_says_when_the_half_is_due_and_names_the_flagged_strands(demo_path):
    result = run_cli("--db", str(demo_path), "finance", "--year", "2024/25", "--half", "H1")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == "Finance 2024/25 H1 (claims to 30 Sep 2024; monitoring return due 31 Oct 2024)"
    assert "4 strands flagged:" in result.stdout
    assert "forecast underspend beyond the tolerance" in result.stdout


def test_finance_refuses_a_half_that_is_not_h1_or_h2_in_one_sentence(demo_path):
    result = run_cli("finance", "--db", str(demo_path), "--year", "2024/25", "--half", "H3")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "commissioning-desk: '2024/25 H3' is not a half year: the half must be H1 or H2, e.g. 2022/23 H1"
    )
    assert "Traceback" not in result.stderr


def test_the_signed_monitoring_return_reconciles_to_finance_json_to_the_penny(demo_path, tmp_path):
    from tests.services.test_finance_export import MONEY_COLUMNS, read_finance_sheets

    target = tmp_path / "monitoring H1.xlsx"
    unsigned = run_cli("--db", str(demo_path), "export", "--year", "2024/25", "--half", "H1", "--final", "--out", str(target))
    assert unsigned.returncode == 1 and not target.exists()
    assert "must be signed off by the Chief Finance Officer" in unsigned.stderr and "Traceback" not in unsigned.stderr
    signed = run_cli(
        "--db", str(demo_path), "export", "--year", "2024/25", "--half", "H1", "--final",
        "--signed-off-by", "Sam Okafor", "--out", str(target),
    )
    assert signed.returncode == 0, signed.stderr
    assert "Signed off by Sam Okafor, Chief Finance Officer, on " in signed.stdout
    finance = run_cli("--db", str(demo_path), "finance", "--year", "2024/25", "--half", "H1", "--format", "json")
    data = json.loads(finance.stdout)
    sheets = read_finance_sheets(target)
    for stream in data["streams"]:
        sheet = sheets[f"Finance {stream['key']}"]
        assert {h: sheet["rows"][0][h] for h in MONEY_COLUMNS} == {h: stream[k] for h, k in MONEY_COLUMNS.items()}
        assert sheet["intro"][2].startswith("Signed off by Sam Okafor, Chief Finance Officer")
    strands = {s["reference"]: s for s in data["strands"]}
    rows = [r for sheet in sheets.values() for r in sheet["rows"] if r["Row"] == "Strand"]
    assert len(rows) == len(strands) == 72
    assert all(r["Claimed"] == strands[r["Key"]]["claimed_pence"] and r["Paid"] == strands[r["Key"]]["paid_pence"] for r in rows)
    with sqlite3.connect(demo_path) as connection:
        assert connection.execute("SELECT period_part, signed_off_by FROM submission").fetchall() == [("H1", "Sam Okafor")]


def test_signed_off_by_without_final_is_bad_usage(demo_path, tmp_path):
    result = run_cli(
        "--db", str(demo_path), "export", "--year", "2024/25", "--half", "H1", "--signed-off-by", "Sam Okafor",
        "--out", str(tmp_path / "x.xlsx"),
    )
    assert result.returncode == 2
    assert "add --final" in result.stderr
