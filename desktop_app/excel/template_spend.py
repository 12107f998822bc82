"""The Spend sheet of a provider's template: each strand's claim for the quarter, beside the return.

One row per strand of the provider × expenditure category, then the strand's forecast for the
rest of the year, each with one input cell in column B (pounds and pence, e.g. 1234.56). The same
LibreOffice-safe rules as the strand sheets (see `template_writer`): the input column holds no
text at all (AutoInput), the facts sit in column C, and the input cells keep the General format
so a date typed into one brings a date format the reader refuses.

Its cells are rows of the template's hidden layout record, under keys `$<category>` and
`$forecast_remaining` (never measure keys, which are lower-case identifiers, nor the `@` fact
keys), so the checksum guards this sheet like the others and the reader tells its rows apart
from a strand sheet's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from desktop_app.core.claims import FORECAST_FIELD
from desktop_app.excel.template_reader import TemplateProblem, _as_date, _fail, _FRESH, _same_text
from desktop_app.excel.template_writer import (
    FACT_COLUMN,
    HEADER_FILL,
    HEADER_FONT,
    INPUT_COLUMN,
    INPUT_FILL,
    INPUT_FORMAT,
    LABEL_COLUMN,
    NOTE_FONT,
    WRAP,
    LayoutRow,
    ProviderTemplate,
    _period_words,
    _text,
)
from desktop_app.excel.template_cells import TemplateCells
from desktop_app.excel.writer import LABEL_FONT, TITLE_FONT, write_cell

__all__ = ["SPEND_KEY_PREFIX", "SPEND_SHEET", "FilledSpend", "TemplateCategory", "read_spend", "spend_layout",
           "split_spend", "write_spend_sheet"]

SPEND_SHEET = "Spend"
SPEND_KEY_PREFIX = "$"
_FACT_ROWS = {"@provider": 3, "@period": 4}
_FACT_WORDS = {"@provider": "Provider", "@period": "Period"}
_NOTE_ROW, _HEADER_ROW = 6, 8
_FIRST_ROW = _HEADER_ROW + 1
_HELP_COLUMN = FACT_COLUMN + 1
FORECAST_WORDS = "forecast for the rest of the year"


@dataclass(frozen=True)
class TemplateCategory:
    """An expenditure category a claim is broken down by."""

    key: str
    name: str


@dataclass(frozen=True)
class FilledSpend:
    """One strand's rows of the Spend sheet as filled: `$`-less key (category key or
    `forecast_remaining`) → what the input cell holds (None when blank), and key → its address."""

    strand_id: int
    reference: str
    sheet: str
    values: Mapping[str, object]
    cells: Mapping[str, str]


def _rows_of(template: ProviderTemplate) -> list[tuple[object, str, str, str]]:
    """(strand, key, label, help) for every input row, in sheet order."""
    rows = []
    for strand in template.strands:
        for category in template.categories:
            rows.append((strand, category.key, f"{strand.reference} {category.name}", f"{category.name}, in £"))
        rows.append((strand, FORECAST_FIELD, f"{strand.reference} {FORECAST_WORDS}",
                     "What the strand will spend after this quarter, to the end of the financial year, in £"))
    return rows


def spend_layout(template: ProviderTemplate) -> list[LayoutRow]:
    """The Spend sheet's rows of the hidden layout record (none when the template claims nothing)."""
    if not template.categories:
        return []
    facts = {"@provider": template.provider_name, "@period": _period_words(template.quarter)}
    rows = [
        # Fact rows belong to no strand (id 0); the record needs a reference in every row.
        LayoutRow(SPEND_SHEET, 0, SPEND_SHEET, key, f"C{_FACT_ROWS[key]}", _text(text)) for key, text in facts.items()
    ]
    for offset, (strand, key, label, _help) in enumerate(_rows_of(template)):
        row = _FIRST_ROW + offset
        rows.append(
            LayoutRow(SPEND_SHEET, strand.strand_id, strand.reference, SPEND_KEY_PREFIX + key, f"A{row}",
                      _text(label), f"B{row}")
        )
    return rows


def _pounds(pence: int | None) -> int | float | None:
    """Pence as the pounds a provider reads and types: 123456 → 1234.56 (a float's shortest repr
    is that decimal, so the reader gets back exactly what was written)."""
    if pence is None:
        return None
    return pence // 100 if pence % 100 == 0 else pence / 100


def _validation() -> DataValidation:
    return DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
        showInputMessage=True, showErrorMessage=True,
        promptTitle="Pounds and pence",
        prompt="What was spent, in pounds and pence (e.g. 1234.56); 0 or more; blank if nothing.",
        errorTitle="Amount of money needed",
        error="Type an amount in pounds and pence, e.g. 1234.56 (no text, no minus sign), or leave it blank.",
    )


