"""Provider templates as a provider opens them, and as the import reads them back.

Also home of `fill_template`, which types figures into a template the way a provider does
(only into the cells left unlocked), used by the import and CLI tests.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from desktop_app.core.periods import Quarter
from desktop_app.excel.template_reader import TemplateRefused, read_template
from desktop_app.excel.template_writer import (
    HIDDEN_SHEET,
    INSTRUCTIONS_SHEET,
    TEMPLATE_VERSION,
    ProviderTemplate,
    TemplateMeasure,
    TemplateStrand,
    layout_checksum,
    template_file_name,
    write_template,
)
from tests.real_programs import libreoffice

Q1 = Quarter.parse("2023/24 Q1")
MEASURES = (
    TemplateMeasure("victims_supported", "Victims supported", "Count each person once per quarter."),
    TemplateMeasure("idva_da_supported", "Domestic abuse victims supported by IDVAs", "Of the victims supported... " * 20),
)
HOSTILE_NAME = '=HYPERLINK("http://example.com","click")'


def fill_template(
    path: Path, figures: Mapping[str, Mapping[str, object]], *, save_as: Path | None = None, force: bool = False
) -> Path:
    """Type `figures` ({sheet: {measure label: value}}) into the input cell beside each label and
    save, as a provider would in Excel. Refuses (AssertionError) to type into a locked cell
    unless `force` (a provider who lifted the protection)."""
    workbook = load_workbook(path)
    for sheet_name, by_label in figures.items():
        sheet = workbook[sheet_name]
        rows = {sheet.cell(row, 1).value: row for row in range(1, sheet.max_row + 1)}
        for label, value in by_label.items():
            cell = sheet.cell(rows[label], 2)
            assert force or (sheet.protection.sheet and cell.protection.locked is False), (sheet_name, label)
            cell.value = value
    target = save_as or path
    workbook.save(target)
    return target


def input_cells(path: Path) -> dict[str, dict[str, str]]:
    """{sheet: {label: address}} of the cells a provider can type in (unlocked, on a protected sheet)."""
    workbook = load_workbook(path)
    found: dict[str, dict[str, str]] = {}
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible" or not sheet.protection.sheet:
            continue
        for row in sheet.iter_rows():
            for cell in row:
                if cell.protection.locked is False:
                    found.setdefault(sheet.title, {})[sheet.cell(cell.row, 1).value] = cell.coordinate
    return found


def _template(*, provider: str = "Aire Valley Victim Support", locked: bool = False) -> ProviderTemplate:
    history = tuple((q.label, {"victims_supported": 100 + i}) for i, q in enumerate(_four_before(Q1)))
    return ProviderTemplate(
        provider_id=7,
        provider_name=provider,
        quarter=Q1,
        due_date=dt.date(2023, 7, 30),
        measures=MEASURES,
        strands=(
            TemplateStrand(1, "WY-001", "Bradford victim support hub", {"victims_supported": 120}, history, "Draft"),
            TemplateStrand(2, "WY-002", "Bradford IDVA", {}, (), "Not received yet", locked=locked),
        ),
    )


def _four_before(quarter: Quarter) -> list[Quarter]:
    found = [quarter.previous()]
    while len(found) < 4:
        found.append(found[-1].previous())
    return list(reversed(found))


@pytest.fixture
def template_path(tmp_path) -> Path:
    return write_template(_template(), tmp_path / template_file_name(Q1, "Aire Valley Victim Support"))


def test_file_names_are_what_an_officer_recognises_and_safe_on_every_system():
    assert template_file_name(Q1, "Aire Valley Victim Support") == "2023-24 Q1 - Aire Valley Victim Support.xlsx"
    assert template_file_name(Quarter.parse("2024/25 Q4"), 'A/B: "C"?') == "2024-25 Q4 - A-B- -C--.xlsx"
    assert template_file_name(Q1, "...hidden. ") == "2023-24 Q1 - hidden.xlsx"
    assert template_file_name(Q1, "") == "2023-24 Q1 - provider.xlsx"


def test_the_provider_sees_instructions_then_a_sheet_per_strand_and_not_the_record(template_path):
    workbook = load_workbook(template_path)
    assert workbook.sheetnames == [INSTRUCTIONS_SHEET, "WY-001", "WY-002", HIDDEN_SHEET]
    assert workbook[HIDDEN_SHEET].sheet_state == "veryHidden"
    assert workbook.security.lockStructure  # sheets cannot be renamed, added or unhidden
    instructions = " ".join(str(c) for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True) for c in row if c)
    assert "already hold figures for this quarter they are filled in" in instructions
    assert "blank is not the same as 0" in instructions and "30 Jul 2023" in instructions
    # An independent reader sees the strand sheet's facts, the prefilled figure and the history.
    rows = CalamineWorkbook.from_path(str(template_path)).get_sheet_by_name("WY-001").to_python()
    flat = [str(c) for row in rows for c in row]
    assert "Aire Valley Victim Support" in flat and "WY-001 Bradford victim support hub" in flat
    assert "2023/24 Q1 (Apr–Jun 2023)" in flat
    header = next(row for row in rows if row and str(row[0]).startswith("Measure"))
    assert header[0] == "Measure, and your figure for 2023/24 Q1"
    assert header[1:6] == ["", "2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4"]
    victims = next(row for row in rows if row and row[0] == "Victims supported")
    assert victims[1:6] == [120, 100, 101, 102, 103]
    # Version 4: a column for an outcome's rate sits between the history and the help.
    assert header[6:8] == ["Rate improved", "Help"]
    assert victims[7] == "Count each person once per quarter."


def test_only_the_input_cells_are_unlocked_and_each_takes_a_whole_number_with_messages(template_path):
    assert input_cells(template_path) == {
        "WY-001": {"Victims supported": "B11", "Domestic abuse victims supported by IDVAs": "B12"},
        "WY-002": {"Victims supported": "B11", "Domestic abuse victims supported by IDVAs": "B12"},
    }
    sheet = load_workbook(template_path)["WY-001"]
    assert sheet.protection.sheet and not sheet.protection.password  # protection is no secret
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert set(validations) == {"B11", "B12"}
    for validation in validations.values():
        assert (validation.type, validation.operator, validation.formula1) == ("whole", "greaterThanOrEqual", "0")
        assert validation.showInputMessage and validation.showErrorMessage and validation.allow_blank
        assert "whole number" in validation.prompt and "whole number" in validation.error
        assert len(validation.prompt) <= 255 and len(validation.promptTitle) <= 32  # Excel's limits


def test_no_input_column_holds_text_or_a_date_that_libreoffice_could_complete_a_figure_from(template_path):
    # LibreOffice's AutoInput completes a typed "3" from any text above it in the same column
    # (the due date, "30 Jul 2023"), so the input column holds nothing but figures.
    columns = {address.rstrip("0123456789") for cells in input_cells(template_path).values() for address in cells.values()}
    assert columns == {"B"}
    workbook = CalamineWorkbook.from_path(str(template_path))
    for sheet in ("WY-001", "WY-002"):
        column_b = [row[1] for row in workbook.get_sheet_by_name(sheet).to_python() if len(row) > 1]
        assert all(isinstance(value, (int, float)) or value == "" for value in column_b), (sheet, column_b)
    # The due date and the facts are still on the sheet, to the right of the input column.
    rows = workbook.get_sheet_by_name("WY-001").to_python()
    assert ["Please return by", "", "30 Jul 2023"] == rows[5][:3]
    assert rows[2][:3] == ["Provider", "", "Aire Valley Victim Support"]


def test_the_instructions_say_the_structure_lock_is_not_honoured_everywhere_and_how_to_save_from_libreoffice(
    template_path,
):
    rows = CalamineWorkbook.from_path(str(template_path)).get_sheet_by_name(INSTRUCTIONS_SHEET).to_python()
    text = " ".join(str(c) for row in rows for c in row)
    assert "Not every spreadsheet program honours the workbook's structure lock" in text
    assert "a checksum guards the layout" in text
    assert 'File › Save As…, file type "Excel 2007-365 (.xlsx)"' in text


def test_a_date_typed_in_an_input_cell_is_refused_naming_the_sheet_and_cell(template_path):
    # What Excel stores for "5 apr": a date serial under a date format.
    fill_template(
        template_path,
        {"WY-001": {"Victims supported": dt.date(2023, 4, 5)}, "WY-002": {"Victims supported": dt.time(0, 30)}},
    )
    filled = read_template(template_path)
    lines = [problem.line("f.xlsx") for problem in filled.problems]
    assert lines == [
        "f.xlsx, sheet WY-001, cell B11: holds a date (5 Apr 2023), not a count: type the number for "
        "Victims supported as a whole number",
        "f.xlsx, sheet WY-002, cell B11: holds a time (00:30), not a count: type the number for "
        "Victims supported as a whole number",
    ]
    assert filled.strands[0].values["victims_supported"] is None  # never read as 45,021


def test_a_number_under_a_date_format_is_refused_as_a_date(template_path):
    workbook = load_workbook(template_path)
    workbook["WY-001"]["B12"].number_format = "d-mmm"
    workbook["WY-001"]["B12"].value = 45021
    workbook.save(template_path)
    problem = read_template(template_path).problems[0]
    assert (problem.sheet, problem.cell) == ("WY-001", "B12")
    assert problem.message.startswith("holds a date (5 Apr 2023), not a count")


def test_a_template_sent_out_before_the_layout_changed_version_1_still_imports(template_path):
    # Providers hold version 1 templates for the quarter under way; the record names every cell.
    from desktop_app.excel.template_cells import TemplateCells
    from desktop_app.excel.template_reader import _hidden_record

    fill_template(template_path, {"WY-001": {"Victims supported": 131}})
    with TemplateCells(template_path) as cells:
        facts, layout = _hidden_record(cells)
    workbook = load_workbook(template_path)
    record = workbook[HIDDEN_SHEET]
    record["B2"] = 1
    record["B6"] = layout_checksum(1, facts["period"], facts["provider_id"], layout)
    workbook.save(template_path)
    filled = read_template(template_path)
    assert filled.version == 1 and filled.strands[0].values["victims_supported"] == 131


def test_a_locked_return_has_no_input_cells(tmp_path):
    path = write_template(_template(locked=True), tmp_path / "locked.xlsx")
    assert set(input_cells(path)) == {"WY-001"}
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("WY-002").to_python()
    assert any("This return is locked" in str(c) for row in rows for c in row)


def test_a_provider_name_that_looks_like_a_formula_is_written_and_read_as_text(tmp_path):
    path = write_template(_template(provider=HOSTILE_NAME), tmp_path / template_file_name(Q1, HOSTILE_NAME))
    assert path.name == "2023-24 Q1 - =HYPERLINK(-http---example.com-,-click-).xlsx"
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name
    assert read_template(path).provider_name == HOSTILE_NAME
    # Still the same text after a provider saves the workbook again.
    fill_template(path, {"WY-001": {"Victims supported": 5}})
    assert read_template(path).provider_name == HOSTILE_NAME


def test_the_reader_gives_back_what_the_provider_typed_by_measure_and_cell(template_path):
    fill_template(template_path, {"WY-001": {"Victims supported": 130}, "WY-002": {"Domestic abuse victims supported by IDVAs": 4}})
    filled = read_template(template_path)
    assert (filled.version, filled.period, filled.provider_id) == (TEMPLATE_VERSION, "2023/24 Q1", 7)
    first, second = filled.strands
    assert (first.strand_id, first.reference, first.sheet) == (1, "WY-001", "WY-001")
    assert first.values == {"victims_supported": 130, "idva_da_supported": None}
    assert second.values == {"victims_supported": None, "idva_da_supported": 4}
    assert first.cells == {"victims_supported": "B11", "idva_da_supported": "B12"}
    assert filled.problems == ()


def test_a_formula_in_an_input_cell_is_named_by_sheet_and_cell(template_path):
    fill_template(template_path, {"WY-002": {"Victims supported": "=SUM(C11:F11)"}})
    problem = read_template(template_path).problems[0]
    assert problem.line("f.xlsx") == "f.xlsx, sheet WY-002, cell B11: holds a formula; type the number itself"


def test_an_edited_label_is_refused_naming_the_cell(template_path):
    fill_template(template_path, {}, save_as=template_path)
    workbook = load_workbook(template_path)
    workbook["WY-001"]["A12"] = "IDVA cases"
    workbook.save(template_path)
    with pytest.raises(TemplateRefused) as refused:
        read_template(template_path)
    line = refused.value.problems[0].line("f.xlsx")
    assert line.startswith("f.xlsx, sheet WY-001, cell A12: the layout was edited")
    assert "'IDVA cases'" in line


def test_a_template_saved_again_by_libreoffice_still_imports(template_path, tmp_path):
    soffice = libreoffice()
    fill_template(template_path, {"WY-002": {"Victims supported": 17}})
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "saved"), str(template_path)],
        check=True, capture_output=True, timeout=180,
    )
    filled = read_template(tmp_path / "saved" / template_path.name)
    assert filled.strands[1].values == {"victims_supported": 17, "idva_da_supported": None}
    assert filled.strands[0].values["victims_supported"] == 120


def test_a_cleared_label_is_refused_saying_it_is_empty_never_that_it_reads_none(template_path):
    fill_template(template_path, {}, save_as=template_path)
    workbook = load_workbook(template_path)
    workbook["WY-001"]["A12"] = None
    workbook.save(template_path)
    with pytest.raises(TemplateRefused) as refused:
        read_template(template_path)
    line = refused.value.problems[0].line("f.xlsx")
    assert line.startswith("f.xlsx, sheet WY-001, cell A12: the layout was edited")
    assert "is empty" in line and "None" not in line
