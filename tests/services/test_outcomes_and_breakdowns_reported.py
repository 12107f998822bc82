"""Outcome rates and breakdown tables in the MoJ workbook's Summary, the report and the check,
each compared with what the database holds (worked out here in SQL, not copied from the code)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict

import pytest
from python_calamine import CalamineWorkbook

from desktop_app.core.periods import FinancialYear
from desktop_app.services.checks import run_checks
from desktop_app.services.export import ExportPeriod, write_moj_return
from desktop_app.services.report import report_json, report_text, year_report

COUNTED = "r.status IN ('verified', 'locked')"


def _totals(db_path, year: int) -> dict[str, int]:
    with sqlite3.connect(db_path) as connection:
        return dict(connection.execute(
            f"""SELECT m.key, SUM(v.value) FROM return_value v JOIN measure m ON m.id = v.measure_id
                JOIN "return" r ON r.id = v.return_id JOIN return_period p ON p.id = r.period_id
                WHERE p.financial_year = ? AND {COUNTED} GROUP BY m.key""", (year,)))


def _outcome_stems(db_path) -> list[str]:
    with sqlite3.connect(db_path) as connection:
        keys = [k for (k,) in connection.execute("SELECT key FROM measure ORDER BY sort_order")]
    return [k[: -len("_measured")] for k in keys if k.endswith("_measured") and k.replace("_measured", "_improved") in keys]


def _expected_breakdown(db_path, year: int, breakdown: str) -> tuple[list[str], dict[str, dict[int, int]], dict[int, int]]:
    """Category labels in list order ("Not known" last), victims per category per quarter with
    what returns left unbroken-down counted as not known, and the measure's total per quarter."""
    with sqlite3.connect(db_path) as connection:
        categories = connection.execute(
            """SELECT c.key, c.label FROM breakdown_category c JOIN breakdown b ON b.id = c.breakdown_id
               WHERE b.key = ? ORDER BY c.key = 'not_known', c.sort_order""", (breakdown,)).fetchall()
        totals = dict(connection.execute(
            f"""SELECT r.id, v.value FROM return_value v JOIN measure m ON m.id = v.measure_id
                JOIN "return" r ON r.id = v.return_id JOIN return_period p ON p.id = r.period_id
                WHERE p.financial_year = ? AND {COUNTED} AND m.key = 'victims_supported'""", (year,)))
        quarter_of = dict(connection.execute(
            f"""SELECT r.id, p.quarter FROM "return" r JOIN return_period p ON p.id = r.period_id
                WHERE p.financial_year = ? AND {COUNTED}""", (year,)))
        given = connection.execute(
            f"""SELECT r.id, c.key, bv.value FROM return_breakdown_value bv
                JOIN breakdown_category c ON c.id = bv.category_id JOIN breakdown b ON b.id = c.breakdown_id
                JOIN measure m ON m.id = bv.measure_id JOIN "return" r ON r.id = bv.return_id
                JOIN return_period p ON p.id = r.period_id
                WHERE p.financial_year = ? AND {COUNTED} AND b.key = ? AND m.key = 'victims_supported'""",
            (year, breakdown)).fetchall()
    by_category: dict[str, dict[int, int]] = {key: defaultdict(int) for key, _ in categories}
    added: dict[int, int] = defaultdict(int)
    for return_id, key, value in given:
        by_category[key][quarter_of[return_id]] += value
        added[return_id] += value
    per_quarter: dict[int, int] = defaultdict(int)
    for return_id, total in totals.items():
        per_quarter[quarter_of[return_id]] += total
        by_category["not_known"][quarter_of[return_id]] += max(0, total - added[return_id])
    labels = {key: label for key, label in categories}
    return [labels[key] for key, _ in categories], {labels[k]: v for k, v in by_category.items()}, per_quarter


@pytest.fixture
def year_export(demo_db, demo_path, tmp_path):
    # 2024/25: the demo's year with breakdowns (its third quarter).
    path = write_moj_return(demo_db, ExportPeriod.parse("2024/25"), tmp_path / "year.xlsx").path
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Summary").to_python(), demo_path


def _table_under(rows: list[list], first: str) -> list[list]:
    start = next(i for i, row in enumerate(rows) if row and row[0] == first)
    end = next((i for i in range(start + 1, len(rows)) if not any(cell != "" for cell in rows[i])), len(rows))
    return rows[start : end]


def test_summary_gives_each_outcome_rate_beside_both_counts_as_the_database_has_them(year_export):
    rows, db_path = year_export
    table = _table_under(rows, "Cope and recover outcomes (victims leaving the services)")
    assert table[0][:4] == ["Cope and recover outcomes (victims leaving the services)", "Measured", "Improved", "Improved (%)"]
    totals = _totals(db_path, 2024)
    stems = _outcome_stems(db_path)
    assert len(table) - 1 == len(stems) >= 5
    for row, stem in zip(table[1:], stems):
        measured, improved = totals[f"{stem}_measured"], totals[f"{stem}_improved"]
        assert (int(row[1]), int(row[2])) == (measured, improved)
        assert row[3] == pytest.approx(improved / measured)