def write_spend_sheet(workbook, template: ProviderTemplate) -> None:
    """Add the Spend sheet after the strand sheets (nothing when the template claims nothing)."""
    if not template.categories:
        return
    sheet = workbook.create_sheet(SPEND_SHEET)
    write_cell(sheet, 1, 1, f"Spend claimed for {template.quarter.label}", font=TITLE_FONT)
    facts = {"@provider": template.provider_name, "@period": _period_words(template.quarter)}
    for key, text in facts.items():
        write_cell(sheet, _FACT_ROWS[key], LABEL_COLUMN, _FACT_WORDS[key], font=LABEL_FONT)
        write_cell(sheet, _FACT_ROWS[key], FACT_COLUMN, text)
    write_cell(
        sheet, _NOTE_ROW, 1,
        "Type what each strand spent in the quarter by category, in pounds and pence (e.g. 1234.56), and its "
        "forecast for the rest of the year. Amounts we already hold are filled in: correct them if they are wrong.",
        font=NOTE_FONT,
    )
    for column, heading in ((LABEL_COLUMN, "Strand and expenditure, and the amount in £"), (INPUT_COLUMN, None),
                            (FACT_COLUMN, "Strand"), (_HELP_COLUMN, "Help")):
        cell = write_cell(sheet, _HEADER_ROW, column, heading, font=HEADER_FONT)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    # The heading lives in the label's cell and spans the input column, which holds no text.
    sheet.merge_cells(start_row=_HEADER_ROW, start_column=LABEL_COLUMN, end_row=_HEADER_ROW, end_column=INPUT_COLUMN)
    validation = _validation()
    sheet.add_data_validation(validation)
    for offset, (strand, key, label, help_text) in enumerate(_rows_of(template)):
        row = _FIRST_ROW + offset
        held = strand.forecast_pence if key == FORECAST_FIELD else strand.spend.get(key)
        write_cell(sheet, row, LABEL_COLUMN, label).alignment = WRAP
        cell = write_cell(sheet, row, INPUT_COLUMN, _pounds(held), INPUT_FORMAT)
        cell.fill = INPUT_FILL
        cell.protection = Protection(locked=False)
        validation.add(cell.coordinate)
        write_cell(sheet, row, FACT_COLUMN, strand.name)
        write_cell(sheet, row, _HELP_COLUMN, help_text).alignment = WRAP
    for letter, width in (("A", 44), ("B", 18), ("C", 40), ("D", 50)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{_FIRST_ROW}"
    sheet.protection.sheet = True  # no password: it stops slips, the checksum guards the layout
    sheet.protection.formatColumns = False


# ---------------------------------------------------------------- reading


def split_spend(layout: Sequence[LayoutRow]) -> tuple[list[LayoutRow], list[LayoutRow]]:
    """The layout record's strand-sheet rows, and the Spend sheet's rows (any sheet holding `$` keys)."""
    spend_sheets = {row.sheet for row in layout if row.key.startswith(SPEND_KEY_PREFIX)}
    return [r for r in layout if r.sheet not in spend_sheets], [r for r in layout if r.sheet in spend_sheets]


def read_spend(workbook: TemplateCells, rows: Sequence[LayoutRow]) -> tuple[list[FilledSpend], list[TemplateProblem]]:
    """Check the Spend sheet against its layout rows and read each strand's amounts as typed.

    An edited label refuses the file; a formula or a date in an input cell is a problem naming
    the cell (its value left blank), as on the strand sheets."""
    if not rows:
        return [], []
    sheet = rows[0].sheet
    if sheet not in workbook.sheetnames:
        raise _fail(f"sheet {sheet} is missing (was it renamed or deleted?): {_FRESH}")
    cells = workbook.cells(sheet, {r.label_cell for r in rows} | {r.input_cell for r in rows if r.input_cell})
    by_strand: dict[int, tuple[str, dict[str, object], dict[str, str]]] = {}
    problems: list[TemplateProblem] = []
    for row in rows:
        shown = cells.get(row.label_cell, (None, "n", None))[0]
        if not _same_text(shown, row.label):
            raise _fail(
                f"the layout was edited: this cell should read {row.label!r} but reads {shown!r}; undo the change or {_FRESH}",
                sheet,
                row.label_cell,
            )
        if not row.key.startswith(SPEND_KEY_PREFIX):
            continue
        key = row.key.removeprefix(SPEND_KEY_PREFIX)
        value, data_type, number_format = cells.get(row.input_cell, (None, "n", None))
        if data_type == "f":
            problems.append(TemplateProblem("holds a formula; type the amount itself", sheet, row.input_cell))
            value = None
        elif (date := _as_date(value, number_format)) is not None:
            message = f"holds {date}, not an amount: type {row.label} in pounds and pence, e.g. 1234.56"
            problems.append(TemplateProblem(message, sheet, row.input_cell))
            value = None
        _ref, values, addresses = by_strand.setdefault(row.strand_id, (row.strand_reference, {}, {}))
        values[key] = value
        addresses[key] = row.input_cell
    spend = [FilledSpend(strand_id, ref, sheet, values, addresses) for strand_id, (ref, values, addresses) in by_strand.items()]
    return spend, problems
