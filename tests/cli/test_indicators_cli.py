"""`indicators` as a subprocess: the json a script reads and the text an officer reads."""

from __future__ import annotations

import json

from tests.conftest import run_cli

REQUIRED_KEYS = {"code", "title", "priority", "unit", "direction", "baseline", "latest", "status"}
STATUS_KEYS = {"green", "amber", "red", "monitor", "no_data"}


def test_json_on_the_demo_lists_29_indicators_under_4_priorities(demo_path):
    result = run_cli("indicators", "--db", str(demo_path), "--format", "json", "--plan", "pcp-2021-24")
    assert result.returncode == 0, result.stderr
    indicators = json.loads(result.stdout)
    assert isinstance(indicators, list) and len(indicators) == 29
    assert len({item["priority"] for item in indicators}) == 4
    for item in indicators:
        assert REQUIRED_KEYS | {"status_words"} <= item.keys()
        assert item["status"] in STATUS_KEYS
        assert item["plan"] == "pcp-2021-24"
    statuses = {item["status"] for item in indicators}
    assert {"green", "amber", "red", "monitor"} <= statuses
    officers = next(item for item in indicators if item["code"] == "3.8")
    assert officers["target"] == 750
    assert officers["unit"] == "count" and officers["direction"] == "increase"


def test_text_is_grouped_by_priority_with_words_and_separators(demo_path):
    result = run_cli("--db", str(demo_path), "indicators", "--plan", "pcp-2021-24")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "synthetic demo data" in text
    for number in (1, 2, 3, 4):
        assert f"Priority {number}: " in text
    line = next(line for line in text.splitlines() if line.strip().startswith("1.5 "))
    assert "Early guilty pleas" in line and "baseline 1,850 (2021/22)" in line
    assert "Improving" in text and "Worsening" in text and "Within tolerance" in text and "Monitor only" in text
    assert text.index("Priority 1:") < text.index("Priority 2:") < text.index("Priority 4:")


def test_a_database_with_no_readings_says_so(db_path):
    result = run_cli("indicators", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "no reading yet" in result.stdout
    assert "synthetic" not in result.stdout
    statuses = {item["status"] for item in json.loads(run_cli("indicators", "--db", str(db_path), "--format", "json").stdout)}
    assert statuses == {"no_data", "monitor"}


def test_a_bad_format_is_bad_usage(demo_path):
    assert run_cli("indicators", "--db", str(demo_path), "--format", "csv").returncode == 2


def test_without_a_plan_it_shows_the_plan_in_force_with_series_carried_across(demo_path):
    indicators = json.loads(run_cli("indicators", "--db", str(demo_path), "--format", "json").stdout)
    assert {item["plan"] for item in indicators} == {"pcp-2024-28"} and len(indicators) == 23
    homicides = next(item for item in indicators if item["code"] == "S.1")
    assert homicides["continues"] == "3.1 (Police and Crime Plan 2021–24)"
    assert homicides["previous_12m"] is not None  # the 2023/24 months come from the 2021–24 plan
    text = run_cli("indicators", "--db", str(demo_path)).stdout
    assert text.startswith("Police and Crime Plan 2024–28 indicators")
    assert "\nSpotlight on Serious Violence\n" in text


def test_an_unknown_plan_is_refused_naming_the_plans_there_are(demo_path):
    result = run_cli("indicators", "--db", str(demo_path), "--plan", "pcp-1999")
    assert result.returncode == 1
    assert "no plan called 'pcp-1999'" in result.stderr and "pcp-2024-28" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_rows_carry_rolling_12_months_change_and_significance(demo_path):
    indicators = json.loads(run_cli("indicators", "--db", str(demo_path), "--format", "json").stdout)
    for item in indicators:
        assert {"rolling_12m", "previous_12m", "change", "significance"} <= item.keys()
        assert item["significance"] in {"increase", "decrease", "none", "not testable"}
    tested = {item["significance"] for item in indicators}
    assert {"increase", "decrease", "none", "not testable"} <= tested
    pleas = next(item for item in indicators if item["code"] == "1.5")  # a quarterly count
    assert isinstance(pleas["rolling_12m"], int) and isinstance(pleas["previous_12m"], int)
    assert pleas["change"] == pleas["rolling_12m"] - pleas["previous_12m"]
    assert pleas["rolling_12m_period"] == "Apr 2024 – Mar 2025"


def test_pack_writes_the_panel_pack_for_a_plan_and_year(demo_path, tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "panel.xlsx"
    result = run_cli(
        "indicators", "--db", str(demo_path), "--pack", "--plan", "pcp-2024-28", "--year", "2024/25", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Panel pack written to {out}"
    about = dict((row[0], row[1]) for row in CalamineWorkbook.from_path(str(out)).get_sheet_by_name("About").to_python())
    assert (about["Plan"], about["Year"]) == ("Police and Crime Plan 2024–28", "2024/25")


def test_pack_without_a_year_is_bad_usage_and_a_bad_year_is_refused(demo_path, tmp_path):
    out = tmp_path / "panel.xlsx"
    assert run_cli("indicators", "--db", str(demo_path), "--pack", "--out", str(out)).returncode == 2
    refused = run_cli("indicators", "--db", str(demo_path), "--pack", "--year", "2024-25x", "--out", str(out))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and refused.stderr.strip()
    assert not out.exists()
