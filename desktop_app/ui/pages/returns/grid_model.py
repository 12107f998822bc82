"""The returns grid as a Qt model: one quarter, a row per strand, a column per measure.

The model keeps what the officer typed or pasted as text, laid over the stored figures, and
checks a row with the one engine (`QuarterGrid.check_row`) each time one of its cells lands, so
the marks it shows are what `save_grid` will decide. Nothing is written until the page saves.

Filters (provider, service category) only hide rows: edits of hidden rows are kept and saved.
A paste (or a clear) is one step that "Undo paste" takes back as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from desktop_app.core.numbers import CountError, format_count, parse_count
from desktop_app.core.outcomes import outcome_pairs, rate_words
from desktop_app.core.return_checks import Problem, ReturnCheck
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.returns import GridRow, QuarterGrid
from desktop_app.ui.pages.returns.grid_edits import GridEdits
from desktop_app.ui.pages.returns.grid_problems import GridProblem, blocking_counts, problem_lines
from desktop_app.ui.pages.returns.markers import (
    ERROR,
    ERROR_BACKGROUND,
    ERROR_TEXT,
    NOTED,
    WARNING,
    WARNING_BACKGROUND,
    WARNING_TEXT,
    mark_of,
    marker_icon,
    sum_words,
)
from desktop_app.ui.table_model import RECORD_ROLE

__all__ = ["ERROR", "FIRST_MEASURE", "NOTED", "PROBLEMS_ROLE", "WARNING", "GridProblem", "ReturnsGridModel", "marker_icon"]

INFO_TITLES = ("Reference", "Provider", "Strand", "Status")
FIRST_MEASURE = len(INFO_TITLES)
# The problems of a cell, for tests and the problems list (a tuple of Problem).
PROBLEMS_ROLE = Qt.ItemDataRole.UserRole + 10

CHANGED_BACKGROUND = QColor("#e5f0fa")
LOCKED_BACKGROUND, LOCKED_TEXT = QColor("#eef1f4"), QColor("#7b8794")

# The status in words, tinted as the completeness matrix tints it.
STATUS_TEXT = {None: QColor("#8a4b00"), ReturnStatus.SUBMITTED: QColor("#1f4f75"), ReturnStatus.VERIFIED: QColor("#1d6b35")}


class ReturnsGridModel(QAbstractTableModel):
    """The grid's rows and columns; `edits_changed` fires whenever what is unsaved changes.

    What is typed lives in `GridEdits`; this model shows it over the stored figures, keeps each
    row's check, and hides the rows the filters leave out."""

    edits_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.grid: QuarterGrid | None = None
        self.typed = GridEdits()
        self._all: tuple[GridRow, ...] = ()
        self._by_strand: dict[int, GridRow] = {}
        self._rows: list[GridRow] = []
        self._keys: tuple[str, ...] = ()
        self._checks: dict[int, ReturnCheck] = {}
        self._filter: tuple[int | None, str | None] = (None, None)
        self._rates: dict[str, str] = {}  # improved measure key → its measured measure key
        # Each cell's mark, worked out once per check: a repaint asks for it in four roles.
        self._marks: dict[tuple[int, str], str | None] = {}

    # ------------------------------------------------------------------ loading and filtering

    def load(self, grid: QuarterGrid, *, keep_edits: bool = False) -> None:
        """Show `grid`; with `keep_edits` (the same quarter, refreshed) unsaved edits stay."""
        self.beginResetModel()
        same = keep_edits and self.grid is not None and self.grid.quarter == grid.quarter
        self.grid = grid
        self._all = grid.rows
        self._by_strand = {r.strand_id: r for r in grid.rows}
        self._keys = tuple(m.key for m in grid.columns)
        self._rates = {pair.improved.key: pair.measured.key for pair in outcome_pairs(grid.columns)}
        self.typed.load(grid.rows, keep=same)
        self._checks = {r.strand_id: self._check(r) for r in grid.rows}
        self._marks = {}
        self._apply_filter()
        self.endResetModel()
        self.edits_changed.emit()

    def reload_rows(self, grid: QuarterGrid, strand_ids) -> None:
        """Show `grid`, the same quarter with the rows of `strand_ids` read again after a save
        (see `reread_rows`): only those rows are checked and redrawn; unsaved edits stay, in
        those rows too unless they became locked."""
        if self.grid is None or grid.quarter != self.grid.quarter or len(grid.rows) != len(self._all):
            self.load(grid, keep_edits=True)
            return
        changed = [r for r in grid.rows if r.strand_id in strand_ids and r.strand_id in self._by_strand]
        self.grid = grid
        self._all = grid.rows
        for row in changed:
            self._by_strand[row.strand_id] = row
        self.typed.reload(changed)
        self._apply_filter()
        for row in changed:
            self._checks[row.strand_id] = self._check(row)
            self._row_changed(row.strand_id)
        self.edits_changed.emit()

    def set_filter(self, provider_id: int | None = None, service_category_key: str | None = None) -> None:
        if (provider_id, service_category_key) == self._filter and self.grid is not None:
            return  # the rows in view already are these (a refresh re-applies the filters)
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

    def has_breakdowns(self, column: int) -> bool:
        measure = self.measure_at(column)
        return measure is not None and bool(self.grid.checker.breakdowns_of(measure.key))

    def figure(self, row: GridRow, key: str) -> int | None:
        """A cell's figure as it stands (typed or stored); None when blank or not readable.
        Read from the row's check, which has already read every typed text."""
        return self._checks[row.strand_id].values.get(key)

    def text_of(self, row: GridRow, key: str) -> str:
        """A cell as shown: what was typed (a readable count with its thousands separator),
        or the stored figure."""
        raw = self.typed.text(row.strand_id, key)
        if raw is None:
            return format_count(row.values.get(key))
        try:
            return format_count(parse_count(raw))
        except CountError:
            return raw

    def row_edits(self, strand_id: int) -> dict[str, str]:
        return self.typed.row_edits(strand_id)

    def notes_of(self, row: GridRow) -> dict[str, str]:
        """The row's notes as they would be saved: stored, with the notes given here over them."""
        return self.typed.notes_of(row)

    def note(self, strand_id: int, note_key: str) -> str:
        return self.notes_of(self._by_strand[strand_id]).get(note_key, "")

    def cell_problems(self, row: GridRow, key: str) -> tuple[Problem, ...]:
        return self._checks[row.strand_id].for_measure(key)

    def cell_mark(self, row: GridRow, key: str) -> str | None:
        """ERROR, WARNING (a warning with no note), NOTED (every warning explained), or None."""
        cell = (row.strand_id, key)
        if cell not in self._marks:
            problems = self.cell_problems(row, key)
            self._marks[cell] = mark_of(problems, self.notes_of(row)) if problems else None
        return self._marks[cell]

    def breakdown_lines(self, row: GridRow, key: str) -> list[str]:
        """Each breakdown of a cell's measure against the cell's figure: "By sex: adds up to …"
        (those with a problem are said by the problem itself)."""
        total = self.figure(row, key)
        lines = []
        said = {p.breakdown_key for p in self.cell_problems(row, key)}
        for breakdown in self.grid.checker.breakdowns_of(key):
            if breakdown.key in said:
                continue
            figures = [row.breakdowns.get((key, breakdown.key, c.key)) for c in breakdown.categories]
            words, _state = sum_words(figures, total)
            lines.append(f"By {breakdown.label.lower()}: {words[0].lower()}{words[1:]}")
        return lines

    def rate_of(self, row: GridRow, key: str) -> str:
        """For an outcome's improved count: "78.0% improved (156 of 200)"; otherwise ""."""
        measured = self._rates.get(key)
        return rate_words(self.figure(row, key), self.figure(row, measured)) if measured else ""

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
            more = "<br><i>Double-click a cell (or Ctrl+B) for its breakdowns.</i>" if self.has_breakdowns(section) else ""
            return f"<b>{measure.label}</b><br>{measure.help_text}{more}"
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
        if role == Qt.ItemDataRole.FontRole and column == 0 and self.typed.has_edits(row.strand_id):
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
            changed = CHANGED_BACKGROUND if self.typed.text(row.strand_id, key) is not None else None
            return LOCKED_BACKGROUND if not row.editable else {ERROR: ERROR_BACKGROUND, WARNING: WARNING_BACKGROUND}.get(mark, changed)
        if role == Qt.ItemDataRole.ForegroundRole:
            return LOCKED_TEXT if not row.editable else {ERROR: ERROR_TEXT, WARNING: WARNING_TEXT}.get(mark)
        return None

    def _cell_tip(self, row: GridRow, measure, mark: str | None) -> str:
        lines = [f"{row.reference} · {measure.label}"]
        rate = self.rate_of(row, measure.key)
        if rate:
            lines.append(rate)
        notes = self.notes_of(row)
        for problem in self.cell_problems(row, measure.key):
            lines.append(f"{'Error' if problem.is_error else 'Warning'}: {problem.message}")
            if not problem.is_error and notes.get(problem.note_key, "").strip():
                lines.append(f"Note: {notes[problem.note_key].strip()}")
        if self.typed.text(row.strand_id, measure.key) is not None:
            before = format_count(row.values.get(measure.key)) or "blank"
            lines.append(f"Changed from {before} (not saved yet)")
        breakdowns = self.breakdown_lines(row, measure.key)
        if breakdowns:
            lines.extend(breakdowns)
            lines.append("Double-click (or Ctrl+B) to open the breakdowns")
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
        columns = self.columnCount()
        for r, values in enumerate(block):
            row = top + r
            editable = row < len(self._rows) and self._rows[row].editable
            for c, text in enumerate(values):
                column = left + c
                if not editable or column >= columns:
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
        return self.typed.can_undo()

    def undo_paste(self) -> bool:
        """Put back every cell of the last paste (or clear) as it was before it."""
        cells = self.typed.pop_undo()
        if cells is None:
            return False
        self._put(cells)
        return True

    def _put(self, cells: Mapping[tuple[int, str], str | None], *, undoable: bool = False) -> None:
        """Set cells' texts, re-check each row touched once, and tell the views."""
        if not cells:
            return
        for strand_id in self.typed.put(cells, self._by_strand, undoable=undoable):
            self._checks[strand_id] = self._check(self._by_strand[strand_id])
            self._row_changed(strand_id)
        self.edits_changed.emit()

    def _row_changed(self, strand_id: int) -> None:
        # The whole row: a broken rule marks every measure it involves.
        for key in self._keys:
            self._marks.pop((strand_id, key), None)
        row = self.row_of(strand_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def _check(self, row: GridRow) -> ReturnCheck:
        return self.grid.check_row(row, self.typed.row_edits(row.strand_id) or None)

    # ------------------------------------------------------------------ notes

    def set_note(self, strand_id: int, note_key: str, text: str) -> None:
        """The note explaining a warning (or the return's own notes under `RETURN_NOTE`)."""
        self.typed.set_note(self._by_strand[strand_id], note_key, text)
        self._row_changed(strand_id)
        self.edits_changed.emit()

    # ------------------------------------------------------------------ what is unsaved

    def changed_cells(self) -> int:
        return self.typed.changed_cells()

    def has_changes(self) -> bool:
        return self.typed.has_changes()

    def edits(self) -> dict[int, dict[str, str]]:
        """Strand id → {measure key: text}, as `save_grid` takes them."""
        return self.typed.edits()

    def notes(self) -> dict[int, dict[str, str]]:
        """Strand id → {note key: note}, the return's own notes under `RETURN_NOTE`."""
        return self.typed.notes()

    def versions(self) -> dict[int, int]:
        """Strand id → the return's version the edits were made over, for every edited row."""
        return self.typed.versions()

    def discard(self, strand_id: int | None = None) -> None:
        """Forget unsaved edits and notes: one strand's, or all of them."""
        edited = [s for s in (self.typed.edited_strands() if strand_id is None else {strand_id}) if s in self._by_strand]
        self.typed.discard(self._all, strand_id)
        # Only the rows that held edits can read differently now.
        for edited_id in edited:
            self._checks[edited_id] = self._check(self._by_strand[edited_id])
            self._row_changed(edited_id)
        self.edits_changed.emit()

    def problems(self) -> list[GridProblem]:
        """Every problem of the rows in view: errors first, then warnings needing a note, then
        warnings already explained; each in grid order."""
        labels = {m.key: m.label for m in self.grid.columns} if self.grid else {}
        return problem_lines(self._rows, self._checks, self.notes_of, labels)

    def blocking_counts(self) -> tuple[int, int]:
        """(errors, warnings with no note) in the rows with unsaved changes, hidden ones too:
        what `save_grid` would refuse."""
        edited = [r for r in self._all if self.typed.is_edited(r.strand_id)]
        return blocking_counts(edited, self._checks, self.notes_of)
