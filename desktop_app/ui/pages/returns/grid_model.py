"""The returns grid as a Qt model: one quarter, a row per strand, a column per measure.

The model keeps what the officer typed or pasted as text, laid over the stored figures, and
checks a row with the one engine (`QuarterGrid.check_row`) each time one of its cells lands, so
the marks it shows are what `save_grid` will decide. Nothing is written until the page saves.

Filters (provider, service category) only hide rows: edits of hidden rows are kept and saved.
A paste (or a clear) is one step that "Undo paste" takes back as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from desktop_app.core.numbers import CountError, format_count, parse_count
from desktop_app.core.return_checks import Problem, ReturnCheck, blocking
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.returns import GridRow, QuarterGrid
from desktop_app.ui.table_model import RECORD_ROLE

__all__ = ["ERROR", "FIRST_MEASURE", "NOTED", "PROBLEMS_ROLE", "WARNING", "GridProblem", "ReturnsGridModel", "marker_icon"]

INFO_TITLES = ("Reference", "Provider", "Strand", "Status")
FIRST_MEASURE = len(INFO_TITLES)
# The problems of a cell, for tests and the problems list (a tuple of Problem).
PROBLEMS_ROLE = Qt.ItemDataRole.UserRole + 10

# Calm tints: the icon and the words carry the meaning, the colour only draws the eye.
ERROR_BACKGROUND, ERROR_TEXT = QColor("#fde8eb"), QColor("#8a1526")
WARNING_BACKGROUND, WARNING_TEXT = QColor("#fff4d1"), QColor("#6b4e00")
CHANGED_BACKGROUND = QColor("#e5f0fa")
LOCKED_BACKGROUND, LOCKED_TEXT = QColor("#eef1f4"), QColor("#7b8794")

# The status in words, tinted as the completeness matrix tints it.
STATUS_TEXT = {None: QColor("#8a4b00"), ReturnStatus.SUBMITTED: QColor("#1f4f75"), ReturnStatus.VERIFIED: QColor("#1d6b35")}

ERROR, WARNING, NOTED = "error", "warning", "noted"
MARK_WORDS = {ERROR: "Error", WARNING: "Warning", NOTED: "Noted"}
_ICONS = {ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical, WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
          NOTED: QStyle.StandardPixmap.SP_MessageBoxInformation}


def marker_icon(mark: str) -> QIcon:
    """The cell's marker: a red cross for an error, an amber triangle for a warning, a blue "i"
    for a warning explained by a note; the style's own, so they read as they do elsewhere."""
    return QApplication.style().standardIcon(_ICONS[mark])


@dataclass(frozen=True)
class GridProblem:
    """One line of the problems list: which strand, which measure, what is wrong."""

    strand_id: int
    reference: str
    measure_key: str | None
    measure_label: str
    problem: Problem
    mark: str  # ERROR, WARNING (needs a note) or NOTED (a note explains it)
    note: str

    @property
    def words(self) -> str:
        return MARK_WORDS[self.mark]

    @property
    def message(self) -> str:
        return self.problem.message


