"""The shared Excel layer: no formula injection, tidy tables, and saves that never half-write."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from desktop_app.excel import writer
from desktop_app.excel.writer import (
    COUNT,
    DATE,
    MONEY,
    ONE_DECIMAL,
    PERCENT,
    Formatted,
    WorkbookWriteError,
    add_details_sheet,
    add_table_sheet,
    looks_like_formula,
    new_workbook,
    safe_text,
    save_atomically,
    set_properties,
    write_cell,
)

HOSTILE = [
    '=HYPERLINK("http://example.com","x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\tx",
    "=1+1",
    "#N/A",
    "-",
]


def _sheet_xml(path: Path, number: int = 1) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


def _calamine_rows(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _hostile_workbook(tmp_path: Path) -> Path:
    workbook = new_workbook()
    add_table_sheet(workbook, "Providers", ["Provider"], [[text] for text in [*HOSTILE, "\rx"]])
    return save_atomically(workbook, tmp_path / "hostile.xlsx")


def test_formula_like_text_comes_back_as_the_same_text(tmp_path):
    path = _hostile_workbook(tmp_path)
    values = [row[0] for row in _calamine_rows(path, "Providers")[1:]]
    # A carriage return is stored as a line feed: XML readers normalise it anyway.
    assert values == [*HOSTILE, "\nx"]


def test_formula_like_text_is_never_a_formula_in_the_file(tmp_path):
    xml = _sheet_xml(_hostile_workbook(tmp_path))
    assert "<f>" not in xml and "<f " not in xml
    assert 'HYPERLINK("http://example.com","x")' in xml
    # Every data cell is a string cell with the quote-prefix style.
    cells = re.findall(r'<c r="A(\d+)"([^>]*)>', xml)
    assert len(cells) == len(HOSTILE) + 2
    assert all('t="inlineStr"' in attributes for _, attributes in cells)


def test_openpyxl_reads_back_text_not_formulas(tmp_path):
    sheet = openpyxl.load_workbook(_hostile_workbook(tmp_path)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s"] * (len(HOSTILE) + 1)
    assert all(cell.quotePrefix for cell in cells)
    assert cells[0].value == HOSTILE[0]


def test_safe_text_alone_protects_a_plainly_assigned_cell(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active["A1"].value = safe_text('=HYPERLINK("http://example.com","x")')
    workbook.active.append([safe_text("=2+2"), safe_text("plain")])
    path = tmp_path / "plain.xlsx"
    workbook.save(path)
    assert "<f>" not in _sheet_xml(path)
    assert _calamine_rows(path, "Sheet")[1] == ["=2+2", "plain"]


def test_harmless_text_stays_plain_and_control_characters_go():
    assert safe_text("Leeds Victim Care") == "Leeds Victim Care"
    assert isinstance(safe_text("Leeds Victim Care"), str)
    assert safe_text("bell\x07 and\x00 nul") == "bell and nul"
    assert safe_text(12) == "12"
    assert looks_like_formula("=A1") and looks_like_formula("#REF!") and not looks_like_formula("A=1")


def test_number_formats_frozen_header_filter_and_widths_read_back(tmp_path):
    workbook = new_workbook()
    rows = [
        ["Leeds Victim Care", 90793, 1234.5, 12.34, 0.123, dt.date(2023, 3, 31)],
        ["A much longer provider name for width", 5, 0, 1, Formatted(0.5, "0%"), None],
    ]
    headers = ["Provider", "Victims", "Spend", "Average", "Share", "Received"]
    formats = {"Victims": COUNT, "Spend": MONEY, 4: ONE_DECIMAL, "Share": PERCENT, "Received": DATE}
    add_table_sheet(workbook, "Returns", headers, rows, formats)
    path = save_atomically(workbook, tmp_path / "formats.xlsx")

    sheet = openpyxl.load_workbook(path)["Returns"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F3"
    assert [c.font.b for c in sheet[1]] == [True] * 6
    assert [c.number_format for c in sheet[2][1:6]] == [COUNT, MONEY, ONE_DECIMAL, PERCENT, DATE]
    assert sheet["E3"].number_format == "0%"
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width >= 8
    assert sheet.print_title_rows == "$1:$1"  # the header repeats on every printed page
    assert _calamine_rows(path, "Returns")[1][:3] == ["Leeds Victim Care", 90793, 1234.5]
    assert _calamine_rows(path, "Returns")[1][5] == dt.date(2023, 3, 31)


def test_intro_lines_sit_above_a_frozen_header(tmp_path):
    workbook = new_workbook()
    add_table_sheet(workbook, "Summary", ["Measure", "Total"], [["Victims", 1]], intro=["Title", "synthetic demo data"])
    path = save_atomically(workbook, tmp_path / "intro.xlsx")
    sheet = openpyxl.load_workbook(path)["Summary"]
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:B5"
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A4"].value] == ["Title", "synthetic demo data", "Measure"]


def test_an_unknown_format_column_is_a_mistake():
    with pytest.raises(ValueError, match="Nope"):
        add_table_sheet(new_workbook(), "X", ["A"], [], {"Nope": COUNT})


def test_properties_and_details_sheet(tmp_path):
    workbook = new_workbook()
    add_details_sheet(workbook, "About", [("Generated at", dt.datetime(2025, 4, 1, 9, 30)), ("Database", "=x")])
    set_properties(workbook, "Indicator pack", "Police and Crime Plan", "Commissioning Desk")
    path = save_atomically(workbook, tmp_path / "props.xlsx")
    loaded = openpyxl.load_workbook(path)
    assert (loaded.properties.title, loaded.properties.subject, loaded.properties.creator) == (
        "Indicator pack",
        "Police and Crime Plan",
        "Commissioning Desk",
    )
    assert _calamine_rows(path, "About") == [
        ["Generated at", dt.datetime(2025, 4, 1, 9, 30)],
        ["Database", "=x"],
    ]


def test_sheet_titles_are_made_valid():
    workbook = new_workbook()
    sheet = add_table_sheet(workbook, "Q1/Q2: [draft]? a very long sheet title indeed", ["A"], [])
    assert sheet.title == "Q1-Q2- -draft-- a very long she"


def test_write_cell_keeps_numbers_numbers():
    sheet = new_workbook().create_sheet("X")
    assert write_cell(sheet, 1, 1, 12).data_type == "n"
    assert write_cell(sheet, 1, 2, "-2").data_type == "s"
    with pytest.raises(ValueError):
        write_cell(sheet, 1, 3, float("nan"))


# ---------------------------------------------------------------- saving


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _old_file(tmp_path: Path) -> tuple[Path, bytes]:
    target = tmp_path / "return.xlsx"
    workbook = new_workbook()
    add_table_sheet(workbook, "Old", ["A"], [["old"]])
    save_atomically(workbook, target)
    return target, target.read_bytes()


def _new_workbook():
    workbook = new_workbook()
    add_table_sheet(workbook, "New", ["A"], [["new"]])
    return workbook


def test_saving_replaces_the_old_file_and_leaves_no_temporary_file(tmp_path):
    target, old = _old_file(tmp_path)
    assert save_atomically(_new_workbook(), target) == target
    assert target.read_bytes() != old
    assert _calamine_rows(target, "New") == [["A"], ["new"]]
    assert _leftovers(tmp_path) == []


def test_a_file_open_in_excel_is_refused_and_the_old_file_kept(tmp_path, monkeypatch):
    target, old = _old_file(tmp_path)

    def locked(source, destination):  # what Windows does while Excel has the file open
        raise PermissionError(13, "The process cannot access the file", str(destination))

    monkeypatch.setattr(writer.os, "replace", locked)
    with pytest.raises(WorkbookWriteError) as caught:
        save_atomically(_new_workbook(), target)
    assert str(target) in str(caught.value)
    assert "open in another program" in str(caught.value)
    assert target.read_bytes() == old
    assert _leftovers(tmp_path) == []


def test_a_folder_as_target_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "report.xlsx"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep")
    with pytest.raises(WorkbookWriteError, match="folder"):
        save_atomically(_new_workbook(), folder)
    assert (folder / "keep.txt").read_text() == "keep"
    assert _leftovers(tmp_path) == [] and _leftovers(folder) == []


def test_a_path_under_a_file_is_refused_naming_it(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    target = blocker / "pack.xlsx"
    with pytest.raises(WorkbookWriteError) as caught:
        save_atomically(_new_workbook(), target)
    assert str(target) in str(caught.value)
    assert blocker.read_text() == "x"
    assert _leftovers(tmp_path) == []


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(WorkbookWriteError, match="does not exist"):
        save_atomically(_new_workbook(), tmp_path / "nowhere" / "pack.xlsx")


def test_a_name_not_ending_in_xlsx_is_refused(tmp_path):
    with pytest.raises(WorkbookWriteError, match=r"\.xlsx"):
        save_atomically(_new_workbook(), tmp_path / "pack.xls")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_removes_the_temporary_file(tmp_path, monkeypatch):
    target, old = _old_file(tmp_path)
    workbook = _new_workbook()

    def disk_full(path):
        Path(path).write_bytes(b"PK half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook, "save", disk_full)
    with pytest.raises(WorkbookWriteError, match="No space left"):
        save_atomically(workbook, target)
    assert target.read_bytes() == old
    assert _leftovers(tmp_path) == []


def test_the_saved_file_is_readable_by_others_like_a_normal_save(tmp_path):
    target = save_atomically(_new_workbook(), tmp_path / "shared.xlsx")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_workbook_write_errors_are_value_errors_the_window_shows():
    from desktop_app.services.errors import REFUSALS

    assert issubclass(WorkbookWriteError, REFUSALS)
