"""How every sheet the program writes comes out on paper: A4, one page wide, readable.

A4 (not the US Letter openpyxl leaves), portrait when the columns fit, else landscape; fit to one
page wide and as many long as it takes; the header rows repeated on every page; a footer with
the sheet's name and "Page N of M". A sheet too wide to fit at 80% (9 pt text from 11 pt) has its
widest text columns narrowed and their long text wrapped instead, so nothing prints below ~8 pt
and no name is cut off. Rows holding wrapped text are made tall enough to show it.

`set_up_page` needs only the column widths, so a write-only sheet can call it too;
`prepare_for_print` is the pass each writer runs over its finished (normal) workbook before saving.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "A4",
    "LANDSCAPE_WIDTH_PX",
    "MIN_SCALE",
    "PORTRAIT_WIDTH_PX",
    "columns_px",
    "fit_widths",
    "prepare_for_print",
    "print_scale",
    "set_up_page",
]

A4 = 9  # the paperSize code of A4 in SpreadsheetML
FOOTER_LEFT = "&A"  # the sheet's name
FOOTER_RIGHT = "Page &P of &N"
MIN_SCALE = 0.8  # 11 pt text prints at 8.8 pt or larger

# Margins in inches: narrow at the sides, room at the foot for the footer.
_SIDE, _TOP, _BOTTOM, _HEADER, _FOOTER = 0.4, 0.5, 0.6, 0.3, 0.3
_DPI = 96
PORTRAIT_WIDTH_PX = round((8.27 - 2 * _SIDE) * _DPI)  # what fits across A4 at 100%
LANDSCAPE_WIDTH_PX = round((11.69 - 2 * _SIDE) * _DPI)

_DEFAULT_WIDTH = 8.43  # a column openpyxl left at Excel's default
_NARROWEST = 12.0  # a text column is never narrowed below this many characters
_POINTS_PER_LINE = 1.35  # line height per point of font size (15 pt rows for 11 pt text)
_WRAP_ROWS_AT_MOST = 10_000  # past this a sheet is data for pivoting, not for paper


def columns_px(widths: Sequence[float]) -> int:
    """How wide the columns print at 100%, in pixels at 96 dpi (Excel's width-to-pixel rule)."""
    return sum(math.trunc(width * 7 + 5) for width in widths)


def print_scale(widths: Sequence[float]) -> float:
    """The scale "fit to one page wide" will print at (1.0 when the columns fit as they are)."""
    needed = columns_px(widths)
    page = PORTRAIT_WIDTH_PX if needed <= PORTRAIT_WIDTH_PX else LANDSCAPE_WIDTH_PX
    return min(1.0, page / needed) if needed else 1.0


def fit_widths(widths: Sequence[float], floors: Sequence[float] = ()) -> list[float]:
    """`widths` with the widest columns narrowed until the sheet prints one landscape page wide
    at `MIN_SCALE` or more; never below 12 characters, nor below a column's `floors` entry (its
    header's longest word, which cannot wrap); columns already narrow are kept as they are."""
    widths = list(widths)
    lowest = [max(_NARROWEST, floors[i] if i < len(floors) else 0) for i in range(len(widths))]
    budget = LANDSCAPE_WIDTH_PX / MIN_SCALE

    def capped(cap: float) -> list[float]:
        return [w if w <= low else max(low, min(w, cap)) for w, low in zip(widths, lowest)]

    if columns_px(widths) <= budget:
        return widths
    # The widest cap at which everything fits: lower it one character at a time.
    cap = max(widths)
    while cap > _NARROWEST and columns_px(capped(cap)) > budget:
        cap -= 1
    return capped(cap)


def set_up_page(
    worksheet, widths: Sequence[float], *, title_rows: str | None = None, drawings_px: int = 0,
    title_cols: str | None = None,
) -> None:
    """A4, the orientation the columns (or charts reaching `drawings_px` across) need, one page
    wide, `title_rows` ("4:4") repeated, the footer. Works on a normal or a write-only worksheet.

    A sheet too wide to fit one landscape page at `MIN_SCALE` (a return with every measure of
    the catalogue) prints across several pages at that scale instead, with `title_cols` ("A:C",
    the columns that say which row is which) repeated on each: readable text on two pages beats
    4 pt text on one."""
    setup = worksheet.page_setup
    setup.paperSize = A4
    across = max(columns_px(widths), drawings_px)
    setup.orientation = "portrait" if across <= PORTRAIT_WIDTH_PX else "landscape"
    setup.fitToHeight = 0  # as many pages long as the rows need
    if across * MIN_SCALE <= LANDSCAPE_WIDTH_PX:
        setup.fitToWidth = 1
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        worksheet.sheet_properties.pageSetUpPr.fitToPage = False
        setup.scale = round(MIN_SCALE * 100)
        if title_cols:
            worksheet.print_title_cols = title_cols
    margins = worksheet.page_margins
    margins.left = margins.right = _SIDE
    margins.top, margins.bottom = _TOP, _BOTTOM
    margins.header, margins.footer = _HEADER, _FOOTER
    if title_rows:
        worksheet.print_title_rows = title_rows
    for footer in (worksheet.oddFooter, worksheet.evenFooter):
        footer.left.text, footer.right.text = FOOTER_LEFT, FOOTER_RIGHT
    # Excel shrinks the footer with the sheet unless told not to; it stays at its full 11 pt.
    worksheet.HeaderFooter.scaleWithDoc = False


def _widths_of(worksheet: Worksheet) -> list[float]:
    return [
        worksheet.column_dimensions[get_column_letter(column)].width or _DEFAULT_WIDTH
        for column in range(1, worksheet.max_column + 1)
    ]


def _drawings_px(worksheet: Worksheet, widths: Sequence[float]) -> int:
    """How far across the sheet's charts reach, in pixels (they may lie beyond the last column)."""
    reach = 0
    for chart in getattr(worksheet, "_charts", ()):
        anchor = chart.anchor if isinstance(chart.anchor, str) else None
        if anchor is None:
            continue
        column = column_index_from_string(coordinate_from_string(anchor)[0])
        before = [widths[i] if i < len(widths) else _DEFAULT_WIDTH for i in range(column - 1)]
        reach = max(reach, columns_px(before) + round(chart.width / 2.54 * _DPI))
    return reach


def _naming_columns(worksheet: Worksheet, header: int | None) -> str | None:
    """The leading text columns of a table ("A:C": reference, provider, strand), which say what
    each row is and so repeat on every page across; at most four."""
    if not header or worksheet.max_row <= header:
        return None
    first_row = next(worksheet.iter_rows(min_row=header + 1, max_row=header + 1, values_only=True), ())
    count = 0
    for value in first_row[:4]:
        if not isinstance(value, str):
            break
        count += 1
    return f"A:{get_column_letter(count)}" if count else None


def _header_row(worksheet: Worksheet) -> int | None:
    """The table's header row: the repeated title row, else the row above the frozen pane."""
    if worksheet.print_title_rows:
        return int(str(worksheet.print_title_rows).split(":")[-1].lstrip("$"))
    if worksheet.freeze_panes:
        row = worksheet[worksheet.freeze_panes].row
        return row - 1 if row > 1 else None
    return None


def _lines(text: str, characters: float) -> int:
    """About how many lines `text` word-wraps to in a column `characters` wide."""
    across = max(1.0, characters)
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0
        for word in paragraph.split():
            needed = len(word) if used == 0 else used + 1 + len(word)
            if needed <= across or used == 0:
                used = needed
                # A word longer than the column is broken across lines.
                while used > across:
                    count, used = count + 1, used - across
            else:
                count, used = count + 1, len(word)
    return max(1, count)


def _span_widths(worksheet: Worksheet, widths: Sequence[float]) -> dict[str, float]:
    """The printed width of each one-row merged range, by its first cell."""
    spans = {}
    for merged in worksheet.merged_cells.ranges:
        if merged.min_row == merged.max_row:
            spans[merged.start_cell.coordinate] = sum(widths[merged.min_col - 1 : merged.max_col])
    return spans


def _at_top(alignment: Alignment, *, wrap_text: bool | None = None) -> Alignment:
    return Alignment(
        horizontal=alignment.horizontal, vertical="top",
        wrap_text=alignment.wrap_text if wrap_text is None else wrap_text, indent=alignment.indent,
    )


def prepare_for_print(workbook) -> None:
    """Set up every visible sheet of a finished workbook for A4 (see the module docstring)."""
    for worksheet in workbook.worksheets:
        if worksheet.sheet_state != "visible" or not isinstance(worksheet, Worksheet):
            continue
        _prepare_sheet(worksheet)


def _prepare_sheet(worksheet: Worksheet) -> None:
    before = _widths_of(worksheet)
    header = _header_row(worksheet)
    floors = []
    if header:
        for cell in worksheet[header]:
            words = str(cell.value or "").split()
            floors.append(max((len(word) for word in words), default=0) + 2.0)
    widths = fit_widths(before, floors)
    for column, (old, new) in enumerate(zip(before, widths), start=1):
        if new != old:
            worksheet.column_dimensions[get_column_letter(column)].width = new
    set_up_page(
        worksheet, widths, title_rows=f"{header}:{header}" if header else None,
        drawings_px=_drawings_px(worksheet, widths), title_cols=_naming_columns(worksheet, header),
    )
    if worksheet.max_row > _WRAP_ROWS_AT_MOST:
        return
    narrowed = {column for column, (old, new) in enumerate(zip(before, widths), start=1) if new < old}
    spans = _span_widths(worksheet, widths)
    # Text above the header (titles, the period) may run across the page; below it, it wraps.
    first_wrapped = header or 1
    for row in worksheet.iter_rows(min_row=first_wrapped):
        tallest = 0.0
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value:
                continue
            width = spans.get(cell.coordinate, widths[cell.column - 1])
            alignment = cell.alignment
            long_text = len(cell.value) > width - 1 or "\n" in cell.value
            if cell.column in narrowed and long_text and not alignment.wrap_text:
                cell.alignment = _at_top(alignment, wrap_text=True)
            if cell.alignment.wrap_text:
                size = cell.font.sz or 11
                # A width counts digits; letters of running text are narrower on average, bold ones less so.
                room = (width - 1) * (1.0 if cell.font.b else 1.15) * 11 / size
                tallest = max(tallest, _lines(cell.value, room) * size * _POINTS_PER_LINE)
        if tallest:
            dimension = worksheet.row_dimensions[row[0].row]
            dimension.height = max(dimension.height or 0, round(tallest, 1))
            # In a tall row every cell starts at the top, level with the first line of the wrapped text.
            for cell in row:
                if cell.value is not None and cell.alignment.vertical in (None, "bottom"):
                    cell.alignment = _at_top(cell.alignment)
