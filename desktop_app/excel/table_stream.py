"""A table sheet written top to bottom into a write-only workbook (openpyxl's streaming mode).

A full workbook keeps every cell as an object and styles each one as it is set, then walks them
all again for the print layout; for a Data sheet of tens of thousands of figures that is most of
an export. Here everything the layout needs is decided before the first row goes out: widths
(sized from the rows, then narrowed as `print_setup.fit_widths` would), which cells wrap and how
tall their rows must be, the frozen header, the filter and the page set-up. Each distinct look
(number format, bold, fill, wrap) is made once and shared by every cell that has it, and each
distinct text is cleaned once (a provider's name appears on thousands of rows).

The result reads the same as `writer.add_table_sheet` on a normal workbook: same fonts, formats,
widths, frozen header, filter, print set-up and wrapped text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from desktop_app.excel import writer as w
from desktop_app.excel.print_setup import fit_widths, set_up_page
from desktop_app.excel.print_setup import _lines as wrapped_lines

__all__ = ["stream_table_sheet"]

_POINTS_PER_LINE = 1.35  # as print_setup: 15 pt rows for 11 pt text
_WRAP_ROWS_AT_MOST = 10_000  # as print_setup: past this a sheet is data for pivoting, not paper
_BODY_SIZE = 11


class _Looks:
    """Each distinct cell look made once for the sheet, then shared by every cell that has it."""

    def __init__(self, worksheet) -> None:
        self._worksheet = worksheet
        self._made: dict[tuple, object] = {}

    def style(self, look: tuple):
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
            found = self._made[look] = cell._style
        return found


def _plain_cache():
    cleaned: dict[str, object] = {}

    def plain(value: object) -> object:
        if isinstance(value, str):
            found = cleaned.get(value)
            if found is None:
                found = cleaned[value] = w.safe_text(value)
            return found
        return w._plain_value(value)

    return plain


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
    plain = _plain_cache()
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
    wrap_rows = len(rows) + len(after) <= _WRAP_ROWS_AT_MOST

    def put(row_number: int, values: Sequence[object], *, header: bool = False, title_line: bool = False,
            formats_of: Sequence[str | None] = (), may_wrap: bool = True) -> None:
        prepared = []
        tallest = 0.0
        for index, raw in enumerate(values):
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
            if may_wrap and text and index < len(fitted):
                width = fitted[index]
                if not wrap and index in narrowed and (len(text) > width - 1 or "\n" in text):
                    wrap = True
                if wrap:
                    size = 14 if title_line else _BODY_SIZE
                    room = (width - 1) * (1.0 if (bold or heading) else 1.15) * 11 / size
                    tallest = max(tallest, wrapped_lines(text, room) * size * _POINTS_PER_LINE)
            prepared.append((stored, number_format, bold, fill, font_rgb, wrap, indent,
                             isinstance(stored, CellRichText), heading, right))
        if tallest:
            worksheet.row_dimensions[row_number].height = round(tallest, 1)
        cells = []
        for stored, number_format, bold, fill, font_rgb, wrap, indent, quote, heading, right in prepared:
            top = bool(tallest) and stored is not None and not heading
            look = (number_format, bold, fill, font_rgb, wrap, top, quote, heading, indent, title_line, right)
            if stored is None and not fill:
                cells.append(None)
            elif look == (None, False, None, None, False, False, False, False, 0, False, False):
                cells.append(stored)
            else:
                cell = WriteOnlyCell(worksheet, stored)
                cell._style = looks.style(look)
                cells.append(cell)
        worksheet.append(cells)

    quote_style = looks.style((None, False, None, None, False, False, True, False, 0, False, False))
    format_styles = [
        looks.style((f, False, None, None, False, False, False, False, 0, False, False)) if f else None
        for f in column_formats
    ]

    def put_quick(values: Sequence[object]) -> bool:
        """A row of plain values where nothing can wrap (most of a Data sheet): each value's
        look comes from its column, with no per-cell decisions. False: the row needs `put`."""
        cells = []
        for index, raw in enumerate(values):
            if isinstance(raw, (w.Styled, w.Formatted)):
                return False
            stored = plain(raw)
            if stored is None or isinstance(stored, str):
                cells.append(stored)
            elif isinstance(stored, CellRichText):
                cell = WriteOnlyCell(worksheet, stored)
                cell._style = quote_style
                cells.append(cell)
            elif index < len(format_styles) and format_styles[index] is not None:
                cell = WriteOnlyCell(worksheet, stored)
                cell._style = format_styles[index]
                cells.append(cell)
            elif w._default_format(stored):
                return False
            else:
                cells.append(stored)
        worksheet.append(cells)
        return True

    quick = not wrap_rows or not narrowed
    row_number = 1
    for line_number, line in enumerate(intro, start=1):
        put(line_number, [line], title_line=line_number == 1, may_wrap=False)
        row_number += 1
    if intro:
        worksheet.append([])
        row_number += 1
    put(row_number, headers, header=True)
    row_number += 1
    for row in rows:
        if not (quick and put_quick(row)):
            put(row_number, row, formats_of=column_formats, may_wrap=wrap_rows)
        row_number += 1
    if after:
        worksheet.append([])
        row_number += 1
        for row in after:
            put(row_number, row, may_wrap=wrap_rows)
            row_number += 1
    return worksheet
