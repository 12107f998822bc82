"""Reading a block of cells pasted from Excel or LibreOffice Calc.

Both put tab-separated text on the clipboard: cells split by tabs, rows by CRLF (Excel on
Windows) or LF, and a line break after the last row. A cell holding a tab or a line break
(in some programs, any double quote) is written in double quotes, with each quote inside
doubled: a cell reading `5" screen` is written `"5"" screen"`.

Cells are kept as text: `1,234` stays `1,234` for `parse_count` to read, so the
grid can say what was wrong with exactly what was pasted.
"""

from __future__ import annotations

__all__ = ["parse_paste", "rectangular"]


def parse_paste(text: str) -> list[list[str]]:
    """The pasted block as rows of cell texts.

    Rows may differ in length (a ragged block is returned as it came; see `rectangular`).
    One line break at the very end is ignored, as spreadsheets always add one; an empty
    clipboard gives no rows. A quote that does not close a quoted cell is kept as text.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected the pasted text, got {type(text).__name__}")
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    rows: list[list[str]] = []
    row: list[str] = []
    i, size = 0, len(text)
    while True:
        cell, i = _cell(text, i)
        row.append(cell)
        if i >= size:
            rows.append(row)
            return rows
        if text[i] == "\t":
            i += 1
            if i >= size:  # a tab at the very end: one more, empty, cell
                row.append("")
                rows.append(row)
                return rows
            continue
        # A row break: CRLF or LF.
        i += 2 if text.startswith("\r\n", i) else 1
        rows.append(row)
        row = []
        if i >= size:  # a blank last line (the trailing one was already taken off)
            rows.append([""])
            return rows


def _cell(text: str, i: int) -> tuple[str, int]:
    """The cell starting at `i`, and the index of the tab or line break after it (or the end)."""
    if i < len(text) and text[i] == '"':
        quoted = _quoted(text, i)
        if quoted is not None:
            return quoted
    end = i
    while end < len(text) and text[end] not in "\t\n" and not text.startswith("\r\n", end):
        end += 1
    return text[i:end], end


def _quoted(text: str, i: int) -> tuple[str, int] | None:
    """A quoted cell starting at `i`, or None when the quotes do not close one properly."""
    parts: list[str] = []
    j = i + 1
    while True:
        close = text.find('"', j)
        if close < 0:
            return None
        parts.append(text[j:close])
        if text.startswith('""', close):
            parts.append('"')
            j = close + 2
            continue
        after = close + 1
        # A quoted cell must end at a tab, a line break or the end; otherwise it was plain text
        # that happened to start with a quote.
        if after == len(text) or text[after] in "\t\n" or text.startswith("\r\n", after):
            # Excel writes a line break inside a cell as LF; CRLF from other programs too.
            return "".join(parts).replace("\r\n", "\n"), after
        return None


def rectangular(rows: list[list[str]]) -> list[list[str]]:
    """The rows padded with empty cells to the longest row's length."""
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]
