"""The Panel pack of the demo, read back with an independent reader (python-calamine)."""

from __future__ import annotations

import zipfile

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from desktop_app.core.periods import FinancialYear
from desktop_app.services.indicators import export_panel_pack
from desktop_app.store.models import Measure, Return, ReturnPeriod, ReturnValue, ServiceCategory, Strand

YEAR = FinancialYear(2024)


def _table(book: CalamineWorkbook, sheet: str, first_header: str) -> tuple[list, list[list]]:
    rows = book.get_sheet_by_name(sheet).to_python()
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return rows[start], rows[start + 1 :]


@pytest.fixture
def demo_pack(demo_db, tmp_path):
    path = export_panel_pack(demo_db, tmp_path / "panel pack.xlsx", YEAR, "pcp-2024-28")
    return path, CalamineWorkbook.from_path(str(path))


def test_the_pack_has_indicators_trends_figures_and_about(demo_pack):
    path, book = demo_pack
    assert book.sheet_names == ["Indicators", "Trends", "Chart data", "Victims' services", "By service category", "About"]
    header, rows = _table(book, "Indicators", "Priority")
    assert len(rows) == 23
    by_code = {row[1]: dict(zip(header, row)) for row in rows}
    assert by_code["S.1"]["Priority"] == "Spotlight on Serious Violence"
    assert by_code["1.1"]["Significance"] in {"significant increase", "significant decrease", "no significant change"}
    assert by_code["1.1"]["Change"].endswith(" pts")
    assert by_code["1.1"]["Latest period"] == "Mar 2025"
    with zipfile.ZipFile(path) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
    assert len(charts) == 23  # a trend chart for every indicator with readings


def test_small_homicide_counts_are_suppressed_and_the_pack_says_so(demo_pack, demo_db):
    _, book = demo_pack
    intro = [row[0] for row in book.get_sheet_by_name("Indicators").to_python()[:5]]
    assert any('shown as "fewer than 5"' in line for line in intro)
    rows = book.get_sheet_by_name("Chart data").to_python()
    start = next(i for i, row in enumerate(rows) if row[1:2] and str(row[1]).startswith("S.1 "))
    homicides = [row[1] for row in rows[start + 1 : start + 37]]
    assert len(homicides) == 36
    assert all(value == "" or value == 0 or value >= 5 for value in homicides)  # no 1–4 anywhere
    about = dict((row[0], row[1]) for row in book.get_sheet_by_name("About").to_python())
    assert "fewer than 5" in about["Small numbers"]


def _make_one_category_small(db) -> str:
    """Cut one service category's Q1 victims supported to 3, as a small provider might report."""
    with db.transaction() as session:
        category = session.scalars(select(ServiceCategory).order_by(ServiceCategory.name)).first()
        values = session.scalars(
            select(ReturnValue)
            .join(Measure, Measure.id == ReturnValue.measure_id)
            .join(Return, Return.id == ReturnValue.return_id)
            .join(ReturnPeriod, ReturnPeriod.id == Return.period_id)
            .join(Strand, Strand.id == Return.strand_id)
            .where(
                Measure.key == "victims_supported",
                ReturnPeriod.financial_year == YEAR.start_year,
                ReturnPeriod.quarter == 1,
                Strand.service_category_id == category.id,
            )
        ).all()
        assert values
        for value in values:
            value.value = 0
        values[0].value = 3
        return category.name


def test_a_small_cell_is_not_left_to_be_worked_out_from_its_row_or_column(demo_db, tmp_path):
    name = _make_one_category_small(demo_db)
    path = export_panel_pack(demo_db, tmp_path / "pack.xlsx", YEAR, "pcp-2024-28")
    book = CalamineWorkbook.from_path(str(path))
    header, rows = _table(book, "By service category", "Figure")
    row = next(r for r in rows if r[0] == name)
    assert row[1] == "fewer than 5"
    # Its row: the year total minus the other quarters must not give the 3.
    assert "withheld" in row[2:5] or row[5] == "withheld"
    # Its column: all categories' Q1 (on the Victims' services sheet) minus the others must not either.
    q1 = [r[1] for r in rows]
    assert sum(1 for value in q1 if isinstance(value, str)) >= 2
    _, measures = _table(book, "Victims' services", "Figure")
    supported = next(r for r in measures if r[0] == "Victims supported")
    shown_q1 = sum(value for value in q1 if not isinstance(value, str))
    if not isinstance(supported[1], str):
        assert supported[1] - shown_q1 >= 5  # only a sum of withheld cells, and not a small one
    # The MoJ keeps exact figures: the database still holds the 3.
    with demo_db.reading() as session:
        assert 3 in session.scalars(select(ReturnValue.value).where(ReturnValue.value == 3)).all()
