"""A table streamed into a write-only workbook (the MoJ return's way) reads back as the same
table written cell by cell in a normal workbook: values, types, formats and looks."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from desktop_app.excel.writer import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    Formatted,
    Styled,
    add_table_sheet,
    discard,
    new_workbook,
    save_atomically,
)

HOSTILE = ['=HYPERLINK("http://example.com","x")', "+1", "-2", "@SUM(A1)", "\tx", "#N/A", "-"]
AWKWARD = ["Tom & Jerry <Ltd>", "  padded  ", "", "line one\nline two", "Café — Ünïcode ✓", "x" * 33_000]

HEADERS = ("Provider", "Victims", "Spend", "Share", "Received", "Flag", "Note")
FORMATS = {"Victims": COUNT, "Spend": MONEY, "Received": DATE}


def _rows() -> list[tuple]:
    rows = [
        (text, 90_793, Decimal("1234.56"), Formatted(0.125, PERCENT), dt.date(2023, 3, 31), True, None)
        for text in [*HOSTILE, *AWKWARD]
    ]
    rows += [
        ("Integers and floats", 0, 0.5, Formatted(1, PERCENT), dt.datetime(2024, 1, 2, 9, 30), False, 3),
        (Styled("A bold total", bold=True), Styled(12, COUNT, bold=True), None, None, None, None, None),
        (Styled("Red on pink", fill="FFC7CE", font_rgb="9C0006"), None, None, None, None, Styled(None, fill="FFC7CE"), None),
        (Styled("Indented and wrapped category with a long name", wrap=True, indent=1), 7, None, None, None, None, None),
        (Styled("A second table's heading", heading=True), Styled("Q1", heading=True, right=True), None, None, None, None, None),
    ]
    return rows


def _write(tmp_path: Path, name: str, *, write_only: bool) -> Path:
    workbook = new_workbook(write_only=write_only)
    add_table_sheet(
        workbook, "Table", HEADERS, _rows(), FORMATS, intro=["A title", "Synthetic demo data"],
        after=[(Styled("Below the table", bold=True), 5)],
    )
    return save_atomically(workbook, tmp_path / name)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stream")
    return _write(folder, "normal.xlsx", write_only=False), _write(folder, "streamed.xlsx", write_only=True)


def _cells(path: Path) -> dict[str, tuple]:
    sheet = openpyxl.load_workbook(path)["Table"]
    found = {}
    for row in sheet.iter_rows():
        for cell in row:
            # A blank cell given only its column's number format is blank to a reader either way.
            if cell.value is None and not cell.fill.fill_type:
                continue
            found[cell.coordinate] = (
                cell.value, cell.data_type, cell.number_format if cell.data_type == "n" else None,
                bool(cell.font.b), cell.fill.fgColor.rgb if cell.fill.fill_type else None,
                cell.font.color.rgb if cell.font.color is not None else None,
                bool(cell.alignment.wrap_text), cell.alignment.indent, cell.quotePrefix,
            )
    return found


def test_every_cell_reads_back_the_same_as_from_a_normal_workbook(both):
    normal, streamed = both
    assert _cells(streamed) == _cells(normal)


def test_an_independent_reader_gets_the_same_values(both):
    normal, streamed = both
    read = [CalamineWorkbook.from_path(str(p)).get_sheet_by_name("Table").to_python() for p in both]
    assert read[1] == read[0]
    values = [row[0] for row in read[1][4:]]
    # Formula-like and awkward text comes back exactly (a cell holds at most 32,767 characters).
    assert values[: len(HOSTILE) + len(AWKWARD)] == [*HOSTILE, *AWKWARD[:-1], "x" * 32_767]


def test_no_streamed_cell_is_a_formula_and_formula_like_text_is_quote_prefixed(both):
    _, streamed = both
    with zipfile.ZipFile(streamed) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    sheet = openpyxl.load_workbook(streamed)["Table"]
    hostile = [sheet.cell(row, 1) for row in range(5, 5 + len(HOSTILE))]
    assert [c.value for c in hostile] == HOSTILE
    assert all(c.quotePrefix and c.data_type == "s" for c in hostile)
    assert re.search(r"<t xml:space=\"preserve\">  padded  </t>", xml)


def test_the_streamed_sheet_keeps_its_header_filter_widths_and_print_set_up(both):
    normal, streamed = both
    sheets = [openpyxl.load_workbook(p)["Table"] for p in both]
    for sheet in sheets:
        assert sheet.freeze_panes == "A5"
        assert sheet.auto_filter.ref == f"A4:G{4 + len(_rows())}"
        assert sheet.print_title_rows == "$4:$4"
        assert int(sheet.page_setup.paperSize) == 9  # A4
    assert [sheets[1].column_dimensions[c].width for c in "ABCDEFG"] == [
        sheets[0].column_dimensions[c].width for c in "ABCDEFG"
    ]


def test_a_value_that_cannot_be_written_stops_the_sheet_and_leaves_no_temporary_file():
    workbook = new_workbook(write_only=True)
    with pytest.raises(ValueError, match="nan"):
        add_table_sheet(workbook, "Table", ("A",), [(1,), (float("nan"),)])
    half_written = Path(workbook.worksheets[0]._writer.out)
    assert half_written.exists()
    discard(workbook)
    assert not half_written.exists()
