"""A table sheet written top to bottom into a write-only workbook (openpyxl's streaming mode).

A full workbook keeps every cell as an object and styles each one as it is set, then walks them
all again for the print layout; for a Data sheet of tens of thousands of figures that is most of
an export. Here everything the layout needs is decided before the first row goes out: widths
(sized from the rows, then narrowed as `print_setup.fit_widths` would), which cells wrap and how
tall their rows must be, the frozen header, the filter and the page set-up. Each distinct look
(number format, bold, fill, wrap) is made once and shared by every cell that has it, and each
distinct text is cleaned and escaped once (a provider's name appears on thousands of rows).

openpyxl writes the sheet (its views, columns, filter, page set-up and the workbook's styles);
the rows themselves are serialised here, as openpyxl's own cell writer would write them, since
building a cell object and an element tree per value was most of the time of a big export.

The result reads the same as `writer.add_table_sheet` on a normal workbook: same fonts, formats,
widths, frozen header, filter, print set-up and wrapped text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from desktop_app.excel import writer as w
from desktop_app.excel.print_setup import fit_widths, set_up_page
from desktop_app.excel.print_setup import _lines as wrapped_lines

__all__ = ["stream_table_sheet"]

_POINTS_PER_LINE = 1.35  # as print_setup: 15 pt rows for 11 pt text
_WRAP_ROWS_AT_MOST = 10_000  # as print_setup: past this a sheet is data for pivoting, not paper
_BODY_SIZE = 11
_LONGEST_TEXT = 32_767  # what a cell holds; openpyxl cuts longer text there too
_PLAIN = (None, False, None, None, False, False, False, False, 0, False, False)
# openpyxl writes an empty <sheetData> for a sheet given no rows; the streamed rows go there.
_EMPTY_ROWS = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_CHUNK = 2000  # rows written to the file at a time
# Values whose cell can be decided once per sheet (a Styled wraps any of these: decided each time).
_CACHEABLE = frozenset({str, int, float, bool, Decimal, dt.date, dt.datetime, type(None)})


class _Looks:
    """Each distinct cell look made once for the sheet, then shared by every cell that has it:
    as the `s="N"` attribute of the workbook's style table (empty for the default look)."""

    def __init__(self, worksheet) -> None:
        self._worksheet = worksheet
        self._made: dict[tuple, str] = {_PLAIN: ""}

    def attribute(self, look: tuple) -> str:
        found = self._made.get(look)
        if found is None:
            number_format, bold, fill, font_rgb, wrap, top, quote, header, indent, title, right = look
            cell = WriteOnlyCell(self._worksheet)
            if header:
                cell.font, cell.fill = w.HEADER_FONT, w.HEADER_FILL
                cell.alignment, cell.border = w.HEADER_ALIGNMENT, w.HEADER_BORDER
                if right:
                    cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="right")
            elif title:
                cell.font = w.TITLE_FONT
            elif bold or font_rgb:
                cell.font = w.Font(name=w.BODY_FONT_NAME, bold=bold, color=font_rgb)
            if fill:
                cell.fill = w.PatternFill("solid", fgColor=fill)
            if not header and (wrap or top or indent):
                cell.alignment = Alignment(
                    wrap_text=wrap or None, vertical="top" if top else None, indent=indent or 0
                )
            if number_format:
                cell.number_format = number_format
            if quote:
                cell.quotePrefix = True
            # The id is the style's place in the workbook's table, added there on first use.
            found = self._made[look] = f' s="{cell.style_id}"' if cell.has_style else ""
        return found


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _t_element(text: str) -> str:
    # As openpyxl: leading or trailing spaces are kept only when the XML says so.
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f"<t{space}>{_escaped(text)}</t>"


class _Values:
    """Each value's `t` attribute and content, as openpyxl's cell writer writes them; each
    distinct text cleaned (formula-safe) and escaped once."""

    def __init__(self, epoch: dt.datetime) -> None:
        self._epoch = epoch
        self._cleaned: dict[str, object] = {}
        self._texts: dict[object, str] = {}

    def plain(self, value: object) -> object:
        if isinstance(value, str):
            found = self._cleaned.get(value)
            if found is None:
                found = self._cleaned[value] = w.safe_text(value)
            return found
        return w._plain_value(value)

    def content(self, stored: object) -> str:
        """What follows `<c r=".." s=".."` for a stored value: the type, then the value."""
        if isinstance(stored, str):
            found = self._texts.get(stored)
            if found is None:
                text = stored[:_LONGEST_TEXT]
                found = ' t="inlineStr" />' if not text else f' t="inlineStr"><is>{_t_element(text)}</is></c>'
                self._texts[stored] = found
            return found
        if isinstance(stored, CellRichText):
            # The formula-like text of `safe_text`: a run of plain text, never a formula.
            runs = "".join(f"<r>{_t_element(str(part))}</r>" for part in stored)
            return f' t="inlineStr"><is>{runs}</is></c>'
        if isinstance(stored, bool):
            return f' t="b"><v>{int(stored)}</v></c>'
        if isinstance(stored, (int, float, Decimal)):
            return f' t="n"><v>{"%.16g" % stored}</v></c>'
        if isinstance(stored, dt.date):  # a datetime too
            return f' t="n"><v>{"%.16g" % to_excel(stored, self._epoch)}</v></c>'
        raise ValueError(f"cannot write {stored!r} to a spreadsheet cell")


