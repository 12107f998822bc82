"""Reading a filled provider template back: its hidden record, its layout, and the figures typed.

The file is checked first (`file_checks`: size, zip and XML bombs, .xls/.xlsm/CSV, passwords),
then read in one pass per part it needs (`template_cells`: the hidden record, then each sheet the
record names, as openpyxl reads them with formulas kept), so a formula in an input cell is seen
as one, not as the number Excel last cached for it.

From version 4 a strand sheet has a block per breakdown under its measures: each category's
figure is read with its cell, and a category label that no longer reads as recorded (a label
typed over) is a problem naming the cell and what it reads, not a refusal of the whole file, so
every such cell is listed. The hidden record also carries the catalogue's checksum, which the
import compares with what the catalogue asks for now.

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

from openpyxl.styles.numbers import is_date_format, is_timedelta_format

from desktop_app.core.wording import format_date
from desktop_app.excel.file_checks import FileRefused, WorkbookLimits, check_workbook_file
from desktop_app.excel.template_cells import TemplateCells
from desktop_app.excel.template_writer import (
    BREAKDOWN_KEY_SEPARATOR,
    FIXED_KEY_PREFIX,
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
    and measure key → the input cell's address, to name it in messages; the same for each
    breakdown category, by (measure, breakdown, category) (none before version 4)."""

    strand_id: int
    reference: str
    sheet: str
    values: Mapping[str, object]
    cells: Mapping[str, str]
    breakdowns: Mapping[tuple[str, str, str], object] = field(default_factory=dict)
    breakdown_cells: Mapping[tuple[str, str, str], str] = field(default_factory=dict)


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
    # The checksum of what the catalogue asked for when it was made (None before version 4).
    catalogue: str | None = None


def _fail(message: str, sheet: str | None = None, cell: str | None = None) -> TemplateRefused:
    return TemplateRefused(TemplateProblem(message, sheet, cell))


_FRESH = "make a fresh template for the provider"
# Version 1 (the due date and facts above the input cells) is still read: templates already
# sent out come back in it, and the record names every cell, so the same checks apply.
_READABLE_VERSIONS = (1, 2, 3, TEMPLATE_VERSION)
_CATALOGUE_VERSION = 4


def _hidden_record(workbook: TemplateCells) -> tuple[dict[str, object], list[LayoutRow]]:
    if HIDDEN_SHEET not in workbook.sheetnames:
        raise _fail("is not a Commissioning Desk return template (its hidden Template sheet is missing)")
    rows = workbook.rows(HIDDEN_SHEET)
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


def _input_value(
    cell: tuple[object, str, str | None], sheet: str, address: str, label: str, problems: list[TemplateProblem]
) -> object:
    """What an input cell holds for the engine; a formula or a date is a problem naming the cell."""
    value, data_type, number_format = cell
    if data_type == "f":
        problems.append(TemplateProblem("holds a formula; type the number itself", sheet, address))
        return None
    if (date := _as_date(value, number_format)) is not None:
        message = f"holds {date}, not a count: type the number for {label} as a whole number"
        problems.append(TemplateProblem(message, sheet, address))
        return None
    return value


def _category_problem(
    row: LayoutRow, shown: object, heading: str, labels: set[str], sheet: str
) -> TemplateProblem:
    """A category's label typed over: name the cell and what it reads now."""
    text = "" if shown is None else str(shown).strip()
    if not text:
        what = "is empty"
    elif text in labels:
        what = f"reads {text!r}, another category's label"
    else:
        what = f"reads {text!r}, which is not a category of {heading}"
    return TemplateProblem(
        f"{what}: this row is for the category {row.label!r}; undo the change or {_FRESH}", sheet, row.label_cell
    )


def _read_strands(workbook: TemplateCells, layout: list[LayoutRow]) -> tuple[list[FilledStrand], list[TemplateProblem]]:
    by_sheet: dict[str, list[LayoutRow]] = {}
    for row in layout:
        by_sheet.setdefault(row.sheet, []).append(row)
    strands: list[FilledStrand] = []
    problems: list[TemplateProblem] = []
    blank = (None, "n", None)
    for sheet, rows in by_sheet.items():
        if sheet not in workbook.sheetnames:
            raise _fail(f"sheet {sheet} is missing (was it renamed or deleted?): {_FRESH}")
        wanted = {r.label_cell for r in rows} | {r.input_cell for r in rows if r.input_cell}
        cells = workbook.cells(sheet, wanted)
        values: dict[str, object] = {}
        addresses: dict[str, str] = {}
        breakdowns: dict[tuple[str, str, str], object] = {}
        breakdown_cells: dict[tuple[str, str, str], str] = {}
        # Each block's heading and category labels, to say what a typed-over label is.
        headings = {r.key[1:]: r.label for r in rows if r.key.startswith(FIXED_KEY_PREFIX)}
        labels: dict[str, set[str]] = {}
        for r in rows:
            if BREAKDOWN_KEY_SEPARATOR in r.key and not r.key.startswith(FIXED_KEY_PREFIX):
                labels.setdefault(r.key.rsplit(BREAKDOWN_KEY_SEPARATOR, 1)[0], set()).add(r.label)
        for row in rows:
            shown = cells.get(row.label_cell, blank)[0]
            category = BREAKDOWN_KEY_SEPARATOR in row.key and not row.key.startswith(FIXED_KEY_PREFIX)
            if not _same_text(shown, row.label):
                if category:
                    block = row.key.rsplit(BREAKDOWN_KEY_SEPARATOR, 1)[0]
                    problems.append(_category_problem(row, shown, headings.get(block, block), labels[block], sheet))
                    continue
                found = "is empty" if shown is None or not str(shown).strip() else f"reads {shown!r}"
                raise _fail(
                    f"the layout was edited: this cell should read {row.label!r} but {found}; "
                    f"undo the change or {_FRESH}",
                    sheet,
                    row.label_cell,
                )
            if row.key.startswith(FIXED_KEY_PREFIX):
                continue
            if category:
                measure, breakdown, category_key = row.key.split(BREAKDOWN_KEY_SEPARATOR, 2)
                heading = headings.get(measure + BREAKDOWN_KEY_SEPARATOR + breakdown, measure)
                cell = (measure, breakdown, category_key)
                label = f"{heading}, {row.label}"
                breakdowns[cell] = _input_value(cells.get(row.input_cell, blank), sheet, row.input_cell, label, problems)
                breakdown_cells[cell] = row.input_cell
                continue
            value = _input_value(cells.get(row.input_cell, blank), sheet, row.input_cell, row.label, problems)
            addresses[row.key] = row.input_cell
            values[row.key] = value
        strands.append(
            FilledStrand(rows[0].strand_id, rows[0].strand_reference, sheet, values, addresses, breakdowns, breakdown_cells)
        )
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
        workbook = TemplateCells(path)
    except Exception as error:  # noqa: BLE001 - any parser failure means "not readable", said plainly
        raise _fail(f"cannot be read as a workbook ({type(error).__name__}: {error})") from None
    try:
        facts, layout = _hidden_record(workbook)
        # Version 4 records what the catalogue asked for, inside the checksum; earlier ones do not.
        catalogue = facts.get("catalogue") if facts["version"] >= _CATALOGUE_VERSION else None
        if facts["version"] >= _CATALOGUE_VERSION and not isinstance(catalogue, str):
            raise _fail(f"has a damaged hidden layout record (the checksum cannot match): {_FRESH}")
        expected = layout_checksum(facts.get("version"), facts.get("period"), facts.get("provider_id"), layout, catalogue)
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
        catalogue=catalogue,
    )
