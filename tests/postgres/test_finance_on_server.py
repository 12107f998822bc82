"""The money on a team's PostgreSQL server: the same demo gives the same finance report, to the penny."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_the_half_year_finance_report_on_the_server_matches_the_file(pg_url, demo_path):
    demo = run_cli("--database-url", pg_url, "demo")
    assert demo.returncode == 0, demo.stderr
    on_server = run_cli("--database-url", pg_url, "finance", "--year", "2024/25", "--half", "H1", "--format", "json")
    assert on_server.returncode == 0, on_server.stderr
    on_file = run_cli("--db", str(demo_path), "finance", "--year", "2024/25", "--half", "H1", "--format", "json")
    assert json.loads(on_server.stdout) == json.loads(on_file.stdout)
    assert sum("underspend" in s["flags"] for s in json.loads(on_server.stdout)["strands"]) == 4
