"""Figures above their measure's ceiling that an older version let into a database: `check` names
each, the totals leave them out instead of overflowing, and no export sends them."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop_app.core.periods import FinancialYear
from desktop_app.services.checks import run_checks
from desktop_app.services.dashboard import dashboard
from desktop_app.services.export import ExportPeriod, NothingToExportError, export_preview, write_moj_return
from desktop_app.services.report import report_text, year_report
from tests.published import PUBLISHED_2022_23

Y2022 = FinancialYear(2022)

# The two an older version wrote: the largest SQLite holds (report then failed with "integer
# overflow") and 10^15 victims from a template (imported with only a warning).
HUGE = (2**63 - 1, 10**15)


def write_behind_the_programs_back(db, values=HUGE) -> list[tuple[str, int]]:
    """Overwrite victims supported in the first counted 2022/23 returns with raw SQL, as an older
    version would have stored them. Returns (where, the figure it replaced) for each."""
    with db.engine.begin() as connection:
        rows = connection.execute(
            text(
                """SELECT v.id, v.value, s.reference, p.quarter FROM return_value v
                   JOIN measure m ON m.id = v.measure_id JOIN "return" r ON r.id = v.return_id
                   JOIN strand s ON s.id = r.strand_id JOIN return_period p ON p.id = r.period_id
                   WHERE m.key = 'victims_supported' AND p.financial_year = 2022
                   ORDER BY p.quarter, s.reference LIMIT :n"""
            ),
            {"n": len(values)},
        ).all()
        for (value_id, *_), value in zip(rows, values, strict=True):
            connection.execute(text("UPDATE return_value SET value = :v WHERE id = :id"), {"v": value, "id": value_id})
    return [(f"2022/23 Q{quarter}, strand {reference}", old) for _id, old, reference, quarter in rows]


def test_check_names_each_return_and_figure_above_its_ceiling(demo_db):
    replaced = write_behind_the_programs_back(demo_db)
    result = run_checks(demo_db)
    lines = [str(p) for p in result.problems]
    # Each figure is named twice: above its ceiling, and written behind the audit trail's back.
    assert sum("more than any strand could support" in line for line in lines) == 2
    assert sum("audit trail's latest line" in line for line in lines) == 2
    for (where, _old), shown in zip(replaced, ("9,223,372,036,854,775,807", "1,000,000,000,000,000"), strict=True):
        (line,) = [line for line in lines if line.startswith(where)]
        assert line.endswith(
            f"Victims supported: {shown} is more than any strand could support in a quarter "
            "(at most 1,000,000); check the figure"
        )


def test_report_leaves_them_out_of_the_totals_and_says_so_instead_of_overflowing(demo_db):
    replaced = write_behind_the_programs_back(demo_db)
    report = year_report(demo_db, Y2022)
    assert report.totals["victims_supported"] == PUBLISHED_2022_23["victims_supported"] - sum(o for _w, o in replaced)
    assert report.totals["idva_da_supported"] == PUBLISHED_2022_23["idva_da_supported"]
    assert report.figures_left_out == 2
    assert "2 figures above their measures' ceilings are left out of these totals; run check" in report_text(report)


def test_the_dashboard_sums_only_figures_a_return_can_hold(demo_db):
    replaced = write_behind_the_programs_back(demo_db)
    board = dashboard(demo_db, Y2022)
    expected = PUBLISHED_2022_23["victims_supported"] - sum(o for _w, o in replaced)
    assert sum(sum(c.values) for c in board.victims.categories) == expected
    assert board.headline("victims_supported").value == expected


def test_no_export_sends_them_and_the_refusal_names_the_return(demo_db, tmp_path):
    (where, _old), _ = write_behind_the_programs_back(demo_db)
    period = ExportPeriod.of(Y2022)
    preview = export_preview(demo_db, period)
    assert not preview.can_export
    assert preview.refusal.startswith(f"2022/23 cannot be exported: {where}")
    assert "(and 1 more)" in preview.refusal
    target = tmp_path / "moj.xlsx"
    with pytest.raises(NothingToExportError, match="cannot be exported"):
        write_moj_return(demo_db, period, target)
    assert not target.exists()