@pytest.mark.parametrize("breakdown, title", [("sex", "Victims supported by sex"), ("ethnicity", "Victims supported by ethnicity")])
def test_summary_breakdown_tables_add_up_to_the_total_per_quarter_and_for_the_year(year_export, breakdown, title):
    rows, db_path = year_export
    table = _table_under(rows, title)
    assert table[0][:6] == [title, "Q1", "Q2", "Q3", "Q4", "2024/25"]
    labels, expected, per_quarter = _expected_breakdown(db_path, 2024, breakdown)
    body = {row[0]: row for row in table[1:]}
    # Every category of the list, in its order, "Not known" last (group subtotals between them).
    shown = [row[0] for row in table[1:] if row[0] in labels]
    assert shown == labels and shown[-1] == "Not known"
    for label in labels:
        values = [int(v) for v in body[label][1:6]]
        assert values == [expected[label][q] for q in (1, 2, 3, 4)] + [sum(expected[label].values())], label
    total = [int(v) for v in body["Total"][1:6]]
    assert total == [per_quarter[q] for q in (1, 2, 3, 4)] + [_totals(db_path, 2024)["victims_supported"]]
    # The categories (not the group subtotals) add up to that total in every column.
    for column in range(1, 6):
        assert sum(int(body[label][column]) for label in labels) == total[column - 1]
    assert any(expected[label][3] for label in labels if label != "Not known"), "the demo breaks Q3 down"


def test_a_year_with_no_breakdowns_says_so_instead_of_tables_of_not_known(demo_db, tmp_path):
    path = write_moj_return(demo_db, ExportPeriod.parse("2022/23"), tmp_path / "year.xlsx").path
    cells = [c for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Summary").to_python() for c in row]
    assert any(isinstance(c, str) and c.startswith("No return of the period gave these breakdowns: Victims supported by sex") for c in cells)
    assert "Victims supported by sex" not in cells


def test_the_report_lists_outcome_rates_and_breakdowns_as_the_database_has_them(demo_db, demo_path):
    report = year_report(demo_db, FinancialYear(2024))
    data = report_json(report)
    totals = _totals(demo_path, 2024)
    stems = _outcome_stems(demo_path)
    assert [o["outcome"] for o in data["outcomes"]] == stems
    for item in data["outcomes"]:
        measured, improved = totals[f"{item['outcome']}_measured"], totals[f"{item['outcome']}_improved"]
        assert (item["measured"], item["improved"]) == (measured, improved)
        assert item["rate"] == pytest.approx(improved / measured, abs=1e-4)
    sex = next(b for b in data["breakdowns"] if b["breakdown"] == "sex")
    labels, expected, _ = _expected_breakdown(demo_path, 2024, "sex")
    assert list(sex["categories"])[-1] == "not_known"
    assert sum(sex["categories"].values()) == sex["total"] == totals["victims_supported"]
    assert sex["categories"]["not_known"] == sum(expected["Not known"].values())
    text = report_text(report)
    first = data["outcomes"][0]
    assert f"({first['improved']:,} of {first['measured']:,} measured)" in text
    assert "Victims supported by sex:" in text and f"- Not known: {sex['categories']['not_known']:,}" in text


def test_check_names_the_return_and_breakdown_that_falls_short_exceeds_or_improves_beyond_measured(demo_db, demo_path):
    with sqlite3.connect(demo_path) as connection:
        # Two returns with a breakdown by sex; one category raised in the first, lowered in the second.
        found = connection.execute(
            """SELECT bv.id, bv.return_id, s.reference, pr.name FROM return_breakdown_value bv
               JOIN breakdown_category c ON c.id = bv.category_id JOIN breakdown b ON b.id = c.breakdown_id
               JOIN "return" r ON r.id = bv.return_id JOIN strand s ON s.id = r.strand_id
               JOIN provider pr ON pr.id = s.provider_id
               WHERE b.key = 'sex' AND c.key = 'female' AND bv.value > 10 ORDER BY bv.return_id LIMIT 2"""
        ).fetchall()
        (over_id, _, over_ref, over_provider), (short_id, short_return, short_ref, short_provider) = found
        connection.execute("UPDATE return_breakdown_value SET value = value + 7 WHERE id = ?", (over_id,))
        connection.execute("UPDATE return_breakdown_value SET value = value - 3 WHERE id = ?", (short_id,))
        measured = connection.execute(
            """SELECT v.value FROM return_value v JOIN measure m ON m.id = v.measure_id
               WHERE v.return_id = ? AND m.key = 'feel_safer_measured'""", (short_return,)).fetchone()[0]
        connection.execute(
            """UPDATE return_value SET value = ? WHERE return_id = ? AND measure_id =
               (SELECT id FROM measure WHERE key = 'feel_safer_improved')""", (measured + 1, short_return))
    lines = [str(p) for p in run_checks(demo_db).problems]
    over = [line for line in lines if "by sex: the categories add up to" in line and "more than the total" in line]
    short = [line for line in lines if "by sex: the categories add up to" in line and "3 short of the total" in line]
    assert len(over) == 1 and f"strand {over_ref} ({over_provider})" in over[0] and "2024/25 Q3" in over[0]
    assert len(short) == 1 and f"strand {short_ref} ({short_provider})" in short[0] and "2024/25 Q3" in short[0]
    improved = [line for line in lines if f"({measured + 1:,})" in line and f"({measured:,})" in line]
    assert len(improved) == 1 and f"strand {short_ref}" in improved[0]
