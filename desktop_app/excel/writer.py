"""The one way a workbook is written: safe cells, tidy table sheets, properties, atomic save.

Every workbook the program produces (the MoJ return, the indicator pack, provider templates)
goes through these functions, so they all share the same look and the same guarantees:

- **No formula injection.** Text that starts with `=`, `+`, `-`, `@`, a tab, a carriage return
  or a line feed, or that looks like an Excel error code (`#N/A`), is stored as a string cell
  (`t="inlineStr"`, never an `<f>` element) with the "quote prefix" style, so neither opening
  nor editing the cell in Excel or LibreOffice turns it into a formula. A provider named
  `=HYPERLINK("http://example.com","x")` comes out as exactly that text.
- **Readable tables.** A bold, filled header row that stays frozen, an auto filter, number
  formats per column, widths sized to the content, and print set-up that repeats the header.
- **No half-written files.** `save_atomically` writes a temporary file beside the target and
  renames it into place; a target that cannot be written raises `WorkbookWriteError` naming the
  file, leaving any existing file as it was and no temporary file behind.

openpyxl is imported here, at the top; services import excel modules inside their functions so
the program never loads openpyxl at start-up.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.excel.print_setup import prepare_for_print, set_up_page

__all__ = [
    "COUNT", "DATE", "DATE_TIME", "DECIMAL", "MONEY", "ONE_DECIMAL", "PERCENT",
    "Formatted", "Styled", "WorkbookWriteError", "add_details_sheet", "add_table_sheet", "highlight",
    "discard", "looks_like_formula", "new_workbook", "prepare_for_print", "safe_text", "save_atomically", "set_properties",
    "sheet_title", "write_cell",
]

# Number formats (Excel codes). PERCENT expects a fraction: 0.123 shows as 12.3%.
COUNT = "#,##0"
MONEY = "£#,##0.00"
ONE_DECIMAL = "0.0"
DECIMAL = "#,##0.0"
PERCENT = "0.0%"
DATE = "dd mmm yyyy"
DATE_TIME = "dd mmm yyyy hh:mm"

# A cell starting with one of these is read as a formula by some spreadsheet, or by a CSV
# made from the workbook (OWASP "CSV injection"). \n stands in for \r once line ends are unified.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

MAX_ROWS = 1_048_576
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_WIDTH_SAMPLE_ROWS = 2000  # enough to size a column without measuring a huge sheet twice

# Named, or LibreOffice prints a bold cell in its own serif default, wider than the columns allow.
BODY_FONT_NAME = "Calibri"
HEADER_FONT = Font(name=BODY_FONT_NAME, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
HEADER_BORDER = Border(bottom=Side(style="thin", color="0B2A45"))
TITLE_FONT = Font(name=BODY_FONT_NAME, bold=True, size=14)
LABEL_FONT = Font(name=BODY_FONT_NAME, bold=True)

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class WorkbookWriteError(ValueError):
    """The workbook could not be written where asked; the message names the file and why."""


@dataclass(frozen=True)
class Formatted:
    """A value with its own number format, for a cell whose column holds mixed units."""

    value: object
    number_format: str


@dataclass(frozen=True)
class Styled:
    """A value with a look of its own: a status in its colour (`fill`, `font_rgb` as RRGGBB),
    a total in bold, a long label wrapped, a category indented under its group, or a `heading`
    cell styled like a table's header (a second table on the same sheet)."""

    value: object
    number_format: str | None = None
    bold: bool = False
    fill: str | None = None
    font_rgb: str | None = None
    wrap: bool = False
    indent: int = 0
    heading: bool = False
    right: bool = False  # a heading over a column of figures lines up with them


