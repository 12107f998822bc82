"""The demo's 2022/23 MoJ return workbook, read back with independent readers."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import subprocess
from collections import Counter, defaultdict

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from desktop_app.excel.moj_return import DATA_HEADERS, DEMO_WORDS, SHEET_NAMES
from desktop_app.excel.writer import COUNT, MONEY
from desktop_app.services.export import ExportPeriod, write_moj_return
from desktop_app.store.database import open_database
from desktop_app.store.models import Provider
from tests.published import PUBLISHED_2022_23
from tests.real_programs import libreoffice

INJECTION = '=HYPERLINK("http://example.com","x")'


@pytest.fixture(scope="module")
def year_workbook(demo_template, tmp_path_factory):
    """The 2022/23 workbook of a demo copy, written once for this module's read-only checks."""
    folder = tmp_path_factory.mktemp("moj")
    db_path = folder / "demo.sqlite"
    shutil.copyfile(demo_template, db_path)
    with open_database(db_path) as db:
        result = write_moj_return(db, ExportPeriod.parse("2022/23"), folder / "MoJ return 2022-23.xlsx")
    return result, CalamineWorkbook.from_path(str(result.path)), db_path


def _table(book: CalamineWorkbook, sheet: str, first_header: str) -> tuple[list, list[list]]:
    rows = book.get_sheet_by_name(sheet).to_python()
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return rows[start], [row for row in rows[start + 1 :] if any(cell != "" for cell in row)]


def _labels(db_path) -> dict[str, str]:
    with sqlite3.connect(db_path) as connection:
        return dict(connection.execute("SELECT label, key FROM measure"))


def _summary_totals(book: CalamineWorkbook, db_path) -> dict[str, int]:
    # The measures' table is the first on the sheet; the outcomes and breakdowns follow a blank row.
    rows = book.get_sheet_by_name("Summary").to_python()
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Measure")
    end = next((i for i in range(start + 1, len(rows)) if not any(cell != "" for cell in rows[i])), len(rows))
    keys = _labels(db_path)
    return {keys[row[0]]: int(row[1]) for row in rows[start + 1 : end]}


def test_the_workbook_has_its_eight_sheets_in_order(year_workbook):
    _, book, _ = year_workbook
    assert book.sheet_names == list(SHEET_NAMES)


def test_summary_totals_equal_the_published_yearly_table(year_workbook):
    result, book, db_path = year_workbook
    # The published seven exactly; the catalogue's other measures beside them.
    summary = _summary_totals(book, db_path)
    assert {key: summary[key] for key in PUBLISHED_2022_23} == PUBLISHED_2022_23
    assert {key: result.totals[key] for key in PUBLISHED_2022_23} == PUBLISHED_2022_23


def test_summary_header_names_the_period_and_says_the_figures_are_synthetic(year_workbook):
    _, book, _ = year_workbook
    lines = [row[0] for row in book.get_sheet_by_name("Summary").to_python()[:8]]
    assert lines[0] == "MoJ victims' services return 2022/23"
    assert "Period: 2022/23 (1 Apr 2022 to 31 Mar 2023)" in lines
    assert any(line.startswith("Generated ") for line in lines)
    assert "Totals count 276 returns, all verified or locked." in lines
    assert DEMO_WORDS in lines


def test_the_data_sheet_summed_by_measure_equals_the_summary(year_workbook):
    _, book, db_path = year_workbook
    header, rows = _table(book, "Data", "financial_year")
    sums: dict[str, int] = defaultdict(int)
    for row in rows:
        item = dict(zip(header, row))
        sums[item["measure_key"]] += int(item["value"])
    assert dict(sums) == _summary_totals(book, db_path)


def test_data_is_tidy_with_exactly_the_agreed_columns_from_a1(year_workbook):
    _, book, _ = year_workbook
    rows = book.get_sheet_by_name("Data").to_python()
    assert tuple(rows[0]) == DATA_HEADERS
    assert {row[0] for row in rows[1:]} == {"2022/23"}
    assert {row[1] for row in rows[1:]} == {"Q1", "Q2", "Q3", "Q4"}


