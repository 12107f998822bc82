"""A provider's return template: one workbook per provider and quarter, to fill and send back.

Sheets, in order: **Instructions** (what to do, the strands and the date the return is due),
then one sheet per strand, titled with its reference, and a very hidden **Template** sheet that
the import reads. A strand's sheet shows the provider, strand and period (locked), then one row
per measure the quarter asks for: its label, the input cell (yellow, the only unlocked cells,
whole number ≥ 0 by data validation with an input and an error message), the strand's last four
quarters for reference, an outcome's rate (improved / measured, a formula: shown, never stored)
and the measure's help text. Under the measures, a block per breakdown of each measure (sex, age
band...): a heading row, then one row per category with its label in A and its input cell in B,
and beside the first category what the categories add up to, the measure's total and what is
still to count (formulas; the import checks the sum itself, through the validation engine).

The input cells have a column to themselves that holds no text at all: LibreOffice's AutoInput
completes what is typed from the text above it in the same column, so a `3` typed under the due
date became "30 Apr 2025". The facts and the due date sit to the right of it, and the table's
header spans the label and input columns from the label's cell. The input cells keep the General
number format, so a date typed into one (`5 apr`, `3-4`) is stored with a date format, which the
import sees and refuses; under `#,##0` LibreOffice keeps that format and the date reads as a count.

The figures already held for the quarter are filled in, so a provider corrects rather than
retypes, and the instructions say so. A locked return's cells stay locked: the import never
changes it.

Sheet and workbook protection have no password. They stop accidental edits; they are not
security, and anyone can lift them from the Review tab (LibreOffice does not honour the
structure lock at all: Show Sheet reveals the hidden sheet). What guards the import is the hidden
sheet's layout record — template version, period, provider, and every sheet's fixed cells and
measure rows (key, label, cells) — and its SHA-256 checksum: the import refuses a file whose
record does not match its checksum or whose visible labels no longer match the record. The
record also holds the checksum of what the catalogue asked for (measure keys, breakdown and
category keys): a template made before a measure was added or retired is refused on import.

Written through `excel.writer`, so every name and label is formula-safe text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.core.names import safe_for_file_name
from desktop_app.core.periods import Quarter
from desktop_app.core.wording import format_date
from desktop_app.excel.writer import (
    COUNT,
    LABEL_FONT,
    TITLE_FONT,
    new_workbook,
    safe_text,
    prepare_for_print,
    save_atomically,
    set_properties,
    sheet_title,
    write_cell,
)

__all__ = [
    "BREAKDOWN_KEY_SEPARATOR",
    "FACT_KEYS",
    "HIDDEN_SHEET",
    "INSTRUCTIONS_SHEET",
    "MARKER",
    "TEMPLATE_VERSION",
    "LayoutRow",
    "ProviderTemplate",
    "TemplateBreakdown",
    "TemplateMeasure",
    "TemplateStrand",
    "breakdown_key",
    "catalogue_checksum",
    "layout_checksum",
    "template_file_name",
    "write_template",
]

# Raised whenever the layout or the hidden record changes shape; the import refuses other versions.
# 2: nothing but input cells in the input column (see the module docstring).
# 3: a Spend sheet with the strands' claims (`template_spend`).
# 4: a block per breakdown under the measures, a rate column for the outcomes, and the
#    catalogue's checksum in the record (a template made before a measure was added is refused).
TEMPLATE_VERSION = 4
MARKER = "Commissioning Desk provider return template"
INSTRUCTIONS_SHEET = "Instructions"
HIDDEN_SHEET = "Template"

# Fixed cells of each strand sheet, recorded in the layout under these keys (never measure keys,
# which are lower-case identifiers).
FACT_KEYS = ("@provider", "@strand", "@period")
# A fixed cell's key starts with this (the facts, and each breakdown block's heading).
FIXED_KEY_PREFIX = "@"
# A breakdown category's row: `<measure>/<breakdown>/<category>` (keys are identifiers, never "/").
BREAKDOWN_KEY_SEPARATOR = "/"
_FACT_ROWS = {"@provider": 3, "@strand": 4, "@period": 5}
_FACT_WORDS = {"@provider": "Provider", "@strand": "Strand", "@period": "Period"}
_DUE_ROW, _NOTE_ROW, _HEADER_ROW = 6, 8, 10
_FIRST_MEASURE_ROW = _HEADER_ROW + 1
LABEL_COLUMN, INPUT_COLUMN, FIRST_HISTORY_COLUMN, HISTORY_COLUMNS = 1, 2, 3, 4
# An outcome's rate (improved / measured), worked out by a formula: shown, never stored.
RATE_COLUMN = FIRST_HISTORY_COLUMN + HISTORY_COLUMNS
HELP_COLUMN = RATE_COLUMN + 1
# A breakdown block's sums, in the history columns beside its first category.
_ADDED_COLUMN, _TOTAL_COLUMN, _LEFT_COLUMN = FIRST_HISTORY_COLUMN, FIRST_HISTORY_COLUMN + 1, FIRST_HISTORY_COLUMN + 2
# The facts and the due date: right of the input column, never in it (AutoInput).
FACT_COLUMN = FIRST_HISTORY_COLUMN
_FACT_LETTER = get_column_letter(FACT_COLUMN)
# Excel's and LibreOffice's default format: a date typed over it brings its own (see above).
INPUT_FORMAT = "General"

# The hidden sheet: a few facts, then one layout row per fixed cell and measure.
HIDDEN_LAYOUT_HEADER = ("sheet", "strand_id", "strand_reference", "key", "label_cell", "label", "input_cell")
HIDDEN_FIRST_LAYOUT_ROW = 9
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0%"

# Excel refuses a workbook whose validation messages are longer than these.
_PROMPT_MAX, _PROMPT_TITLE_MAX, _ERROR_MAX = 255, 32, 225

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
LOCKED_INPUT_FILL = PatternFill("solid", fgColor="E7E6E6")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")
NOTE_FONT = Font(name="Calibri", italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")

# Characters no file name may hold on Windows, macOS or Linux, and control characters.
_UNSAFE_IN_FILE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_FILE_NAME_MAX = 150


@dataclass(frozen=True)
class TemplateBreakdown:
    """A list of categories a measure's total is broken down by: (key, label as shown) each."""

    key: str
    label: str
    categories: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TemplateMeasure:
    """One measure the quarter asks for, as the provider reads it.

    `breakdowns`: the blocks under the measures its total is broken down in. `rate_of`: for an
    outcome's "improved" count, the key of its "measured" count (the rate shown beside it)."""

    key: str
    label: str
    help_text: str
    breakdowns: tuple[TemplateBreakdown, ...] = ()
    rate_of: str | None = None