def new_workbook(*, write_only: bool = False) -> Workbook:
    """An empty workbook with no sheets yet (sheets are added in the order they should appear).

    `write_only` streams each sheet as it is added (see excel/table_stream.py): far quicker for
    big tables, but every sheet must then be written whole by `add_table_sheet`."""
    if write_only:
        return Workbook(write_only=True)
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet might run `text` (or show it as an error) instead of showing it."""
    return text.startswith(FORMULA_TRIGGERS) or text.strip() in ERROR_CODES


def _clean_text(value: object) -> str:
    text = str(value)
    # XML cannot hold most control characters (openpyxl would refuse the whole workbook), and
    # XML readers turn a bare CR into LF anyway: unify line ends so what is read back is what
    # was written.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def safe_text(value: object) -> str | CellRichText:
    """`value` as text fit for a cell, which no spreadsheet will evaluate.

    Harmless text comes back as a plain str. Formula-like text comes back wrapped so that
    openpyxl stores it as a string cell however it is put in (`cell.value = ...`,
    `worksheet.append(...)`); `write_cell` also gives such cells the quote-prefix style.
    """
    text = _clean_text(value)
    if looks_like_formula(text):
        return CellRichText(text)
    return text


def _plain_value(value: object) -> object:
    """Numbers, dates and text as openpyxl should store them."""
    if value is None or isinstance(value, (bool, int, Decimal)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to a spreadsheet cell")
        return value
    if isinstance(value, dt.datetime):
        # Excel has no time zones: show an aware time in this computer's local time.
        return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    return safe_text(value)


def _default_format(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return DATE_TIME
    if isinstance(value, dt.date):
        return DATE
    return None


def write_cell(
    worksheet: Worksheet,
    row: int,
    column: int,
    value: object,
    number_format: str | None = None,
    *,
    font: Font | None = None,
) -> Cell:
    """Write one value safely: text through `safe_text`, numbers and dates with a format.

    `value` may be a `Formatted`, whose format wins over `number_format`, or a `Styled`. Dates
    default to `dd mmm yyyy`. Returns the cell for any further styling.
    """
    styled = value if isinstance(value, Styled) else None
    if styled is not None:
        value, number_format = styled.value, styled.number_format or number_format
    if isinstance(value, Formatted):
        value, number_format = value.value, value.number_format
    stored = _plain_value(value)
    cell = worksheet.cell(row=row, column=column)
    cell.value = stored
    if isinstance(stored, CellRichText):
        # Belt and braces: Excel keeps a quote-prefixed cell as text even when it is edited.
        cell.quotePrefix = True
    chosen = number_format or _default_format(stored)
    if chosen and not isinstance(stored, (str, CellRichText)):
        cell.number_format = chosen
    if font is not None:
        cell.font = font
    if styled is not None:
        if styled.heading:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment, cell.border = HEADER_ALIGNMENT, HEADER_BORDER
            if styled.right:
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="right")
        elif styled.bold or styled.font_rgb:
            cell.font = Font(name=BODY_FONT_NAME, bold=styled.bold, color=styled.font_rgb)
        if styled.fill:
            cell.fill = PatternFill("solid", fgColor=styled.fill)
        if not styled.heading and (styled.wrap or styled.indent):
            cell.alignment = Alignment(wrap_text=styled.wrap or None, indent=styled.indent)
    return cell


def sheet_title(text: str) -> str:
    """`text` made into a valid sheet name: no `[]:*?/\\`, at most 31 characters."""
    cleaned = _SHEET_TITLE_FORBIDDEN.sub("-", _clean_text(text)).strip().strip("'")
    return (cleaned or "Sheet")[:31]


def _shown_length(value: object, number_format: str | None) -> int:
    """About how many characters a value takes on screen, to size its column."""
    if isinstance(value, Styled):
        value, number_format = value.value, value.number_format or number_format
    if isinstance(value, Formatted):
        value, number_format = value.value, value.number_format
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 17
    if isinstance(value, dt.date):
        return 11
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        if number_format and "%" in number_format:
            number *= 100
        extra = 1 if number_format and ("£" in number_format or "%" in number_format) else 0
        return len(f"{number:,.2f}") + extra
    return max((len(line) for line in str(value).splitlines()), default=0)


# Types a set can hold without mixing cells that merely compare equal (1, 1.0 and True measure
# differently, but a set keeps only one of them: so numbers are measured one by one).
_MEASURED_ONCE = frozenset({str, type(None), dt.date, dt.datetime})


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence[object]], formats: list) -> list[float]:
    widths = []
    sample = rows[:_WIDTH_SAMPLE_ROWS]
    for index, header in enumerate(headers):
        # Headers wrap, so their longest word matters more than their whole length.
        longest = max((len(word) for word in str(header).split()), default=0)
        wanted = max(longest, min(len(str(header)), 20))
        number_format = formats[index]
        # A column repeats its values (a provider on every row of its strands): measure each once.
        distinct = {row[index] for row in sample if index < len(row) and type(row[index]) in _MEASURED_ONCE}
        for value in distinct:
            wanted = max(wanted, _shown_length(value, number_format))
        for row in sample:
            if index < len(row) and type(row[index]) not in _MEASURED_ONCE:
                wanted = max(wanted, _shown_length(row[index], number_format))
        widths.append(float(min(_MAX_WIDTH, max(_MIN_WIDTH, wanted + 2))))
    return widths


def _formats_by_column(headers: Sequence[str], formats: Mapping[str | int, str] | None) -> list:
    by_column: list[str | None] = [None] * len(headers)
    for key, number_format in (formats or {}).items():
        if isinstance(key, int):
            if not 1 <= key <= len(headers):
                raise ValueError(f"no column {key} in a table of {len(headers)} columns")
            by_column[key - 1] = number_format
        else:
            try:
                by_column[list(headers).index(key)] = number_format
            except ValueError:
                raise ValueError(f"no column headed {key!r} to format") from None
    return by_column


def add_table_sheet(
    workbook: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    formats: Mapping[str | int, str] | None = None,
    *,
    intro: Sequence[object] = (),
    widths: Mapping[str | int, float] | None = None,
    after: Sequence[Sequence[object]] = (),
) -> Worksheet:
    """Add a sheet holding one table: styled frozen header, auto filter, formats, widths.

    `formats` maps a column (its header text, or its 1-based number) to a number format such
    as `COUNT` (`#,##0`), `MONEY`, `ONE_DECIMAL`, `PERCENT` (of a fraction) or `DATE`; a single
    cell can override it with `Formatted`. `intro` lines (the first one as a title) go above the
    table, e.g. the period and "synthetic demo data". `widths` overrides sizes by header text (or
    by 1-based column number, for columns only `after` uses). `after` rows go below the table,
    one blank row down, outside its filter: smaller tables or a total, with `Styled` cells.

    In a write-only workbook (`new_workbook(write_only=True)`) the sheet is streamed, laid out
    for print as it goes (excel/table_stream.py); otherwise `prepare_for_print` finishes it.
    """
    rows = [tuple(row) for row in rows]
    if getattr(workbook, "write_only", False):
        from desktop_app.excel.table_stream import stream_table_sheet

        return stream_table_sheet(
            workbook, title, headers, rows, formats, intro=intro, widths=widths,
            after=[tuple(row) for row in after],
        )
    header_row = len(intro) + 2 if intro else 1
    if header_row + len(rows) > MAX_ROWS:
        raise WorkbookWriteError(
            f"The {title} sheet would need {header_row + len(rows):,} rows; Excel holds {MAX_ROWS:,}."
        )
    column_formats = _formats_by_column(headers, formats)
    worksheet = workbook.create_sheet(sheet_title(title))

    for line_number, line in enumerate(intro, start=1):
        write_cell(worksheet, line_number, 1, line, font=TITLE_FONT if line_number == 1 else None)

    for column, header in enumerate(headers, start=1):
        cell = write_cell(worksheet, header_row, column, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment, cell.border = HEADER_ALIGNMENT, HEADER_BORDER

    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            number_format = column_formats[column - 1] if column <= len(headers) else None
            write_cell(worksheet, header_row + offset, column, value, number_format)

    sizes = _column_widths(headers, rows, column_formats)
    chosen = [(widths or {}).get(header, sizes[column - 1]) for column, header in enumerate(headers, start=1)]
    for column, width in enumerate(chosen, start=1):
        worksheet.column_dimensions[get_column_letter(column)].width = width
    for offset, row in enumerate(after, start=header_row + len(rows) + 2):
        for column, value in enumerate(row, start=1):
            write_cell(worksheet, offset, column, value)
    for column, width in (widths or {}).items():
        if isinstance(column, int) and column > len(headers):
            worksheet.column_dimensions[get_column_letter(column)].width = width

    last_column = get_column_letter(max(1, len(headers)))
    worksheet.freeze_panes = worksheet.cell(row=header_row + 1, column=1).coordinate
    worksheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + len(rows)}"
    _print_setup(worksheet, header_row, chosen)
    return worksheet


def add_details_sheet(workbook: Workbook, title: str, items: Sequence[tuple[str, object]]) -> Worksheet:
    """Add a sheet of labelled facts, one per row (label in bold, then its value)."""
    worksheet = workbook.create_sheet(sheet_title(title))
    for row, (label, value) in enumerate(items, start=1):
        write_cell(worksheet, row, 1, label, font=LABEL_FONT)
        write_cell(worksheet, row, 2, value)
    labels = [len(str(label)) for label, _ in items] or [0]
    values = [_shown_length(value, None) for _, value in items] or [0]
    worksheet.column_dimensions["A"].width = min(_MAX_WIDTH, max(_MIN_WIDTH, max(labels) + 2))
    worksheet.column_dimensions["B"].width = min(90, max(_MIN_WIDTH, max(values) + 2))
    return worksheet


def _print_setup(worksheet: Worksheet, header_row: int, widths: Sequence[float]) -> None:
    # On paper: A4, as wide as one page, the header repeated on every page (print_setup.py).
    set_up_page(worksheet, widths, title_rows=f"{header_row}:{header_row}")


def highlight(cell: Cell, fill_rgb: str, *, font_rgb: str | None = None, bold: bool = False) -> None:
    """Fill a cell with a colour (RRGGBB), e.g. a status cell in its RAG colour."""
    cell.fill = PatternFill("solid", fgColor=fill_rgb)
    if font_rgb is not None or bold:
        cell.font = Font(name=BODY_FONT_NAME, bold=bold, color=font_rgb)


def set_properties(
    workbook: Workbook,
    title: str,
    subject: str,
    creator: str = "Commissioning Desk",
    *,
    description: str | None = None,
) -> None:
    """Set the document properties Excel shows under File › Info (title, subject, author)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    properties = workbook.properties
    properties.title = _clean_text(title)
    properties.subject = _clean_text(subject)
    properties.creator = _clean_text(creator)
    properties.lastModifiedBy = _clean_text(creator)
    properties.created = now
    properties.modified = now
    if description is not None:
        properties.description = _clean_text(description)