def test_data_has_one_row_per_strand_quarter_and_reported_measure(year_workbook):
    _, book, db_path = year_workbook
    _, rows = _table(book, "Data", "financial_year")
    with sqlite3.connect(db_path) as connection:
        expected = Counter(
            connection.execute(
                """SELECT s.reference, 'Q' || p.quarter, m.key FROM return_value v
                   JOIN "return" r ON r.id = v.return_id JOIN return_period p ON p.id = r.period_id
                   JOIN strand s ON s.id = r.strand_id JOIN measure m ON m.id = v.measure_id
                   WHERE p.financial_year = 2022 AND r.status IN ('verified', 'locked')"""
            ).fetchall()
        )
    found = Counter((row[3], row[1], row[5]) for row in rows)
    assert found == expected
    assert max(found.values()) == 1


def test_returns_and_completeness_cover_every_strand_and_quarter(year_workbook):
    _, book, _ = year_workbook
    header, returns = _table(book, "Returns", "Provider")
    assert header[:7] == ["Provider", "Strand ref", "Strand", "Quarter", "Status", "Counted", "Received"]
    assert "Victims supported" in header and "Supported by restorative justice" in header
    assert len(returns) == 276
    assert {row[4] for row in returns} == {"Locked"}
    header, matrix = _table(book, "Completeness", "Provider")
    assert header[3:] == ["2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4"]
    states = Counter(state for row in matrix for state in row[3:])
    assert states["Locked"] == 276


def test_strands_show_allocations_in_pounds_from_pence(year_workbook):
    _, book, db_path = year_workbook
    header, rows = _table(book, "Strands", "Strand ref")
    assert "Allocation 2022/23" in header
    column = header.index("Allocation 2022/23")
    with sqlite3.connect(db_path) as connection:
        pence = dict(
            connection.execute(
                "SELECT s.reference, a.amount_pence FROM allocation a JOIN strand s ON s.id = a.strand_id "
                "WHERE a.financial_year = 2022"
            )
        )
    shown = {row[0]: row[column] for row in rows if row[column] != ""}
    assert shown == pytest.approx({ref: amount / 100 for ref, amount in pence.items()})


def test_indicators_and_notes_carry_what_the_officer_recorded(year_workbook):
    _, book, db_path = year_workbook
    header, indicators = _table(book, "Indicators", "Priority")
    assert len(indicators) == 29 and "Status" in header and "Baseline" in header
    _, notes = _table(book, "Notes", "Provider")
    with sqlite3.connect(db_path) as connection:
        stored = [
            text
            for (text,) in connection.execute(
                """SELECT r.notes FROM "return" r JOIN return_period p ON p.id = r.period_id
                   WHERE p.financial_year = 2022 AND r.notes != ''
                   UNION ALL
                   SELECT v.note FROM return_value v JOIN "return" r ON r.id = v.return_id
                   JOIN return_period p ON p.id = r.period_id
                   WHERE p.financial_year = 2022 AND v.note IS NOT NULL"""
            )
        ]
    assert stored and sorted(row[6] for row in notes) == sorted(stored)


def test_formats_frozen_headers_filters_and_properties_as_excel_sees_them(year_workbook):
    result, _, _ = year_workbook
    book = openpyxl.load_workbook(result.path)
    summary = book["Summary"]
    header_row = next(row for row in range(1, 20) if summary.cell(row, 1).value == "Measure")
    assert summary.cell(header_row + 1, 2).number_format == COUNT
    assert summary.freeze_panes == f"A{header_row + 1}"
    assert summary.auto_filter.ref.startswith(f"A{header_row}:")
    assert summary.cell(header_row, 1).font.bold
    strands = book["Strands"]
    strand_header = next(row for row in range(1, 10) if strands.cell(row, 1).value == "Strand ref")
    allocation = next(c.column for c in strands[strand_header] if c.value == "Allocation 2022/23")
    assert strands.cell(strand_header + 1, allocation).number_format == MONEY
    assert book["Data"].freeze_panes == "A2"
    assert book["Data"].auto_filter.ref.startswith("A1:J")  # ... breakdown, category, value
    assert book["Data"].column_dimensions["C"].width >= 20
    assert book.properties.title == "MoJ victims' services return 2022/23"
    assert "2022/23" in book.properties.subject
    assert book.properties.creator == "Commissioning Desk"