def _extra_width(rows: Sequence[Sequence[object]], column: int) -> float:
    wanted = max((w._shown_length(r[column], None) for r in rows if column < len(r)), default=0)
    return float(min(w._MAX_WIDTH, max(w._MIN_WIDTH, wanted + 2)))


def stream_table_sheet(
    workbook,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    formats: Mapping[str | int, str] | None,
    *,
    intro: Sequence[object],
    widths: Mapping[str | int, float] | None,
    after: Sequence[Sequence[object]],
):
    """See `writer.add_table_sheet`, which calls this for a write-only workbook."""
    header_row = len(intro) + 2 if intro else 1
    last_row = header_row + len(rows) + (len(after) + 1 if after else 0)
    if last_row > w.MAX_ROWS:
        raise w.WorkbookWriteError(f"The {title} sheet would need {last_row:,} rows; Excel holds {w.MAX_ROWS:,}.")
    column_formats = w._formats_by_column(headers, formats)
    widths = widths or {}
    sizes = w._column_widths(headers, rows, column_formats)
    chosen = [widths.get(header, sizes[index]) for index, header in enumerate(headers)]
    columns = max([len(headers), *(len(r) for r in after), *(k for k in widths if isinstance(k, int))])
    chosen += [widths.get(c, _extra_width(after, c - 1)) for c in range(len(headers) + 1, columns + 1)]
    floors = [max((len(word) for word in str(h).split()), default=0) + 2.0 for h in headers]
    fitted = fit_widths(chosen, floors)
    narrowed = {index for index, (old, new) in enumerate(zip(chosen, fitted)) if new < old}

    worksheet = workbook.create_sheet(w.sheet_title(title))
    for column, width in enumerate(fitted, start=1):
        worksheet.column_dimensions[get_column_letter(column)].width = width
    last_column = get_column_letter(max(1, len(headers)))
    worksheet.freeze_panes = f"A{header_row + 1}"
    worksheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + len(rows)}"
    values = _Values(workbook.epoch)
    plain = values.plain
    first = [plain(v.value if isinstance(v, (w.Formatted, w.Styled)) else v) for v in (rows[0] if rows else ())]
    naming = 0
    for value in first[:4]:
        if not isinstance(value, str):
            break
        naming += 1
    set_up_page(
        worksheet, fitted, title_rows=f"{header_row}:{header_row}",
        title_cols=f"A:{get_column_letter(naming)}" if naming else None,
    )

    looks = _Looks(worksheet)
    look_attribute = looks.attribute
    content = values.content
    wrap_rows = len(rows) + len(after) <= _WRAP_ROWS_AT_MOST
    widest = max([1, columns, *map(len, rows), *map(len, after)])
    letters = [get_column_letter(c) for c in range(1, widest + 1)]

    def decide(index: int, raw: object, header: bool, title_line: bool, formats_of: Sequence[str | None],
               may_wrap: bool) -> tuple[float, str | None, tuple, tuple]:
        """One value's cell: the height its wrapped text needs, what follows its style in the XML
        (None: no cell), and its look in a row of one line and in a taller row (at the top)."""
        number_format = formats_of[index] if index < len(formats_of) else None
        bold = wrap = False
        fill = font_rgb = None
        indent = 0
        heading = header
        right = False
        if isinstance(raw, w.Styled):
            right = raw.right
            number_format = raw.number_format or number_format
            bold, fill, font_rgb, wrap, indent = raw.bold, raw.fill, raw.font_rgb, raw.wrap, raw.indent
            heading = heading or raw.heading
            raw = raw.value
        if isinstance(raw, w.Formatted):
            raw, number_format = raw.value, raw.number_format
        stored = plain(raw)
        text = stored if isinstance(stored, str) else (str(stored) if isinstance(stored, CellRichText) else None)
        if text is not None:
            number_format = None
        else:
            number_format = number_format or w._default_format(stored)
        wrap = wrap or heading
        height = 0.0
        if may_wrap and text and index < len(fitted):
            width = fitted[index]
            if not wrap and index in narrowed and (len(text) > width - 1 or "\n" in text):
                wrap = True
            if wrap:
                size = 14 if title_line else _BODY_SIZE
                room = (width - 1) * (1.0 if (bold or heading) else 1.15) * 11 / size
                height = wrapped_lines(text, room) * size * _POINTS_PER_LINE
        if stored is None and not fill:
            return height, None, _PLAIN, _PLAIN
        quote = isinstance(stored, CellRichText)
        look = (number_format, bold, fill, font_rgb, wrap, False, quote, heading, indent, title_line, right)
        # In a tall row a value sits at the top, level with the first line of the wrapped text.
        top = look if stored is None or heading else (*look[:5], True, *look[6:])
        return height, ' t="n" />' if stored is None else content(stored), look, top

    # The same value in the same column makes the same cell: decided once per sheet. Keyed by
    # type too, since 1, 1.0 and True are equal keys but different cells.
    decided: dict[tuple, tuple[float, str | None, tuple, tuple]] = {}

    def put(row_number: int, cells: Sequence[object], *, header: bool = False, title_line: bool = False,
            formats_of: Sequence[str | None] = (), may_wrap: bool = True) -> str:
        mode = (header, title_line, formats_of is column_formats, may_wrap)
        made = []
        tallest = 0.0
        for index, raw in enumerate(cells):
            kind = type(raw)
            if kind in _CACHEABLE:
                key = (mode, index, kind, raw)
                cell = decided.get(key)
                if cell is None:
                    cell = decided[key] = decide(index, raw, header, title_line, formats_of, may_wrap)
            else:
                cell = decide(index, raw, header, title_line, formats_of, may_wrap)
            if cell[0] > tallest:
                tallest = cell[0]
            made.append(cell)
        number = str(row_number)
        parts = [f'<row r="{number}" ht="{"%.16g" % round(tallest, 1)}" customHeight="1">' if tallest
                 else f'<row r="{number}">']
        for index, (_, after_style, look, top) in enumerate(made):
            if after_style is not None:
                parts.append(f'<c r="{letters[index]}{number}"{look_attribute(top if tallest else look)}{after_style}')
        parts.append("</row>")
        return "".join(parts)

    quote_look = (None, False, None, None, False, False, True, False, 0, False, False)
    format_looks = [(f, False, None, None, False, False, False, False, 0, False, False) if f else _PLAIN
                    for f in column_formats]
    quick_cells: dict[tuple, tuple | None] = {}

    def quick_cell(index: int, raw: object) -> tuple | None:
        if isinstance(raw, (w.Styled, w.Formatted)):
            return None
        stored = plain(raw)
        if stored is None:
            return ()
        if isinstance(stored, str):
            look = _PLAIN
        elif isinstance(stored, CellRichText):
            look = quote_look
        elif index < len(format_looks) and format_looks[index] is not _PLAIN:
            look = format_looks[index]
        elif w._default_format(stored):
            return None
        else:
            look = _PLAIN
        return look, content(stored)

    def put_quick(row_number: int, cells: Sequence[object]) -> str | None:
        """A row of plain values where nothing can wrap (most of a Data sheet): each value's
        look comes from its column, with no per-cell decisions. None: the row needs `put`."""
        number = str(row_number)
        parts = [f'<row r="{number}">']
        for index, raw in enumerate(cells):
            kind = type(raw)
            if kind in _CACHEABLE:
                key = (index, kind, raw)
                cell = quick_cells.get(key, False)
                if cell is False:
                    cell = quick_cells[key] = quick_cell(index, raw)
            else:
                cell = quick_cell(index, raw)
            if cell is None:
                return None
            if cell:
                parts.append(f'<c r="{letters[index]}{number}"{look_attribute(cell[0])}{cell[1]}')
        parts.append("</row>")
        return "".join(parts)

    def sheet_rows():
        quick = not wrap_rows or not narrowed
        row_number = 1
        for line_number, line in enumerate(intro, start=1):
            yield put(line_number, [line], title_line=line_number == 1, may_wrap=False)
            row_number += 1
        if intro:
            yield f'<row r="{row_number}"></row>'
            row_number += 1
        yield put(row_number, headers, header=True)
        row_number += 1
        for row in rows:
            made = put_quick(row_number, row) if quick else None
            yield made if made is not None else put(row_number, row, formats_of=column_formats, may_wrap=wrap_rows)
            row_number += 1
        if after:
            yield f'<row r="{row_number}"></row>'
            row_number += 1
            for row in after:
                yield put(row_number, row, may_wrap=wrap_rows)
                row_number += 1

    _write_rows(worksheet, sheet_rows())
    return worksheet


def _write_rows(worksheet, rows) -> None:
    """Close the sheet (openpyxl writes all but its rows to its temporary file), then put the
    rows where openpyxl left the empty <sheetData>, a chunk at a time. A value that cannot be
    written stops the sheet; the writer then discards the workbook, so no file is saved."""
    worksheet.close()
    path = worksheet._writer.out
    with open(path, "rb") as written:
        shell = written.read()
    found = list(_EMPTY_ROWS.finditer(shell))
    if len(found) != 1:
        raise w.WorkbookWriteError(f"The {worksheet.title} sheet could not be laid out (openpyxl wrote it unexpectedly).")
    head, tail = shell[: found[0].start()], shell[found[0].end():]
    with open(path, "wb") as out:
        out.write(head + b"<sheetData>")
        chunk: list[str] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= _CHUNK:
                out.write("".join(chunk).encode("utf-8"))
                chunk.clear()
        out.write("".join(chunk).encode("utf-8"))
        out.write(b"</sheetData>" + tail)
