"""The cells of a filled template, read in one pass over each part the import needs.

openpyxl's read-only mode builds a cell object for every cell of every sheet it is asked for and
parses the whole style sheet first; the import needs only the hidden record, the labels and the
input cells. This reads the .xlsx parts directly with the standard library's expat parser: the
workbook's sheet list, the shared strings, the number formats of the cell styles, then each sheet
the layout names, once, up to its last wanted row. Values come back as openpyxl reads them with
`data_only=False` (so the checks stay the same): a formula as `=...` with data type "f", a number
under a date or time format as the date, time or duration it shows, shared and inline strings as
text, booleans as bool.

It runs after `file_checks` (sizes, zip and XML bombs, no DTD) and refuses a DOCTYPE or entity
declaration itself as well, as defusedxml does for openpyxl.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
from collections.abc import Collection
from pathlib import Path
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

__all__ = ["CellRead", "TemplateCells", "UnreadablePart"]

# (value, data type as openpyxl names it: "n", "s", "b", "d", "e" or "f", number format or None)
CellRead = tuple[object, str, str | None]

_RELATIONSHIP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class UnreadablePart(ValueError):
    """A part of the workbook is missing or is not the XML it should be."""


class _Stop(Exception):
    """Raised from a handler once every wanted cell is read: the rest of the sheet is skipped."""


def _local(name: str) -> str:
    # Names come as "namespace local" (namespace_separator=" "); Excel and LibreOffice put the
    # same elements under a prefix or none.
    return name.rpartition(" ")[2]


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse(*_args: object) -> None:
        raise UnreadablePart("declares a DTD or an entity, which a workbook never needs")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


class TemplateCells:
    """One open .xlsx: its sheet names and, per sheet, the cells asked for."""

    def __init__(self, path: Path | str) -> None:
        self._zip = zipfile.ZipFile(path)
        try:
            self._names = set(self._zip.namelist())
            self._main = self._main_part()
            self._main_relationships = self._relationships(self._main)
            self._sheets, self._epoch = self._workbook()
            self._strings = self._shared_strings()
            self._formats = self._style_formats()
        except BaseException:
            self._zip.close()
            raise
        self._date_styles = {i for i, code in enumerate(self._formats) if code and is_date_format(code)}
        self._duration_styles = {i for i in self._date_styles if is_timedelta_format(self._formats[i])}

    @property
    def sheetnames(self) -> list[str]:
        return list(self._sheets)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> TemplateCells:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the parts

    def _parse(self, part: str, parser: expat.XMLParserType) -> None:
        if part not in self._names:
            raise UnreadablePart(f"its part {part} is missing")
        with self._zip.open(part) as stream:
            try:
                parser.ParseFile(stream)
            except _Stop:
                pass
            except expat.ExpatError as error:
                raise UnreadablePart(f"its part {part} is not well-formed XML ({error})") from None

    def _relationships(self, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        found: dict[str, str] = {}
        if rels not in self._names:
            return found
        parser = _parser()

        def start(tag: str, attrs: dict[str, str]) -> None:
            if _local(tag) == "Relationship" and "Id" in attrs and "Target" in attrs:
                target = attrs["Target"]
                found[attrs["Id"]] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target)
                )

        parser.StartElementHandler = start
        self._parse(rels, parser)
        return found

    def _workbook(self) -> tuple[dict[str, str], dt.datetime]:
        workbook, targets = self._main, self._main_relationships
        sheets: dict[str, str] = {}
        epoch = [CALENDAR_WINDOWS_1900]
        parser = _parser()

        def start(tag: str, attrs: dict[str, str]) -> None:
            name = _local(tag)
            if name == "sheet":
                target = targets.get(attrs.get(f"{_RELATIONSHIP_NS} id", ""))
                if target is not None and "name" in attrs:
                    sheets[attrs["name"]] = target
            elif name == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                epoch[0] = CALENDAR_MAC_1904

        parser.StartElementHandler = start
        self._parse(workbook, parser)
        return sheets, epoch[0]

    def _main_part(self) -> str:
        for target in self._relationships("").values():
            if target.endswith(".xml") and "workbook" in posixpath.basename(target).lower():
                return target
        return "xl/workbook.xml"

    def _shared_strings(self) -> list[str]:
        part = next((t for t in self._main_relationships.values() if t.endswith("sharedStrings.xml")), None)
        if part is None or part not in self._names:
            return []
        strings: list[str] = []
        pieces: list[str] = []
        state = {"text": False, "phonetic": 0}
        parser = _parser()

        def start(tag: str, _attrs: dict[str, str]) -> None:
            name = _local(tag)
            if name == "si":
                pieces.clear()
            elif name == "rPh":
                state["phonetic"] += 1  # pronunciation guides are not part of the text
            elif name == "t" and not state["phonetic"]:
                state["text"] = True

        def end(tag: str) -> None:
            name = _local(tag)
            if name == "si":
                strings.append("".join(pieces))
            elif name == "rPh":
                state["phonetic"] -= 1
            elif name == "t":
                state["text"] = False

        def text(data: str) -> None:
            if state["text"]:
                pieces.append(data)

        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
        self._parse(part, parser)
        return strings

    def _style_formats(self) -> list[str | None]:
        """Each cell style's number format code, by style index."""
        part = next((t for t in self._main_relationships.values() if t.endswith("styles.xml")), None)
        if part is None or part not in self._names:
            return []
        custom: dict[int, str] = {}
        styles: list[int] = []
        depth = {"cellXfs": False}
        parser = _parser()

        def start(tag: str, attrs: dict[str, str]) -> None:
            name = _local(tag)
            if name == "numFmt":
                try:
                    custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
                except ValueError:
                    pass
            elif name == "cellXfs":
                depth["cellXfs"] = True
            elif name == "xf" and depth["cellXfs"]:
                try:
                    styles.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    styles.append(0)

        def end(tag: str) -> None:
            if _local(tag) == "cellXfs":
                depth["cellXfs"] = False

        parser.StartElementHandler, parser.EndElementHandler = start, end
        self._parse(part, parser)
        return [custom.get(number, BUILTIN_FORMATS.get(number)) for number in styles]

    # ------------------------------------------------------------------ the cells

    def cells(self, sheet: str, wanted: Collection[str] | None = None) -> dict[str, CellRead]:
        """Address → (value, data type, number format) of `wanted` cells (every cell with a value
        when None), in one pass that stops after the last wanted row."""
        positions: set[tuple[int, int]] | None = None
        last_row = None
        if wanted is not None:
            positions = set()
            for address in wanted:
                letters, row = coordinate_from_string(address)
                positions.add((row, column_index_from_string(letters)))
            if not positions:
                return {}
            last_row = max(row for row, _ in positions)
        found: dict[str, CellRead] = {}
        current: dict[str, object] = {}
        counters = [0, 0]  # row, column: for cells and rows written without their address
        parser = _parser()
        strings, formats = self._strings, self._formats

        def start(tag: str, attrs: dict[str, str]) -> None:
            name = _local(tag)
            if name == "c":
                reference = attrs.get("r")
                if reference:
                    letters, row = coordinate_from_string(reference)
                    column = column_index_from_string(letters)
                else:
                    row, column = counters[0], counters[1] + 1
                counters[1] = column
                current.clear()
                current.update(row=row, column=column, t=attrs.get("t", "n"), s=attrs.get("s"), v=None, f=None, text=[])
            elif name == "row":
                reference = attrs.get("r")
                counters[0] = int(reference) if reference else counters[0] + 1
                counters[1] = 0
                if last_row is not None and counters[0] > last_row:
                    raise _Stop
            elif name in ("v", "f", "t") and current:
                current["collect"] = name
                current["buffer"] = []

        def text(data: str) -> None:
            buffer = current.get("buffer")
            if buffer is not None:
                buffer.append(data)

        def end(tag: str) -> None:
            name = _local(tag)
            if name in ("v", "f", "t") and current.get("collect") == name:
                joined = "".join(current.pop("buffer"))
                current.pop("collect")
                if name == "t":
                    current["text"].append(joined)
                else:
                    current[name] = joined
            elif name == "c" and current:
                key = (current["row"], current["column"])
                if positions is None or key in positions:
                    address = f"{get_column_letter(key[1])}{key[0]}"
                    found[address] = self._value(current, strings, formats)
                current.clear()

        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
        part = self._sheets.get(sheet)
        if part is None:
            raise KeyError(sheet)
        self._parse(part, parser)
        return found

    def rows(self, sheet: str) -> list[tuple[object, ...]]:
        """Every row's values from column A, as `iter_rows(values_only=True)` gives them."""
        cells = self.cells(sheet)
        if not cells:
            return []
        grid: dict[int, dict[int, object]] = {}
        for address, (value, _type, _format) in cells.items():
            letters, row = coordinate_from_string(address)
            grid.setdefault(row, {})[column_index_from_string(letters)] = value
        width = max(max(columns) for columns in grid.values())
        return [
            tuple(grid.get(row, {}).get(column) for column in range(1, width + 1)) for row in range(1, max(grid) + 1)
        ]

    def _value(self, cell: dict[str, object], strings: list[str], formats: list[str | None]) -> CellRead:
        style = cell["s"]
        try:
            style_index = int(style) if style else 0
        except ValueError:
            style_index = 0
        number_format = formats[style_index] if 0 <= style_index < len(formats) else None
        if cell["f"] is not None:
            return f"={cell['f']}", "f", number_format
        kind, raw = cell["t"], cell["v"] or None
        if kind == "inlineStr":
            return "".join(cell["text"]), "s", number_format
        if raw is None:
            return None, "n" if kind == "n" else str(kind), number_format
        if kind == "s":
            try:
                return strings[int(raw)], "s", number_format
            except (ValueError, IndexError):
                raise UnreadablePart(f"a cell refers to shared string {raw!r}, which is not there") from None
        if kind == "str":
            return raw, "s", number_format
        if kind == "b":
            return raw.strip() in ("1", "true"), "b", number_format
        if kind == "e":
            return raw, "e", number_format
        if kind == "d":
            return from_ISO8601(raw), "d", number_format
        number: int | float
        try:
            number = float(raw) if any(c in raw for c in ".eE") else int(raw)
        except ValueError:
            raise UnreadablePart(f"a cell holds {raw!r} where a number belongs") from None
        if style_index in self._date_styles:
            try:
                return from_excel(number, self._epoch, timedelta=style_index in self._duration_styles), "d", number_format
            except (OverflowError, ValueError):
                return "#VALUE!", "e", number_format
        return number, "n", number_format
