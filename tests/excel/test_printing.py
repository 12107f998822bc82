"""Every workbook the program writes prints on A4, readably: checked in the file and on paper.

The settings are read back with openpyxl; then LibreOffice prints the year's MoJ return to PDF
and the pages are read as an officer would see them: A4, the sheet's name and "Page N of M" at
the foot, the header on every page of a long sheet, no text smaller than 8 pt.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.excel.print_setup import A4, MIN_SCALE, columns_px, print_scale, PORTRAIT_WIDTH_PX
import pymupdf

from desktop_app.services.export import ExportPeriod, write_moj_return
from desktop_app.services.indicators import export_indicator_pack, export_panel_pack
from desktop_app.services.templates import make_templates
from desktop_app.store.database import open_database
from tests.real_programs import libreoffice


A4_POINTS = (595, 842)  # 210 × 297 mm
SMALLEST_TEXT_PT = 7.9


@pytest.fixture(scope="module")
def workbooks(demo_template, tmp_path_factory) -> dict[str, Path]:
    """One of each kind of workbook the program writes, from a copy of the demo."""
    folder = tmp_path_factory.mktemp("printing")
    db_path = folder / "demo.sqlite"
    shutil.copyfile(demo_template, db_path)
    with open_database(db_path) as db:
        year = write_moj_return(db, ExportPeriod.parse("2022/23"), folder / "MoJ return 2022-23.xlsx").path
        half = write_moj_return(db, ExportPeriod.parse("2024/25 H1"), folder / "MoJ return 2024-25 H1.xlsx").path
        indicators = export_indicator_pack(db, folder / "indicator pack.xlsx")
        panel = export_panel_pack(db, folder / "panel pack.xlsx", FinancialYear(2024), "pcp-2024-28")
        template = make_templates(db, Quarter(FinancialYear(2024), 1), folder / "templates").paths[0]
    return {"year": year, "half": half, "indicators": indicators, "panel": panel, "template": template}


def _widths(sheet) -> list[float]:
    letters = [openpyxl.utils.get_column_letter(c) for c in range(1, sheet.max_column + 1)]
    return [sheet.column_dimensions[letter].width or 8.43 for letter in letters]


@pytest.mark.parametrize("kind", ["year", "half", "indicators", "panel", "template"])
def test_every_sheet_is_set_to_print_on_a4_one_page_wide_where_readable_with_page_numbers(workbooks, kind):
    book = openpyxl.load_workbook(workbooks[kind])
    visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    if kind == "half":
        assert {"Finance core", "Finance general"} <= {sheet.title for sheet in visible}
    for sheet in visible:
        setup = sheet.page_setup
        where = f"{workbooks[kind].name} › {sheet.title}"
        assert int(setup.paperSize) == A4, where
        assert setup.fitToHeight == 0, where  # as many pages long as it takes
        wide = columns_px(_widths(sheet)) > PORTRAIT_WIDTH_PX
        assert setup.orientation == ("landscape" if wide or sheet._charts else "portrait"), where
        assert sheet.oddFooter.left.text == "&A" and sheet.oddFooter.right.text == "Page &P of &N", where
        if print_scale(_widths(sheet)) >= MIN_SCALE:
            # One page wide, which never shrinks 11 pt text below 8.8 pt.
            assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1, where
        else:
            # Too many columns for that: pages across at 80 %, the naming columns on each page.
            assert not sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert int(setup.scale) >= MIN_SCALE * 100, where
            assert sheet.print_title_cols and sheet.print_title_cols.startswith("$A:"), where
        if sheet.freeze_panes:  # a table: its header row repeats on every page
            header = sheet[sheet.freeze_panes].row - 1
            assert sheet.print_title_rows == f"${header}:${header}", where


def test_a_two_line_header_gets_a_row_tall_enough_to_show_both_lines(workbooks):
    sheet = openpyxl.load_workbook(workbooks["year"])["Returns"]
    header = sheet[sheet.freeze_panes].row - 1
    assert sheet.cell(header, 1).alignment.wrap_text
    assert sheet.row_dimensions[header].height >= 2 * 15


def test_long_names_wrap_in_narrowed_columns_instead_of_being_cut(workbooks):
    sheet = openpyxl.load_workbook(workbooks["year"])["Returns"]
    header = sheet[sheet.freeze_panes].row - 1
    headings = [cell.value for cell in sheet[header]]
    column = headings.index("Strand") + 1
    width = sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width
    long_names = [
        row for row in range(header + 1, sheet.max_row + 1)
        if len(str(sheet.cell(row, column).value or "")) > width
    ]
    assert long_names, "the demo has strand names longer than the column"
    for row in long_names:
        assert sheet.cell(row, column).alignment.wrap_text
        assert sheet.row_dimensions[row].height >= 2 * 15


def _pdf(workbook: Path, folder: Path) -> Path:
    soffice = libreoffice()
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile",
         "--convert-to", "pdf", "--outdir", str(folder), str(workbook)],
        check=True, capture_output=True, timeout=300,
    )
    return folder / f"{workbook.stem}.pdf"


def _sheet_of(page) -> tuple[str, int, int]:
    """The footer of a printed page: the sheet's name and "Page N of M"."""
    lines = [line.strip() for line in page.get_text().splitlines() if line.strip()]
    numbers = next(re.fullmatch(r"Page (\d+) of (\d+)", line) for line in lines if line.startswith("Page "))
    name = lines[lines.index(numbers.group(0)) - 1]
    return name, int(numbers.group(1)), int(numbers.group(2))


def test_the_years_return_printed_by_libreoffice_is_a4_with_footers_repeated_headers_and_readable_text(
    workbooks, tmp_path
):
    pdf = pymupdf.open(_pdf(workbooks["year"], tmp_path))
    pages = list(pdf)
    assert all(sorted((round(p.rect.width), round(p.rect.height))) == list(A4_POINTS) for p in pages)
    footers = [_sheet_of(page) for page in pages]
    assert [number for _, number, _ in footers] == list(range(1, len(pages) + 1))
    assert {total for _, _, total in footers} == {len(pages)}
    book = openpyxl.load_workbook(workbooks["year"], read_only=True)
    assert {name for name, _, _ in footers} == set(book.sheetnames)
    # Every page of the long Returns sheet starts with its header row and, on the pages across
    # that its many measures need, with the columns naming each row.
    returns = [page for page, (name, _, _) in zip(pages, footers) if name == "Returns"]
    assert len(returns) > 1
    assert all({"Strand ref", "Quarter"} <= set(page.get_text().splitlines()) for page in returns)
    assert any("Received" in page.get_text().splitlines() for page in returns)
    # The Strands sheet keeps every column on one page's width: one page across, not three.
    strands = [page for page, (name, _, _) in zip(pages, footers) if name == "Strands"]
    assert all("Allocation" in page.get_text() or "allocation" in page.get_text() for page in strands)
    sizes = [
        span["size"]
        for page in pages
        for block in page.get_text("dict")["blocks"]
        for line in block.get("lines", [])
        for span in line["spans"]
        if span["text"].strip()
    ]
    assert min(sizes) >= SMALLEST_TEXT_PT
