"""The MoJ workbook's Data sheet with breakdowns: one row per figure, totals with blank
breakdown and category, read back by an independent reader (python-calamine)."""

from __future__ import annotations

from collections import defaultdict

from python_calamine import CalamineWorkbook

from desktop_app.core.periods import FinancialYear
from desktop_app.excel.moj_return import DATA_HEADERS
from desktop_app.services.export import ExportPeriod, write_moj_return
from desktop_app.services.report import year_report


def _data(path) -> list[dict]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data").to_python()
    start = next(i for i, row in enumerate(rows) if row and row[0] == "financial_year")
    header = rows[start]
    return [dict(zip(header, row)) for row in rows[start + 1 :] if any(cell != "" for cell in row)]


def test_the_data_sheet_has_breakdown_and_category_columns_and_totals_match_the_report(demo_db, tmp_path):
    path = write_moj_return(demo_db, ExportPeriod.parse("2024/25"), tmp_path / "year.xlsx").path
    header = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data").to_python()
    assert list(DATA_HEADERS) == [
        "financial_year", "quarter", "provider", "strand_ref", "strand", "measure_key", "measure_label",
        "breakdown", "category", "value",
    ]
    assert any(list(row) == list(DATA_HEADERS) for row in header)
    rows = _data(path)
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["breakdown"] == "":
            assert row["category"] == ""
            totals[row["measure_key"]] += int(row["value"])
    report = year_report(demo_db, FinancialYear(2024))
    assert {k: v for k, v in totals.items()} == {k: v for k, v in report.totals.items() if v}
    # The demo's breakdowns (2024/25 Q3) are there, and each adds up to its total.
    broken_down = [row for row in rows if row["breakdown"]]
    assert {row["breakdown"] for row in broken_down} == {"Sex", "Age band", "Ethnicity", "Disability", "Crime type"}
    sums: dict[tuple, int] = defaultdict(int)
    for row in broken_down:
        sums[(row["strand_ref"], row["quarter"], row["measure_key"], row["breakdown"])] += int(row["value"])
    total_of = {
        (row["strand_ref"], row["quarter"], row["measure_key"]): int(row["value"])
        for row in rows if row["breakdown"] == ""
    }
    assert sums and all(total == total_of[key[:3]] for key, total in sums.items())