class ReturnsGridModel(QAbstractTableModel):
    """The grid's rows and columns; `edits_changed` fires whenever what is unsaved changes."""

    edits_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.grid: QuarterGrid | None = None
        self._all: tuple[GridRow, ...] = ()
        self._rows: list[GridRow] = []
        self._keys: tuple[str, ...] = ()
        self._edits: dict[int, dict[str, str]] = {}
        self._notes: dict[int, dict[str, str]] = {}
        self._checks: dict[int, ReturnCheck] = {}
        # One entry per paste or clear: each cell it touched and the edit it held before it.
        self._undo: list[dict[tuple[int, str], str | None]] = []
        self._filter: tuple[int | None, str | None] = (None, None)
        # Each row's return version as it was when the officer started editing it (see `versions`).
        self._versions: dict[int, int] = {}

    # ------------------------------------------------------------------ loading and filtering

    def load(self, grid: QuarterGrid, *, keep_edits: bool = False) -> None:
        """Show `grid`; with `keep_edits` (the same quarter, refreshed) unsaved edits stay."""
        self.beginResetModel()
        same = keep_edits and self.grid is not None and self.grid.quarter == grid.quarter
        self.grid = grid
        self._all = grid.rows
        self._keys = tuple(m.key for m in grid.columns)
        if same:
            # A row that became locked meanwhile cannot keep edits it could never save.
            editable = {r.strand_id for r in grid.rows if r.editable}
            self._edits = {s: e for s, e in self._edits.items() if s in editable}
            self._notes = {s: n for s, n in self._notes.items() if s in editable}
        else:
            self._edits, self._notes, self._undo = {}, {}, []
        # A refresh keeps an edited row's old version, so saving over a return someone else saved
        # meanwhile is refused instead of quietly taking their save as seen.
        kept = {s: v for s, v in self._versions.items() if s in self._edits or s in self._notes}
        self._versions = {r.strand_id: kept.get(r.strand_id, r.version) for r in grid.rows}
        self._checks = {r.strand_id: self._check(r) for r in grid.rows}
        self._apply_filter()
        self.endResetModel()
        self.edits_changed.emit()

    def set_filter(self, provider_id: int | None = None, service_category_key: str | None = None) -> None:
        self.beginResetModel()
        self._filter = (provider_id, service_category_key)
        self._apply_filter()
        self.endResetModel()
        self.edits_changed.emit()  # the problems list shows the rows in view

    def _apply_filter(self) -> None:
        provider, category = self._filter
        self._rows = [r for r in self._all if provider in (None, r.provider_id) and category in (None, r.service_category_key)]

    # ------------------------------------------------------------------ rows, columns, cells

    def row_at(self, row: int) -> GridRow:
        return self._rows[row]

    def rows(self) -> list[GridRow]:
        return list(self._rows)

    def row_of(self, strand_id: int) -> int:
        """The visible row of a strand, or -1 when it is filtered out."""
        return next((i for i, r in enumerate(self._rows) if r.strand_id == strand_id), -1)

    def measure_at(self, column: int):
        """The measure of a column, or None for the strand's own columns."""
        return self.grid.columns[column - FIRST_MEASURE] if self.grid and column >= FIRST_MEASURE else None

    def column_of(self, key: str) -> int:
        return FIRST_MEASURE + self._keys.index(key)

    def text_of(self, row: GridRow, key: str) -> str:
        """A cell as shown: what was typed (a readable count with its thousands separator),
        or the stored figure."""
        raw = self._edits.get(row.strand_id, {}).get(key)
        if raw is None:
            return format_count(row.values.get(key))
        try:
            return format_count(parse_count(raw))
        except CountError:
            return raw

    def row_edits(self, strand_id: int) -> dict[str, str]:
        return dict(self._edits.get(strand_id, {}))

    def notes_of(self, row: GridRow) -> dict[str, str]:
        """The row's notes as they would be saved: stored, with the notes given here over them."""
        return {**row.notes, **self._notes.get(row.strand_id, {})}

    def note(self, strand_id: int, note_key: str) -> str:
        row = next(r for r in self._all if r.strand_id == strand_id)
        return self.notes_of(row).get(note_key, "")

    def cell_problems(self, row: GridRow, key: str) -> tuple[Problem, ...]:
        return self._checks[row.strand_id].for_measure(key)

    def cell_mark(self, row: GridRow, key: str) -> str | None:
        """ERROR, WARNING (a warning with no note), NOTED (every warning explained), or None."""
        problems, notes = self.cell_problems(row, key), self.notes_of(row)
        if not problems or any(p.is_error for p in problems):
            return ERROR if problems else None
        return WARNING if any(not notes.get(p.note_key, "").strip() for p in problems) else NOTED

    # ------------------------------------------------------------------ Qt's interface

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else FIRST_MEASURE + len(self._keys)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        measure = self.measure_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if measure is None:
                return INFO_TITLES[section]
            # Two short lines ("Rep.\nbefore") keep seven measures and the strand on a laptop screen.
            return measure.short_label.replace(" ", "\n", 1)
        if role == Qt.ItemDataRole.ToolTipRole and measure is not None:
            return f"<b>{measure.label}</b><br>{measure.help_text}"
        if role == Qt.ItemDataRole.TextAlignmentRole and measure is not None:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() >= FIRST_MEASURE and self._rows[index.row()].editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == RECORD_ROLE:
            return row
        measure = self.measure_at(index.column())
        if measure is None:
            return self._info_data(row, index.column(), role)
        return self._cell_data(row, measure, role)

    def _info_data(self, row: GridRow, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            status = "Draft (copied)" if row.copied_from_previous else row.status_words
            return (row.reference, row.provider_name, row.strand_name, status)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._status_tip(row) if column == 3 else f"{row.reference} {row.strand_name}\n{row.provider_name}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return LOCKED_TEXT if not row.editable else STATUS_TEXT.get(row.status) if column == 3 else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return None if row.editable else LOCKED_BACKGROUND
        if role == Qt.ItemDataRole.FontRole and column == 0 and row.strand_id in self._edits:
            font = QFont()
            font.setBold(True)  # the row has unsaved changes
            return font
        return None

    def _status_tip(self, row: GridRow) -> str:
        if not row.editable:
            return "Locked: included in an MoJ submission. Open the return (Ctrl+Enter) to reopen it with a reason."
        if row.copied_from_previous:
            return "Copied from last quarter — check every figure"
        if row.status is None:
            return "No return yet: type or paste its figures, or open the form (Ctrl+Enter)."
        return row.status_words

    def _cell_data(self, row: GridRow, measure, role: int):
        key = measure.key
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.text_of(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == PROBLEMS_ROLE:
            return self.cell_problems(row, key)
        mark = self.cell_mark(row, key)
        if role == Qt.ItemDataRole.DecorationRole:
            return marker_icon(mark) if mark else None
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return self._cell_tip(row, measure, mark)
        if role == Qt.ItemDataRole.BackgroundRole:
            changed = CHANGED_BACKGROUND if key in self._edits.get(row.strand_id, {}) else None
            return LOCKED_BACKGROUND if not row.editable else {ERROR: ERROR_BACKGROUND, WARNING: WARNING_BACKGROUND}.get(mark, changed)
        if role == Qt.ItemDataRole.ForegroundRole:
            return LOCKED_TEXT if not row.editable else {ERROR: ERROR_TEXT, WARNING: WARNING_TEXT}.get(mark)
        return None

    def _cell_tip(self, row: GridRow, measure, mark: str | None) -> str:
        lines = [f"{row.reference} · {measure.label}"]
        notes = self.notes_of(row)
        for problem in self.cell_problems(row, measure.key):
            lines.append(f"{'Error' if problem.is_error else 'Warning'}: {problem.message}")
            if not problem.is_error and notes.get(problem.note_key, "").strip():
                lines.append(f"Note: {notes[problem.note_key].strip()}")
        if measure.key in self._edits.get(row.strand_id, {}):
            before = format_count(row.values.get(measure.key)) or "blank"
            lines.append(f"Changed from {before} (not saved yet)")
        if not row.editable:
            lines.append("Locked: reopen the return to change it")
        return "\n".join(lines)

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row = self._rows[index.row()]
        self._put({(row.strand_id, self.measure_at(index.column()).key): "" if value is None else str(value)})
        return True

    # ------------------------------------------------------------------ pasting and undoing

    def paste(self, top: int, left: int, block: list[list[str]]) -> tuple[int, int]:
        """Lay `block` (rows of cell texts) over the visible grid from row `top`, column `left`
        (a strand column means "from the first measure"). Locked rows and cells past the
        grid's edge are skipped. One undo step. Returns (cells pasted, cells skipped)."""
        left = max(left, FIRST_MEASURE)
        cells: dict[tuple[int, str], str] = {}
        skipped = 0
        for r, values in enumerate(block):
            for c, text in enumerate(values):
                row, column = top + r, left + c
                if row >= len(self._rows) or column >= self.columnCount() or not self._rows[row].editable:
                    skipped += 1
                    continue
                cells[(self._rows[row].strand_id, self._keys[column - FIRST_MEASURE])] = text
        self._put(cells, undoable=True)
        return len(cells), skipped

    def clear(self, indexes) -> int:
        """Blank the editable measure cells among `indexes` (not collected); one undo step."""
        cells = {(self._rows[i.row()].strand_id, self.measure_at(i.column()).key): ""
                 for i in indexes if self.flags(i) & Qt.ItemFlag.ItemIsEditable}
        self._put(cells, undoable=True)
        return len(cells)

    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo_paste(self) -> bool:
        """Put back every cell of the last paste (or clear) as it was before it."""
        if not self._undo:
            return False
        self._put(self._undo.pop())
        return True

    def _put(self, cells: Mapping[tuple[int, str], str | None], *, undoable: bool = False) -> None:
        """Set cells' texts (None: no edit), drop edits equal to the stored figure, re-check
        each row touched once, and tell the views."""
        if not cells:
            return
        if undoable:
            self._undo.append({cell: self._edits.get(cell[0], {}).get(cell[1]) for cell in cells})
        rows = {r.strand_id: r for r in self._all}
        for (strand_id, key), text in cells.items():
            edits = self._edits.setdefault(strand_id, {})
            if text is None or _same(text, rows[strand_id].values.get(key)):
                edits.pop(key, None)
            else:
                edits[key] = text
            if not edits:
                del self._edits[strand_id]
        for strand_id in {s for s, _k in cells}:
            self._checks[strand_id] = self._check(rows[strand_id])
            self._row_changed(strand_id)
        self.edits_changed.emit()

    def _row_changed(self, strand_id: int) -> None:
        # The whole row: a broken rule marks every measure it involves.
        row = self.row_of(strand_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def _check(self, row: GridRow) -> ReturnCheck:
        return self.grid.check_row(row, self._edits.get(row.strand_id))

    # ------------------------------------------------------------------ notes

    def set_note(self, strand_id: int, note_key: str, text: str) -> None:
        """The note explaining a warning (or the return's own notes under `RETURN_NOTE`)."""
        row = next(r for r in self._all if r.strand_id == strand_id)
        notes = self._notes.setdefault(strand_id, {})
        if text.strip() == row.notes.get(note_key, "").strip():
            notes.pop(note_key, None)
        else:
            notes[note_key] = text
        if not notes:
            del self._notes[strand_id]
        self._row_changed(strand_id)
        self.edits_changed.emit()

    # ------------------------------------------------------------------ what is unsaved

    def changed_cells(self) -> int:
        return sum(len(e) for e in self._edits.values())

    def has_changes(self) -> bool:
        return bool(self._edits or self._notes)

    def edits(self) -> dict[int, dict[str, str]]:
        """Strand id → {measure key: text}, as `save_grid` takes them."""
        return {s: dict(e) for s, e in self._edits.items()}

    def notes(self) -> dict[int, dict[str, str]]:
        """Strand id → {note key: note}, the return's own notes under `RETURN_NOTE`."""
        return {s: dict(n) for s, n in self._notes.items()}

    def versions(self) -> dict[int, int]:
        """Strand id → the return's version the edits were made over, for every edited row."""
        return {s: self._versions[s] for s in set(self._edits) | set(self._notes) if s in self._versions}

    def discard(self, strand_id: int | None = None) -> None:
        """Forget unsaved edits and notes: one strand's, or all of them."""
        if strand_id is None:
            self._edits, self._notes, self._undo = {}, {}, []
        else:
            self._edits.pop(strand_id, None)
            self._notes.pop(strand_id, None)
        # What is shown now is what the row is edited over from here on.
        self._versions = {r.strand_id: self._versions.get(r.strand_id, r.version) if r.strand_id in self._edits
                          or r.strand_id in self._notes else r.version for r in self._all}
        self.beginResetModel()
        self._checks = {r.strand_id: self._check(r) for r in self._all}
        self.endResetModel()
        self.edits_changed.emit()

    def problems(self) -> list[GridProblem]:
        """Every problem of the rows in view: errors first, then warnings needing a note, then
        warnings already explained; each in grid order."""
        found: list[GridProblem] = []
        labels = {m.key: m.label for m in self.grid.columns} if self.grid else {}
        for row in self._rows:
            notes = self.notes_of(row)
            for problem in self._checks[row.strand_id].problems:
                note = notes.get(problem.note_key, "").strip()
                mark = ERROR if problem.is_error else (NOTED if note else WARNING)
                label = labels.get(problem.measure_key or "", "Whole return")
                found.append(GridProblem(row.strand_id, row.reference, problem.measure_key, label, problem, mark,
                                         "" if problem.is_error else note))
        order = {ERROR: 0, WARNING: 1, NOTED: 2}
        return sorted(found, key=lambda p: order[p.mark])  # stable: grid order within each

    def blocking_counts(self) -> tuple[int, int]:
        """(errors, warnings with no note) in the rows with unsaved changes, hidden ones too:
        what `save_grid` would refuse."""
        errors = warnings = 0
        for row in (r for r in self._all if r.strand_id in self._edits or r.strand_id in self._notes):
            for problem in blocking(self._checks[row.strand_id], self.notes_of(row)):
                errors, warnings = (errors + 1, warnings) if problem.is_error else (errors, warnings + 1)
        return errors, warnings


def _same(text: str, stored: int | None) -> bool:
    """Whether typed text says the same as the stored figure (so it is no change)."""
    try:
        return parse_count(text) == stored
    except CountError:
        return False

