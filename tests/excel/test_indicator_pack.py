"""The indicator pack of the demo, read back with an independent reader (python-calamine)."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from desktop_app.core.indicator_status import Status
from desktop_app.core.vocabulary import Direction, IndicatorUnit
from desktop_app.excel.indicator_pack import (
    INDICATOR_HEADERS,
    READING_HEADERS,
    IndicatorPackData,
    PackIndicator,
    PackReading,
    write_indicator_pack,
)
from desktop_app.excel.writer import WorkbookWriteError
from desktop_app.services.indicators import export_indicator_pack, list_indicators
from desktop_app.store.models import Indicator, IndicatorReading, Plan


OLD_PLAN = "pcp-2021-24"


@pytest.fixture
def demo_pack(demo_db, tmp_path):
    path = export_indicator_pack(demo_db, tmp_path / "indicator pack.xlsx", OLD_PLAN)
    return path, CalamineWorkbook.from_path(str(path))


def _table(book: CalamineWorkbook, sheet: str, first_header: str) -> tuple[list, list[list]]:
    rows = book.get_sheet_by_name(sheet).to_python()
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return rows[start], rows[start + 1 :]


def test_the_pack_has_its_three_sheets_in_order(demo_pack):
    _, book = demo_pack
    assert book.sheet_names == ["Indicators", "Readings", "About"]


def test_every_indicator_has_a_row_under_four_priorities(demo_pack, demo_db):
    _, book = demo_pack
    header, rows = _table(book, "Indicators", "Priority")
    assert tuple(header) == INDICATOR_HEADERS
    assert len(rows) == 29
    assert len({row[0] for row in rows}) == 4
    assert rows[0][0].startswith("1. Supporting Victims and Witnesses")
    by_code = {row[1]: dict(zip(header, row)) for row in rows}
    expected = {row.code: row for row in list_indicators(demo_db, plan_key=OLD_PLAN)}
    assert by_code.keys() == expected.keys()
    for code, row in by_code.items():
        assert row["Status"] == expected[code].status_words
        latest = expected[code].latest_value
        if expected[code].unit is IndicatorUnit.COUNT and 0 < latest < 5:
            assert row["Latest"] == "fewer than 5"  # published: small counts suppressed
        else:
            assert row["Latest"] == pytest.approx(latest)
        assert row["Baseline"] == pytest.approx(expected[code].baseline_value)
    assert by_code["3.8"]["Target"] == 750
    assert by_code["1.1"]["Unit"] == "%"
    assert by_code["1.1"]["Latest period"] == "Mar 2024"  # the plan's last month
    assert by_code["1.2"]["Latest period"] == "2023/24 Q4"


def test_every_reading_is_on_the_readings_sheet(demo_pack, demo_db):
    _, book = demo_pack
    header, rows = _table(book, "Readings", "Code")
    assert tuple(header) == READING_HEADERS
    with demo_db.reading() as session:
        stored = session.scalar(
            select(func.count())
            .select_from(IndicatorReading)
            .join(Indicator, Indicator.id == IndicatorReading.indicator_id)
            .join(Plan, Plan.id == Indicator.plan_id)
            .where(Plan.key == OLD_PLAN)
        )
    assert len(rows) == stored == 472  # April 2022 to March 2024: 15 monthly, 14 quarterly
    first = dict(zip(header, rows[0]))
    assert first["Code"] == "1.1"
    assert first["Period start"] == dt.date(2022, 4, 1)
    assert first["Period end"] == dt.date(2022, 4, 30)
    assert first["Numerator"] and first["Denominator"]


def test_the_demo_pack_says_it_is_synthetic(demo_pack):
    path, book = demo_pack
    about = dict((row[0], row[1]) for row in book.get_sheet_by_name("About").to_python())
    assert "Synthetic demo data" in about["Data"]
    assert about["Indicators"] == 29
    assert isinstance(about["Generated at"], dt.datetime)
    intro = [row[0] for row in book.get_sheet_by_name("Indicators").to_python()[:4]]
    assert any("Synthetic demo data" in line for line in intro)
    assert openpyxl.load_workbook(path).properties.title == "Police and Crime Plan indicators"


def test_status_cells_are_coloured_and_the_header_frozen(demo_pack):
    path, _ = demo_pack
    sheet = openpyxl.load_workbook(path)["Indicators"]
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Priority")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    status_column = INDICATOR_HEADERS.index("Status") + 1
    fills = {
        sheet.cell(row=r, column=status_column).value: sheet.cell(row=r, column=status_column).fill.fgColor.rgb
        for r in range(header_row + 1, header_row + 30)
    }
    assert fills["Improving"].endswith("C6EFCE")
    assert fills["Worsening"].endswith("FFC7CE")
    assert fills["Within tolerance"].endswith("FFEB9C")


def _pack(note: str, title: str = "Homicides") -> IndicatorPackData:
    indicator = PackIndicator(
        1, "Priority", "1.1", title, IndicatorUnit.COUNT, Direction.DECREASE, 3.0, "2021/22",
        None, 2.0, "Mar 2025", -1.0, -33.3, Status.GREEN, "Improving",
    )
    reading = PackReading(
        "1.1", title, IndicatorUnit.COUNT, dt.date(2025, 3, 1), dt.date(2025, 3, 31), 2.0, None, None, note,
    )
    return IndicatorPackData((indicator,), (reading,), dt.datetime(2025, 4, 1, 9, 0), "desk.sqlite", False)


def test_an_officers_note_that_looks_like_a_formula_stays_text(tmp_path):
    hostile = '=HYPERLINK("http://example.com","x")'
    path = write_indicator_pack(_pack(hostile, title="-2 things"), tmp_path / "pack.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    _, readings = _table(book, "Readings", "Code")
    assert readings[0][-1] == hostile
    assert readings[0][1] == "-2 things"
    with zipfile.ZipFile(path) as archive:
        assert not any("<f>" in archive.read(name).decode() for name in archive.namelist() if "worksheets" in name)


def test_a_real_database_pack_does_not_claim_to_be_demo(tmp_path):
    path = write_indicator_pack(_pack(""), tmp_path / "pack.xlsx")
    about = dict((r[0], r[1]) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_name("About").to_python())
    assert "Synthetic" not in about["Data"]


def test_an_unwritable_target_keeps_the_old_pack(tmp_path):
    target = tmp_path / "pack.xlsx"
    target.mkdir()
    with pytest.raises(WorkbookWriteError, match="folder"):
        write_indicator_pack(_pack(""), target)
    assert target.is_dir()


def test_small_counts_in_the_pack_show_as_fewer_than_5_and_the_pack_says_so(demo_pack, demo_db):
    _, book = demo_pack
    header, rows = _table(book, "Readings", "Code")
    homicides = [dict(zip(header, row)) for row in rows if row[0] == "3.1"]
    values = [row["Value"] for row in homicides]
    assert "fewer than 5" in values
    assert all(value == "fewer than 5" or value == 0 or value >= 5 for value in values)
    with demo_db.reading() as session:
        stored = session.scalars(
            select(IndicatorReading.value)
            .join(Indicator, Indicator.id == IndicatorReading.indicator_id)
            .join(Plan, Plan.id == Indicator.plan_id)
            .where(Indicator.code == "3.1", Plan.key == OLD_PLAN)
            .order_by(IndicatorReading.period_start)
        ).all()
    assert [("fewer than 5" if 0 < v < 5 else v) for v in stored] == values  # the database keeps exact figures
    about = dict((row[0], row[1]) for row in book.get_sheet_by_name("About").to_python())
    assert 'shown as "fewer than 5"' in about["Small numbers"]
    _, indicators = _table(book, "Indicators", "Priority")
    homicides_row = {row[1]: row for row in indicators}["3.1"]
    latest_column, change_column = INDICATOR_HEADERS.index("Latest"), INDICATOR_HEADERS.index("Change")
    if homicides_row[latest_column] == "fewer than 5":
        assert homicides_row[change_column] == "withheld"  # baseline − change would give it away