def test_a_provider_named_like_a_formula_comes_back_as_text_never_a_formula(demo_db, tmp_path):
    with demo_db.transaction() as session:
        provider = session.scalars(select(Provider).order_by(Provider.name)).first()
        provider.name = INJECTION
    path = write_moj_return(demo_db, ExportPeriod.parse("2022/23"), tmp_path / "injected.xlsx").path
    book = CalamineWorkbook.from_path(str(path))
    for sheet, first in (("Providers", "Provider"), ("Returns", "Provider")):
        header, rows = _table(book, sheet, first)
        assert INJECTION in [row[header.index("Provider")] for row in rows]
    assert INJECTION in [row[2] for row in book.get_sheet_by_name("Data").to_python()]
    loaded = openpyxl.load_workbook(path)
    cells = [cell for sheet in loaded for row in sheet.iter_rows() for cell in row if cell.value == INJECTION]
    assert len(cells) > 3
    assert all(cell.data_type != "f" for cell in cells)
    assert not any(cell.data_type == "f" for sheet in loaded for row in sheet.iter_rows() for cell in row)


def test_libreoffice_reads_the_same_summary(year_workbook, tmp_path):
    soffice = libreoffice()
    result, _, db_path = year_workbook
    copy = tmp_path / "summary.xlsx"
    shutil.copyfile(result.path, copy)
    # CSV holds one sheet: LibreOffice converts the first, which is Summary.
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "csv", "--outdir", str(tmp_path), str(copy)],
        check=True, capture_output=True, timeout=180,
    )
    with open(tmp_path / "summary.csv", newline="", encoding="utf-8", errors="replace") as handle:
        rows = list(csv.reader(handle))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Measure")
    keys = _labels(db_path)
    end = next((i for i in range(start + 1, len(rows)) if not any(rows[i])), len(rows))
    totals = {keys[row[0]]: int(row[1].replace(",", "")) for row in rows[start + 1 : end]}
    assert {key: totals[key] for key in PUBLISHED_2022_23} == PUBLISHED_2022_23


def test_real_data_has_no_demo_words_and_an_empty_notes_sheet_says_so(tmp_path):
    import datetime as dt

    from desktop_app.excel.moj_return import (
        MojCompleteness,
        MojDataRow,
        MojMeasure,
        MojReturn,
        MojReturnData,
        MojStrand,
    )
    from desktop_app.excel.moj_return_sheets import write_moj_return_workbook

    data = MojReturnData(
        period_label="2030/31 Q1", period_start=dt.date(2030, 4, 1), period_end=dt.date(2030, 6, 30),
        financial_year="2030/31", quarter_labels=("2030/31 Q1",), generated_at=dt.datetime(2030, 7, 31, 9, 0),
        is_demo=False, include_unverified=False, measures=(MojMeasure("victims_supported", "Victims supported", 12),),
        returns_counted=1, returns_unverified=0, returns_missing=1, rule_breaches=0, providers=(),
        strands=(MojStrand("WY-1", "Hub", "-Tab\tname", "Grant", "General", "Grant", dt.date(2030, 4, 1), None,
                           {"2030/31": 1_234_567}),),
        allocation_years=("2030/31",),
        returns=(MojReturn("-Tab\tname", "WY-1", "Hub", "Q1", "Verified", True, None, {"victims_supported": 12}),),
        completeness=(MojCompleteness("-Tab\tname", "WY-1", "Hub", ("verified",)),
                      MojCompleteness("+Other", "WY-2", "Outreach", ("overdue",))),
        indicators=(),
        data_rows=(MojDataRow("2030/31", "Q1", "-Tab\tname", "WY-1", "Hub", "victims_supported", "Victims supported", 12),),
        notes=(),
    )
    path = write_moj_return_workbook(data, tmp_path / "real.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    everything = [cell for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for cell in row]
    assert DEMO_WORDS not in everything
    assert "1 return for the period has not been received." in everything
    assert "No notes were left on the period's returns." in everything
    assert "Overdue" in everything and "-Tab\tname" in everything and "+Other" in everything
    header, rows = _table(book, "Strands", "Strand ref")
    assert rows[0][header.index("Allocation 2030/31")] == pytest.approx(12_345.67)
    loaded = openpyxl.load_workbook(path)
    assert not any(cell.data_type == "f" for sheet in loaded for row in sheet.iter_rows() for cell in row)
    assert loaded.properties.description is None
