"""Reading a filled provider template back: its hidden record, its layout, and the figures typed.

The file is checked first (`file_checks`: size, zip and XML bombs, .xls/.xlsm/CSV, passwords),
then opened with openpyxl in read-only mode with formulas kept (`data_only=False`), so a formula
in an input cell is seen as one, not as the number Excel last cached for it. openpyxl parses
with defusedxml (installed as a dependency).

The reader judges the file, not the figures: a wrong marker or version, a broken checksum, an
edited label or fixed cell, a missing sheet, a formula in an input cell, or a date or time in one
(its value, or a date format on a number: what Excel and LibreOffice make of a typed `5 apr` or
`3-4`) are refusals here.
The figures themselves (text, negative, fraction...) go to the one validation engine in
`core.return_checks`, called by the import service, which names the cell from the layout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles.numbers import is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

from desktop_app.core.wording import format_date
from desktop_app.excel.file_checks import FileRefused, WorkbookLimits, check_workbook_file
from desktop_app.excel.template_writer import (
    FACT_KEYS,
    HIDDEN_FIRST_LAYOUT_ROW,
    HIDDEN_SHEET,
    MARKER,
    TEMPLATE_VERSION,
    LayoutRow,
    layout_checksum,
)

__all__ = ["FilledStrand", "FilledTemplate", "TemplateProblem", "TemplateRefused", "read_template"]


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong with a file: where (sheet and cell, when there is one) and what."""

    message: str
    sheet: str | None = None
    cell: str | None = None

    def line(self, file_name: str) -> str:
        """One line naming the file, the sheet and cell, and the problem."""
        where = [file_name]
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.cell:
            where.append(f"cell {self.cell}")
        return f"{', '.join(where)}: {self.message}"


class TemplateRefused(ValueError):
    """The file cannot be imported; `problems` says where and why (one line each)."""

    def __init__(self, problems: list[TemplateProblem] | TemplateProblem) -> None:
        self.problems = tuple(problems) if isinstance(problems, list) else (problems,)
        super().__init__("; ".join(p.line("the file") for p in self.problems))


@dataclass(frozen=True)
class FilledStrand:
    """One strand's sheet as filled: measure key → what the input cell holds (None when blank),
    and measure key → the input cell's address, to name it in messages."""

    strand_id: int
    reference: str
    sheet: str
    values: Mapping[str, object]
    cells: Mapping[str, str]


@dataclass(frozen=True)
class FilledTemplate:
    """A template that passed every check on its layout, with the figures as typed."""

    path: Path
    version: int
    period: str  # as written on the template, e.g. "2023/24 Q1"
    provider_id: int
    provider_name: str
    strands: tuple[FilledStrand, ...]
    problems: tuple[TemplateProblem, ...] = field(default=())  # formulas and dates in input cells
    spend: tuple = ()  # `template_spend.FilledSpend` per strand of the Spend sheet (none before version 3)


def _fail(message: str, sheet: str | None = None, cell: str | None = None) -> TemplateRefused:
    return TemplateRefused(TemplateProblem(message, sheet, cell))


_FRESH = "make a fresh template for the provider"
# Version 1 (the due date and facts above the input cells) is still read: templates already
# sent out come back in it, and the record names every cell, so the same checks apply.
_READABLE_VERSIONS = (1, 2, TEMPLATE_VERSION)


def _hidden_record(workbook) -> tuple[dict[str, object], list[LayoutRow]]:
    if HIDDEN_SHEET not in workbook.sheetnames:
        raise _fail("is not a Commissioning Desk return template (its hidden Template sheet is missing)")
    rows = list(workbook[HIDDEN_SHEET].iter_rows(values_only=True))
    facts = {str(row[0]): row[1] for row in rows[: HIDDEN_FIRST_LAYOUT_ROW - 2] if row and len(row) > 1 and row[0]}
    if facts.get("marker") != MARKER:
        raise _fail("is not a Commissioning Desk return template (its hidden Template sheet is not ours)")
    if facts.get("version") not in _READABLE_VERSIONS:
        raise _fail(
            f"was made by another version of the template ({facts.get('version')!r}; this program reads "
            f"version {TEMPLATE_VERSION}): {_FRESH}"
        )
    layout: list[LayoutRow] = []
    for row in rows[HIDDEN_FIRST_LAYOUT_ROW - 1 :]:
        if not row or all(value is None for value in row):
            continue
        cells = (tuple(row) + (None,) * 7)[:7]
        sheet, strand_id, reference, key, label_cell, label, input_cell = cells
        if not isinstance(strand_id, int) or not all(isinstance(v, str) for v in (sheet, reference, key, label_cell)):
            raise _fail(f"has a damaged hidden layout record (the checksum cannot match): {_FRESH}")
        layout.append(
            LayoutRow(sheet, strand_id, reference, key, label_cell, "" if label is None else str(label), input_cell or "")
        )
    return facts, layout