def breakdown_key(measure: str, breakdown: str, category: str) -> str:
    """The layout record's key of one category's row."""
    return BREAKDOWN_KEY_SEPARATOR.join((measure, breakdown, category))


def catalogue_checksum(measures: Sequence[TemplateMeasure]) -> str:
    """SHA-256 (hex) of what the quarter asks for: each measure's key and its breakdowns'
    category keys. Labels are left out: the reference data may reword them freely."""
    shape = [[m.key, [[b.key, [key for key, _ in b.categories]] for b in m.breakdowns]] for m in measures]
    return hashlib.sha256(json.dumps(shape, separators=(",", ":")).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TemplateStrand:
    """One strand's sheet: who it is, what is held for the quarter, and its recent history.

    `values`: the figures already held for the quarter (prefilled). `history`: (quarter label,
    figures) for the four quarters before, oldest first. `locked`: the return was sent to the
    MoJ, so its cells stay locked.
    """

    strand_id: int
    reference: str
    name: str
    values: Mapping[str, int] = field(default_factory=dict)
    history: tuple[tuple[str, Mapping[str, int]], ...] = ()
    # The breakdown figures held, (measure, breakdown, category) → count, to prefill the blocks.
    breakdowns: Mapping[tuple[str, str, str], int] = field(default_factory=dict)
    status: str = ""  # how the return stands, in the provider's words
    locked: bool = False
    # The quarter's claim held, to prefill the Spend sheet: category key → pence, and the forecast.
    spend: Mapping[str, int] = field(default_factory=dict)
    forecast_pence: int | None = None


@dataclass(frozen=True)
class ProviderTemplate:
    """Everything one provider's workbook holds."""

    provider_id: int
    provider_name: str
    quarter: Quarter
    due_date: dt.date
    measures: tuple[TemplateMeasure, ...]
    strands: tuple[TemplateStrand, ...]
    # Expenditure categories (`template_spend.TemplateCategory`) of the Spend sheet; none: no sheet.
    categories: tuple = ()


@dataclass(frozen=True)
class LayoutRow:
    """One row of the hidden layout record: a fixed cell (key in `FACT_KEYS`, no input cell) or
    a measure's label cell and input cell."""

    sheet: str
    strand_id: int
    strand_reference: str
    key: str
    label_cell: str
    label: str
    input_cell: str = ""

    def as_tuple(self) -> tuple[object, ...]:
        return (self.sheet, self.strand_id, self.strand_reference, self.key, self.label_cell, self.label, self.input_cell)


def layout_checksum(
    version: object, period: object, provider_id: object, rows: Sequence[LayoutRow], catalogue: object = None
) -> str:
    """SHA-256 (hex) of the template's layout: version, period, provider, every layout row and
    (from version 4) the catalogue's checksum.

    Written beside the record and recomputed on import, so an edited record is noticed."""
    head = [version, period, provider_id] if catalogue is None else [version, period, provider_id, catalogue]
    payload = json.dumps(
        [*head, [row.as_tuple() for row in rows]],
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def template_file_name(quarter: Quarter, provider_name: str) -> str:
    """`2023-24 Q1 - <provider>.xlsx`, safe on every file system (no `/`, `:`, `?`...)."""
    # Never a control, bidirectional or invisible character: U+202E once reversed a file name.
    cleaned = _UNSAFE_IN_FILE_NAME.sub("-", safe_for_file_name(provider_name))
    # Windows drops trailing dots and spaces; a leading dot hides the file on Linux and macOS.
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .") or "provider"
    year = quarter.year.label.replace("/", "-")
    return f"{year} Q{quarter.number} - {cleaned[:_FILE_NAME_MAX]}.xlsx"


def _text(value: object) -> str:
    # What a cell holding `value` reads back as: the same text the writer stores.
    return str(safe_text(value))


def _period_words(quarter: Quarter) -> str:
    return f"{quarter.label} ({quarter.months_label} {quarter.start.year})"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sheet_titles(strands: Sequence[TemplateStrand]) -> list[str]:
    """A unique title per strand (its reference), never clashing with the fixed sheets."""
    taken = {INSTRUCTIONS_SHEET.lower(), HIDDEN_SHEET.lower(), "spend"}  # template_spend.SPEND_SHEET
    titles = []
    for strand in strands:
        base = sheet_title(strand.reference)
        title, number = base, 2
        while title.lower() in taken:
            suffix = f" ({number})"
            title, number = base[: 31 - len(suffix)] + suffix, number + 1
        taken.add(title.lower())
        titles.append(title)
    return titles


@dataclass(frozen=True)
class _Block:
    """Where one breakdown's block sits on a strand sheet: its heading row, then a row per category."""

    measure: TemplateMeasure
    breakdown: TemplateBreakdown
    heading_row: int
    total_row: int  # the measure's own row, whose input cell is the total

    @property
    def first_row(self) -> int:
        return self.heading_row + 1

    @property
    def last_row(self) -> int:
        return self.heading_row + len(self.breakdown.categories)

    @property
    def heading(self) -> str:
        return f"{self.measure.label} by {self.breakdown.label.lower()}"


def _blocks(measures: Sequence[TemplateMeasure]) -> list[_Block]:
    """The breakdown blocks, under the measures with a blank row before each."""
    blocks: list[_Block] = []
    row = _FIRST_MEASURE_ROW + len(measures) + 1
    for offset, measure in enumerate(measures):
        for breakdown in measure.breakdowns:
            blocks.append(_Block(measure, breakdown, row, _FIRST_MEASURE_ROW + offset))
            row += len(breakdown.categories) + 2
    return blocks


def _layout(template: ProviderTemplate, titles: Sequence[str]) -> list[LayoutRow]:
    rows: list[LayoutRow] = []
    facts = {
        "@provider": template.provider_name,
        "@period": _period_words(template.quarter),
    }
    for strand, title in zip(template.strands, titles, strict=True):
        texts = dict(facts, **{"@strand": f"{strand.reference} {strand.name}"})
        for key in FACT_KEYS:
            cell = f"{_FACT_LETTER}{_FACT_ROWS[key]}"
            rows.append(LayoutRow(title, strand.strand_id, strand.reference, key, cell, _text(texts[key])))
        for offset, measure in enumerate(template.measures):
            row = _FIRST_MEASURE_ROW + offset
            rows.append(
                LayoutRow(
                    title, strand.strand_id, strand.reference, measure.key, f"A{row}", _text(measure.label), f"B{row}"
                )
            )
        for block in _blocks(template.measures):
            m, b = block.measure.key, block.breakdown.key
            rows.append(
                LayoutRow(title, strand.strand_id, strand.reference, f"{FIXED_KEY_PREFIX}{m}{BREAKDOWN_KEY_SEPARATOR}{b}",
                          f"A{block.heading_row}", _text(block.heading))
            )
            for row, (category, label) in enumerate(block.breakdown.categories, start=block.first_row):
                rows.append(
                    LayoutRow(title, strand.strand_id, strand.reference, breakdown_key(m, b, category),
                              f"A{row}", _text(label), f"B{row}")
                )
    return rows


def _header(worksheet: Worksheet, row: int, headings: Sequence[str | None]) -> None:
    for column, heading in enumerate(headings, start=1):
        cell = write_cell(worksheet, row, column, heading, font=HEADER_FONT)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _instructions(workbook, template: ProviderTemplate, titles: Sequence[str]) -> None:
    sheet = workbook.create_sheet(INSTRUCTIONS_SHEET)
    quarter = template.quarter
    write_cell(sheet, 1, 1, f"Quarterly return: {_period_words(quarter)}", font=TITLE_FONT)
    write_cell(sheet, 3, 1, "Provider", font=LABEL_FONT)
    write_cell(sheet, 3, 2, template.provider_name)
    write_cell(sheet, 4, 1, "Please return by", font=LABEL_FONT)
    write_cell(sheet, 4, 2, format_date(template.due_date))
    steps = (
        "How to fill in this workbook",
        "1. There is one sheet for each of your strands, named by its reference (listed below).",
        "2. Type each figure for the quarter in its yellow cell: a whole number of 0 or more. "
        "Leave a cell blank if you did not collect that measure (blank is not the same as 0).",
        "3. Where we already hold figures for this quarter they are filled in: check them and "
        "correct any that are wrong rather than typing them all again.",
        "4. Your last four quarters are shown beside each cell for reference. A figure very different "
        "from them will be queried, so say why in your covering email.",
        "5. Type numbers only: no formulas, text, fractions or negative numbers.",
        "6. The rest of each sheet is protected (no password) so the layout stays as our import "
        "expects. Do not unprotect it, insert or delete rows, rename sheets or change any label, "
        "or the file will be refused.",
        "7. Not every spreadsheet program honours the workbook's structure lock (LibreOffice lets the "
        "hidden sheet be shown and sheets be moved). It is only a convenience: a checksum guards the "
        "layout, and a file whose layout was changed is refused.",
        "8. Save it as an Excel workbook (.xlsx, not .xls, .xlsm, .csv or .ods) and email it back to "
        "the commissioning team. Keeping the file name helps us. In LibreOffice Calc: File › Save "
        'As…, file type "Excel 2007-365 (.xlsx)", then "Use Excel 2007-365!".',
    )
    for offset, line in enumerate(steps):
        cell = write_cell(sheet, 6 + offset, 1, line, font=LABEL_FONT if offset == 0 else None)
        cell.alignment = WRAP
        sheet.merge_cells(start_row=6 + offset, start_column=1, end_row=6 + offset, end_column=3)
    first = 6 + len(steps) + 1
    _header(sheet, first, ("Sheet", "Strand", "Status"))
    for offset, (strand, title) in enumerate(zip(template.strands, titles, strict=True), start=1):
        write_cell(sheet, first + offset, 1, title)
        write_cell(sheet, first + offset, 2, strand.name)
        write_cell(sheet, first + offset, 3, strand.status)
    for letter, width in (("A", 28), ("B", 60), ("C", 40)):
        sheet.column_dimensions[letter].width = width
    for row in range(6, 6 + len(steps)):
        sheet.row_dimensions[row].height = 32
    sheet.protection.sheet = True


def _validation(label: str, help_text: str) -> DataValidation:
    return DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=True,
        promptTitle=_clip(label, _PROMPT_TITLE_MAX),
        prompt=_clip(
            f"A whole number of 0 or more; blank if not collected. {help_text}".strip(), _PROMPT_MAX
        ),
        errorTitle="Whole number needed",
        error=_clip(
            f"{label}: type a whole number of 0 or more (no text, fraction or minus sign), "
            "or leave the cell blank if it was not collected.",
            _ERROR_MAX,
        ),
    )


def _rate(sheet: Worksheet, row: int, measured_row: int) -> None:
    """The outcome's rate as a formula: blank until both counts are there and measured is above 0."""
    improved, measured = f"B{row}", f"B{measured_row}"
    cell = sheet.cell(row=row, column=RATE_COLUMN)
    cell.value = f'=IF(AND(ISNUMBER({improved}),ISNUMBER({measured}),N({measured})>0),{improved}/{measured},"")'
    cell.number_format = RATE_FORMAT
    cell.alignment = Alignment(horizontal="center", vertical="top")


def _block(sheet: Worksheet, block: _Block, strand: TemplateStrand, fill: PatternFill) -> None:
    """One breakdown: a heading row, then each category's label (A), input (B, nothing else in
    the column) and, beside the first, what the categories add up to against the total."""
    _header_cells(
        sheet, block.heading_row,
        {LABEL_COLUMN: block.heading, _ADDED_COLUMN: "Added up", _TOTAL_COLUMN: "Total",
         _LEFT_COLUMN: "Still to count", HELP_COLUMN: "Help"},
    )
    sheet.merge_cells(start_row=block.heading_row, start_column=LABEL_COLUMN, end_row=block.heading_row,
                      end_column=INPUT_COLUMN)
    m, b = block.measure.key, block.breakdown.key
    first, last = block.first_row, block.last_row
    inputs = f"B{first}:B{last}"
    validation = None
    if not strand.locked:
        validation = _validation(block.heading, f"The number of {block.measure.label.lower()} in this category.")
        sheet.add_data_validation(validation)
        validation.add(inputs)
    for row, (category, label) in enumerate(block.breakdown.categories, start=first):
        write_cell(sheet, row, LABEL_COLUMN, label).alignment = WRAP
        cell = write_cell(sheet, row, INPUT_COLUMN, strand.breakdowns.get((m, b, category)), INPUT_FORMAT)
        cell.fill = fill
        if not strand.locked:
            cell.protection = Protection(locked=False)
    sums = {
        _ADDED_COLUMN: f"=SUM({inputs})",
        _TOTAL_COLUMN: f'=IF(ISNUMBER(B{block.total_row}),B{block.total_row},"")',
        _LEFT_COLUMN: f'=IF(OR(COUNT({inputs})=0,NOT(ISNUMBER(B{block.total_row}))),"",B{block.total_row}-SUM({inputs}))',
    }
    for column, formula in sums.items():
        cell = sheet.cell(row=first, column=column)
        cell.value = formula
        cell.number_format = COUNT_FORMAT
    # A line a row, so no category's row grows tall around a long help text.
    lines = [
        f"Counts adding up to {block.measure.label.lower()} (B{block.total_row}).",
        "\"Added up\" should equal \"Total\", with nothing still to count.",
        f"Count anyone whose {block.breakdown.label.lower()} is not recorded under \"Not known\".",
    ]
    count = len(block.breakdown.categories)
    if count < len(lines):
        lines = lines[: count - 1] + [" ".join(lines[count - 1 :])]
    for row, line in enumerate(lines, start=first):
        write_cell(sheet, row, HELP_COLUMN, line).alignment = WRAP


# About how many rows of a block print on one A4 page at the sheet's scale.
_ROWS_A_PAGE = 34


def _page_breaks(sheet: Worksheet, blocks: Sequence[_Block]) -> None:
    """The breakdowns start on a page of their own, and a block that would run over the foot of
    a page starts the next one, so no block's heading prints apart from its categories."""
    used = _ROWS_A_PAGE
    for block in blocks:
        rows = len(block.breakdown.categories) + 2
        if used + rows > _ROWS_A_PAGE:
            sheet.row_breaks.append(Break(id=block.heading_row - 1))
            used = 0
        used += rows


def _header_cells(sheet: Worksheet, row: int, headings: Mapping[int, str]) -> None:
    """A header row across every column up to the help, text only in the columns given."""
    for column in range(LABEL_COLUMN, HELP_COLUMN + 1):
        cell = write_cell(sheet, row, column, headings.get(column), font=HEADER_FONT)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _strand_sheet(workbook, template: ProviderTemplate, strand: TemplateStrand, title: str) -> None:
    sheet = workbook.create_sheet(title)
    write_cell(sheet, 1, 1, f"{strand.reference}: return for {template.quarter.label}", font=TITLE_FONT)
    texts = {
        "@provider": template.provider_name,
        "@strand": f"{strand.reference} {strand.name}",
        "@period": _period_words(template.quarter),
    }
    for key in FACT_KEYS:
        write_cell(sheet, _FACT_ROWS[key], LABEL_COLUMN, _FACT_WORDS[key], font=LABEL_FONT)
        write_cell(sheet, _FACT_ROWS[key], FACT_COLUMN, texts[key])
    write_cell(sheet, _DUE_ROW, LABEL_COLUMN, "Please return by", font=LABEL_FONT)
    write_cell(sheet, _DUE_ROW, FACT_COLUMN, format_date(template.due_date))
    if strand.locked:
        note = (
            "This return is locked: it has been sent to the Ministry of Justice, so its figures "
            "cannot be changed here. Contact the commissioning team if they are wrong."
        )
    else:
        note = (
            "Type this quarter's figures in the yellow cells (whole numbers, blank if not collected). "
            "Figures we already hold are filled in: correct them if they are wrong."
        )
    write_cell(sheet, _NOTE_ROW, 1, note, font=NOTE_FONT)
    history = list(strand.history)[-HISTORY_COLUMNS:]
    history = [("", {})] * (HISTORY_COLUMNS - len(history)) + history
    _header(
        sheet,
        _HEADER_ROW,
        (f"Measure, and your figure for {template.quarter.label}", None, *(label for label, _ in history),
         "Rate improved", "Help"),
    )
    # The heading lives in the label's cell and spans the input column, which holds no text.
    sheet.merge_cells(start_row=_HEADER_ROW, start_column=LABEL_COLUMN, end_row=_HEADER_ROW, end_column=INPUT_COLUMN)
    fill = LOCKED_INPUT_FILL if strand.locked else INPUT_FILL
    rows = {measure.key: _FIRST_MEASURE_ROW + offset for offset, measure in enumerate(template.measures)}
    for offset, measure in enumerate(template.measures):
        row = _FIRST_MEASURE_ROW + offset
        write_cell(sheet, row, LABEL_COLUMN, measure.label).alignment = WRAP
        cell = write_cell(sheet, row, INPUT_COLUMN, strand.values.get(measure.key), INPUT_FORMAT)
        cell.fill = fill
        if not strand.locked:
            cell.protection = Protection(locked=False)
            validation = _validation(measure.label, measure.help_text)
            sheet.add_data_validation(validation)
            validation.add(cell.coordinate)
        for index, (_, figures) in enumerate(history):
            write_cell(sheet, row, FIRST_HISTORY_COLUMN + index, figures.get(measure.key), COUNT)
        if measure.rate_of in rows:
            _rate(sheet, row, rows[measure.rate_of])
        write_cell(sheet, row, HELP_COLUMN, measure.help_text).alignment = WRAP
    blocks = _blocks(template.measures)
    for block in blocks:
        _block(sheet, block, strand, fill)
    _page_breaks(sheet, blocks)
    widths = {1: 44, 2: 18, HELP_COLUMN: 70}
    for column in range(1, HELP_COLUMN + 1):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = widths.get(column, 12)
    sheet.freeze_panes = f"A{_FIRST_MEASURE_ROW}"
    # No password: this stops slips, the checksum guards the layout (see the module docstring).
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widening a column to read a label is harmless


def _hidden_record(workbook, template: ProviderTemplate, rows: Sequence[LayoutRow]) -> None:
    sheet = workbook.create_sheet(HIDDEN_SHEET)
    period = template.quarter.label
    catalogue = catalogue_checksum(template.measures)
    facts = (
        ("marker", MARKER),
        ("version", TEMPLATE_VERSION),
        ("period", period),
        ("provider_id", template.provider_id),
        ("provider", template.provider_name),
        ("checksum", layout_checksum(TEMPLATE_VERSION, period, template.provider_id, rows, catalogue)),
        ("catalogue", catalogue),
    )
    for row, (name, value) in enumerate(facts, start=1):
        write_cell(sheet, row, 1, name)
        write_cell(sheet, row, 2, value)
    for column, heading in enumerate(HIDDEN_LAYOUT_HEADER, start=1):
        write_cell(sheet, HIDDEN_FIRST_LAYOUT_ROW - 1, column, heading)
    for offset, layout_row in enumerate(rows):
        for column, value in enumerate(layout_row.as_tuple(), start=1):
            write_cell(sheet, HIDDEN_FIRST_LAYOUT_ROW + offset, column, value)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True


def write_template(template: ProviderTemplate, target: Path | str) -> Path:
    """Write `template` to `target` (.xlsx) atomically and return the path.

    Raises `excel.writer.WorkbookWriteError` naming the file when it cannot be written."""
    # The Spend sheet builds on this module's layout record, so it is imported here.
    from desktop_app.excel.template_spend import spend_layout, write_spend_sheet

    workbook = new_workbook()
    titles = _sheet_titles(template.strands)
    _instructions(workbook, template, titles)
    for strand, title in zip(template.strands, titles, strict=True):
        _strand_sheet(workbook, template, strand, title)
    write_spend_sheet(workbook, template)
    _hidden_record(workbook, template, _layout(template, titles) + spend_layout(template))
    # Locked structure: sheets cannot be added, renamed, moved or unhidden (no password).
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.active = 0
    # The blocks' sums and the outcome rates are formulas written without results: work them
    # out on opening (Excel and LibreOffice both honour this).
    workbook.calculation.fullCalcOnLoad = True
    set_properties(
        workbook,
        title=f"Quarterly return {template.quarter.label}: {template.provider_name}",
        subject="Provider return template",
    )
    prepare_for_print(workbook)
    return save_atomically(workbook, target)
