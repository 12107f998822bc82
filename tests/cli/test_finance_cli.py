"""`finance` as a subprocess: the half-year position as JSON and text, and a bad half refused."""

from __future__ import annotations

import json

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