def _sheet_cells(worksheet, wanted: set[str]) -> dict[str, tuple[object, str, str | None]]:
    """Address → (value, data type, number format) for the `wanted` cells, in one pass over the
    sheet's rows."""
    positions = {}
    for address in wanted:
        letters, row = coordinate_from_string(address)
        positions[(row, column_index_from_string(letters))] = address
    last_row = max(row for row, _ in positions)
    last_column = max(column for _, column in positions)
    found: dict[str, tuple[object, str, str | None]] = {}
    for row_number, row in enumerate(
        worksheet.iter_rows(min_row=1, max_row=last_row, min_col=1, max_col=last_column), start=1
    ):
        for column_number, cell in enumerate(row, start=1):
            address = positions.get((row_number, column_number))
            if address is not None:
                found[address] = (cell.value, cell.data_type, getattr(cell, "number_format", None))
    return found


def _same_text(shown: object, recorded: str) -> bool:
    return ("" if shown is None else str(shown)) == recorded


def _as_date(value: object, number_format: str | None) -> str | None:
    """What a date or time in an input cell is, in words ("a date (5 Apr 2026)"), or None when it
    holds none. A number under a date format counts too: it is a date serial, not a figure."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return f"a date ({format_date(value.date())})"
        return f"a date and time ({format_date(value.date())} {value:%H:%M})"
    if isinstance(value, dt.date):
        return f"a date ({format_date(value)})"
    if isinstance(value, dt.time):
        return f"a time ({value:%H:%M})"
    if isinstance(value, dt.timedelta):
        return f"a duration ({value})"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and number_format:
        if is_date_format(number_format) or is_timedelta_format(number_format):
            return f"a date ({value:g} formatted as {number_format})"
    return None


def _read_strands(workbook, layout: list[LayoutRow]) -> tuple[list[FilledStrand], list[TemplateProblem]]:
    by_sheet: dict[str, list[LayoutRow]] = {}
    for row in layout:
        by_sheet.setdefault(row.sheet, []).append(row)
    strands: list[FilledStrand] = []
    problems: list[TemplateProblem] = []
    for sheet, rows in by_sheet.items():
        if sheet not in workbook.sheetnames:
            raise _fail(f"sheet {sheet} is missing (was it renamed or deleted?): {_FRESH}")
        wanted = {r.label_cell for r in rows} | {r.input_cell for r in rows if r.input_cell}
        cells = _sheet_cells(workbook[sheet], wanted)
        values: dict[str, object] = {}
        addresses: dict[str, str] = {}
        for row in rows:
            shown = cells.get(row.label_cell, (None, "n", None))[0]
            if not _same_text(shown, row.label):
                found = "is empty" if shown is None or not str(shown).strip() else f"reads {shown!r}"
                raise _fail(
                    f"the layout was edited: this cell should read {row.label!r} but {found}; "
                    f"undo the change or {_FRESH}",
                    sheet,
                    row.label_cell,
                )
            if row.key in FACT_KEYS:
                continue
            value, data_type, number_format = cells.get(row.input_cell, (None, "n", None))
            addresses[row.key] = row.input_cell
            if data_type == "f":
                problems.append(TemplateProblem("holds a formula; type the number itself", sheet, row.input_cell))
                value = None
            elif (date := _as_date(value, number_format)) is not None:
                message = f"holds {date}, not a count: type the number for {row.label} as a whole number"
                problems.append(TemplateProblem(message, sheet, row.input_cell))
                value = None
            values[row.key] = value
        strands.append(FilledStrand(rows[0].strand_id, rows[0].strand_reference, sheet, values, addresses))
    return strands, problems


def read_template(path: Path | str, limits: WorkbookLimits | None = None) -> FilledTemplate:
    """Check and read one filled template; raise `TemplateRefused` (one `TemplateProblem` per
    thing wrong, each naming the sheet and cell where there is one) when it cannot be imported.

    A formula in an input cell does not stop the reading: it is returned in `problems` (with the
    cell's value left blank) so every such cell can be listed; the import refuses the file.
    """
    path = Path(path)
    try:
        check_workbook_file(path, limits)
    except FileRefused as refused:
        raise _fail(str(refused)) from None
    try:
        workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # noqa: BLE001 - any parser failure means "not readable", said plainly
        raise _fail(f"cannot be read as a workbook ({type(error).__name__}: {error})") from None
    try:
        facts, layout = _hidden_record(workbook)
        expected = layout_checksum(facts.get("version"), facts.get("period"), facts.get("provider_id"), layout)
        if facts.get("checksum") != expected:
            raise _fail(f"its hidden layout record was edited (the checksum does not match): {_FRESH}")
        if not layout:
            raise _fail(f"has no strands in its layout record: {_FRESH}")
        # The Spend sheet's rows are read by its own module, which builds on this one.
        from desktop_app.excel.template_spend import read_spend, split_spend

        layout, spend_rows = split_spend(layout)
        strands, problems = _read_strands(workbook, layout)
        spend, spend_problems = read_spend(workbook, spend_rows)
        problems += spend_problems
    except TemplateRefused:
        raise
    except Exception as error:  # noqa: BLE001 - e.g. defusedxml refusing a part, a damaged sheet
        raise _fail(f"cannot be read as a workbook ({type(error).__name__}: {error})") from None
    finally:
        workbook.close()
    return FilledTemplate(
        path=path,
        version=int(facts["version"]),
        period=str(facts.get("period")),
        provider_id=int(facts["provider_id"]) if isinstance(facts.get("provider_id"), int) else -1,
        provider_name=str(facts.get("provider") or ""),
        strands=tuple(strands),
        problems=tuple(problems),
        spend=tuple(spend),
    )