def _refusal(target: Path, error: OSError) -> WorkbookWriteError:
    if isinstance(error, PermissionError):
        reason = (
            "it is open in another program (close it in Excel and try again), "
            f"or you may not write to {target.parent}"
        )
    elif isinstance(error, IsADirectoryError):
        reason = "it is a folder; choose a file name ending in .xlsx"
    elif isinstance(error, (NotADirectoryError, FileNotFoundError)):
        reason = f"the folder {target.parent} does not exist"
    else:
        reason = error.strerror or str(error)
    return WorkbookWriteError(f"Cannot save {target}: {reason}. Nothing was changed.")


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise WorkbookWriteError(f"Cannot save {target}: it is a folder; choose a file name ending in .xlsx.")
    if target.suffix.lower() != ".xlsx":
        raise WorkbookWriteError(
            f"Cannot save {target}: the name must end in .xlsx, or Excel will refuse to open it."
        )
    if not target.parent.is_dir():
        where = "is a file, not a folder" if target.parent.exists() else "does not exist"
        raise WorkbookWriteError(f"Cannot save {target}: the folder {target.parent} {where}.")


def _sync_folder(folder: Path) -> None:
    # So the rename itself survives a power cut; folders cannot be opened like this on Windows.
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def save_atomically(workbook: Workbook, target: Path | str) -> Path:
    """Save to a temporary file beside `target`, then rename it into place; return the path.

    Readers see the old file or the new one, never half of one. If the file cannot be written
    (open in Excel on Windows, a read-only folder, a folder's path, a missing folder) this
    raises `WorkbookWriteError` naming the file; the old file is left as it was and the
    temporary file is removed.
    """
    target = Path(target).expanduser().absolute()
    _check_target(target)
    temporary = target.with_name(f".~{target.stem}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 (less the umask) gives the saved file the same permissions a plain save would.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.close(handle)
        workbook.save(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except OSError as error:
        _remove_quietly(temporary)
        raise _refusal(target, error) from error
    except BaseException:
        _remove_quietly(temporary)
        raise
    _sync_folder(target.parent)
    return target


def discard(workbook: Workbook) -> None:
    """Let go of a workbook that will not be saved (refused, cancelled). A write-only sheet is
    half-streamed into a temporary file: close it and remove the file now, or Python complains
    on the terminal when it tidies up later."""
    if not getattr(workbook, "write_only", False):
        return
    for worksheet in workbook.worksheets:
        rows, writer = getattr(worksheet, "_rows", None), getattr(worksheet, "_writer", None)
        for step in (
            rows.close if rows is not None else None,
            writer.close if writer is not None else None,
            writer.cleanup if writer is not None else None,
        ):
            if step is None:
                continue
            try:
                step()
            except Exception:  # already closed or removed: nothing left to tidy
                pass
        worksheet._rows = worksheet._writer = None


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
