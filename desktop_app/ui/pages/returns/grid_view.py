"""The Grid tab as the officer works it: typed like a spreadsheet, pasted into from one.

Typing starts editing; Enter commits and moves down, Tab moves across the measures (skipping
the strand's own columns), Ctrl+Tab leaves the grid, arrows move. Ctrl+V lays a block copied from Excel or LibreOffice
over the grid from the current cell, Ctrl+C copies the selection the same way, Delete blanks
the selected cells, Ctrl+Z undoes the last paste or clear as a whole. Enter on the strand's
columns, Ctrl+Enter anywhere, or a double-click on them opens the return's form. A double-click
on a measure with breakdowns (or Ctrl+B on it) opens its breakdowns. Under the grid, the totals
row adds each measure up over the rows shown.

Above the grid, what is unsaved and why "Save grid" cannot run yet (errors only: warnings are
saved, and need notes before verifying); below it, the problems
list: one line per problem, naming the strand, the measure and what is wrong; clicking a line
selects its cell. Saving itself is the page's (it needs the quarter and the services).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QAbstractScrollArea,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.paste import parse_paste, rectangular
from desktop_app.core.wording import plural
from desktop_app.ui.pages.returns.grid_model import FIRST_MEASURE, ReturnsGridModel
from desktop_app.ui.pages.returns.grid_problems import GridProblem
from desktop_app.ui.pages.returns.grid_totals import GridTotalsModel, TotalsRow
from desktop_app.ui.pages.returns.markers import ERROR, NOTED, WARNING
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.table_model import Column, RecordTableModel
from desktop_app.ui.widgets.record_table import RecordTable

# Reference, provider, (strand takes what is left), status; a measure is at least this wide.
REFERENCE_WIDTH, PROVIDER_WIDTH, STRAND_MIN_WIDTH, STATUS_WIDTH = 96, 136, 150, 104
MEASURE_MIN_WIDTH = 76
# A light selection, so a selected cell's marker and figure stay readable. (Drawn by the style
# sheet, not a delegate's paint(): PySide6 6.12 on Python 3.11 loses a reference to None on
# every void call, and a paint() override makes one per painted cell.)
GRID_KEYS = (
    "Type to enter a figure; Enter moves down, Tab across. Ctrl+Tab (Ctrl+Shift+Tab) leaves the grid "
    "for the next (previous) control. Ctrl+V pastes a block from Excel, Ctrl+Z undoes it."
)
CTRL = Qt.KeyboardModifier.ControlModifier
GRID_STYLE = "QTableView#returnsGrid { selection-background-color: #cfe2f3; selection-color: #1c2b39; }"
PROBLEMS_HEIGHT = 150  # five lines: enough to work down, the grid keeps the rest


class _CellDelegate(QStyledItemDelegate):
    """A right-aligned line editor, as numbers are read."""

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt's name
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        measure = index.model().measure_at(index.column())
        editor.setAccessibleName(measure.label if measure else "")
        return editor


class ReturnsGridView(QTableView):
    """Signals: `open_requested(row)` for the return form, `note_requested(row, column)`,
    `breakdown_requested(row, column)`, `pasted(cells, skipped)` after a paste."""

    open_requested = Signal(int)
    note_requested = Signal(int, int)
    breakdown_requested = Signal(int, int)
    pasted = Signal(int, int)
    paste_undone = Signal()

    def __init__(self, model: ReturnsGridModel, parent=None) -> None:
        super().__init__(parent)
        self.grid_model = model
        self.setModel(model)
        self.setAccessibleName("Returns grid")
        self.setObjectName("returnsGrid")
        self.setStyleSheet(GRID_STYLE)
        self.setItemDelegate(_CellDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(True)
        self.setToolTip(GRID_KEYS)
        self.setAccessibleDescription(GRID_KEYS)
        self.setWordWrap(False)
        self.setAlternatingRowColors(False)  # stripes would fight the marks
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(28)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.doubleClicked.connect(self._on_double_clicked)
        model.modelReset.connect(self.fit_columns)
        self._build_actions()

    def _build_actions(self) -> None:
        """The context menu, each action with its shortcut (active while the grid has focus)."""
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.open_action = self._action("Open return…", self._on_open_triggered, "Ctrl+Return")
        self.note_action = self._action("Note…", self._on_note_triggered, "Ctrl+Shift+N")
        self.breakdown_action = self._action("Breakdowns…", self._on_breakdown_triggered, "Ctrl+B")
        self.copy_action = self._action("Copy", self.copy_selection, QKeySequence.StandardKey.Copy)
        self.paste_action = self._action("Paste", self.paste_clipboard, QKeySequence.StandardKey.Paste)
        self.clear_action = self._action("Clear", self.clear_selection, QKeySequence.StandardKey.Delete)
        self.undo_action = self._action("Undo paste", self.undo_paste, QKeySequence.StandardKey.Undo)

    def _action(self, text: str, slot, shortcut) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.setShortcutVisibleInContextMenu(True)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def fit_columns(self) -> None:
        """Measures as wide as their (two-line) headers; the strand's name takes what is left."""
        header = self.horizontalHeader()
        font = QFont(header.font())
        font.setBold(True)  # the style sheet makes headers bold; measure them as drawn
        metrics = QFontMetrics(font)
        for column in range(FIRST_MEASURE, self.grid_model.columnCount()):
            text = self.grid_model.headerData(column, Qt.Orientation.Horizontal) or ""
            width = max(metrics.horizontalAdvance(line) for line in text.split("\n")) + 24
            header.resizeSection(column, max(width, MEASURE_MIN_WIDTH))
        for column, width in ((0, REFERENCE_WIDTH), (1, PROVIDER_WIDTH), (3, STATUS_WIDTH)):
            header.resizeSection(column, width)
        self._fit_strand_column()

    def _fit_strand_column(self) -> None:
        header = self.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(self.grid_model.columnCount()) if c != 2)
        header.resizeSection(2, max(STRAND_MIN_WIDTH, self.viewport().width() - others))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.grid_model.columnCount():
            self._fit_strand_column()

    # ------------------------------------------------------------------ clipboard

    def paste_clipboard(self) -> tuple[int, int]:
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> tuple[int, int]:
        """Paste tab-separated rows at the current cell and select what landed."""
        block = rectangular(parse_paste(text))
        current = self.currentIndex()
        if not block or not current.isValid():
            return 0, 0
        left = max(current.column(), FIRST_MEASURE)
        cells, skipped = self.grid_model.paste(current.row(), left, block)
        # Only the first cell stays selected: a selected block would hide the marks it got.
        self.setCurrentIndex(self.grid_model.index(current.row(), left))
        self.pasted.emit(cells, skipped)
        return cells, skipped

    def copy_selection(self) -> str:
        """The selected block as tab-separated text, as a spreadsheet pastes it."""
        indexes = self.selectedIndexes()
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        text = "\n".join(
            "\t".join(str(self.grid_model.index(r, c).data() or "") for c in columns) for r in rows
        ) + "\n"
        QGuiApplication.clipboard().setText(text)
        return text

    def clear_selection(self) -> int:
        return self.grid_model.clear(self.selectedIndexes())

    def undo_paste(self) -> bool:
        undone = self.grid_model.undo_paste()
        if undone:
            self.paste_undone.emit()
        return undone

    def commit_open_editor(self) -> None:
        """Take what is being typed into the model (before a save, or leaving the cell)."""
        editor = self.indexWidget(self.currentIndex()) if self.currentIndex().isValid() else None
        if editor is not None and self.state() == QAbstractItemView.State.EditingState:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    # ------------------------------------------------------------------ moving like a spreadsheet

    def moveCursor(self, action, modifiers):  # noqa: N802 - Qt's name
        """Tab and Shift+Tab go across the measures only, wrapping to the next or previous row."""
        index = super().moveCursor(action, modifiers)
        start = self.currentIndex()
        if action not in (QAbstractItemView.CursorAction.MoveNext, QAbstractItemView.CursorAction.MovePrevious):
            return index
        if not start.isValid() or start.column() < FIRST_MEASURE or index.column() >= FIRST_MEASURE:
            return index
        last = self.grid_model.columnCount() - 1
        if action == QAbstractItemView.CursorAction.MoveNext:
            return self.grid_model.index(index.row(), FIRST_MEASURE) if index.row() > start.row() else start
        row = start.row() - 1
        return self.grid_model.index(row, last) if row >= 0 else start

    def closeEditor(self, editor, hint) -> None:  # noqa: N802 - Qt's name
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:  # Enter in the editor
            self._move_down()

    def _move_down(self) -> None:
        current = self.currentIndex()
        if current.isValid() and current.row() + 1 < self.grid_model.rowCount():
            self.setCurrentIndex(self.grid_model.index(current.row() + 1, current.column()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        # The actions' shortcuts normally take these first; this is for when no shortcut map
        # sees the key (a window that is not active, a key sent straight to the grid).
        pressed = QKeySequence(event.keyCombination())
        for action in (self.copy_action, self.paste_action, self.clear_action, self.undo_action, self.note_action,
                       self.breakdown_action):
            if action.shortcut().matches(pressed) == QKeySequence.SequenceMatch.ExactMatch:
                action.trigger()
                return
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and event.modifiers() & CTRL:
            # Tab walks the cells, so Ctrl+Tab leaves the grid, as in every Qt view.
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            QAbstractScrollArea.focusNextPrevChild(self, forward)
            return
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        current = self.currentIndex()
        if enter and current.isValid() and self.state() != QAbstractItemView.State.EditingState:
            if current.column() < FIRST_MEASURE or event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.open_requested.emit(current.row())
            else:
                self._move_down()
            return
        if event.key() == Qt.Key.Key_Backspace and self.state() != QAbstractItemView.State.EditingState:
            self.clear_selection()
            return
        super().keyPressEvent(event)

    def edit(self, index, trigger=None, event=None):  # noqa: D102 - Qt's name
        if trigger is None:
            return super().edit(index)
        # A double-click on a measure with breakdowns opens them; typing still edits its total.
        if trigger == QAbstractItemView.EditTrigger.DoubleClicked and self.grid_model.has_breakdowns(index.column()):
            return False
        return super().edit(index, trigger, event)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        if index.column() < FIRST_MEASURE:
            self.open_requested.emit(index.row())
        elif self.grid_model.has_breakdowns(index.column()):
            self.breakdown_requested.emit(index.row(), index.column())

    def _on_breakdown_triggered(self) -> None:
        current = self.currentIndex()
        if current.isValid():
            self.breakdown_requested.emit(current.row(), current.column())

    def _on_open_triggered(self) -> None:
        if self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().row())

    def _on_note_triggered(self) -> None:
        current = self.currentIndex()
        if current.isValid():
            self.note_requested.emit(current.row(), current.column())

    def select_cell(self, row: int, column: int) -> None:
        index = self.grid_model.index(row, column)
        self.setCurrentIndex(index)
        self.scrollTo(index)
        self.setFocus(Qt.FocusReason.OtherFocusReason)


_MARK_COLOURS = {ERROR: "#b00020", WARNING: "#8a6100", NOTED: "#2f6f9f"}

PROBLEM_COLUMNS: list[Column[GridProblem]] = [
    Column("Type", lambda p: p.words, foreground=lambda p: _MARK_COLOURS[p.mark]),
    Column("Strand", lambda p: p.reference),
    Column("Measure", lambda p: p.measure_label, tooltip=lambda p: p.measure_label),
    Column("Note", lambda p: p.note or ("Needs a note (Enter)" if p.mark == WARNING else ""), tooltip=lambda p: p.note),
    Column("Problem", lambda p: p.message, tooltip=lambda p: p.message),
]


def problems_table(parent=None) -> RecordTable:
    """The list of problems under the grid (in the grid's order: sorting would only confuse)."""
    table = RecordTable(RecordTableModel(PROBLEM_COLUMNS, parent), "Problems", parent)
    table.setSortingEnabled(False)
    table.proxy.sort(-1)
    table.setAlternatingRowColors(False)
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    for column, width in enumerate((80, 76, 170, 170)):
        header.resizeSection(column, width)
    header.setStretchLastSection(True)  # the problem in words takes the rest
    return table


class GridPanel(QWidget):
    """The Grid tab: the unsaved-changes line and the grid's actions, the grid, the problems."""

    def __init__(self, model: ReturnsGridModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        column.setSpacing(6)
        tools = QHBoxLayout()
        tools.setSpacing(8)
        self.changed_label = QLabel(self)
        self.changed_label.setAccessibleName("Unsaved changes")
        self.changed_label.setMinimumWidth(150)
        self.undo_button = self._button(tools, "Undo paste", "Put back the cells as they were before the last paste or clear (Ctrl+Z)")
        self.discard_button = self._button(tools, "Discard changes", "Forget every unsaved change in the grid")
        self.note_button = self._button(tools, "Note…", "Explain the selected cell's warning (Ctrl+Shift+N)")
        self.open_button = self._button(tools, "Open return…", "The selected strand's return form (Ctrl+Enter, or Enter on its name)")
        tools.insertWidget(0, self.changed_label)
        tools.addStretch(1)
        self.save_reason_label = QLabel(self)
        self.save_reason_label.setObjectName("pageSubtitle")
        tools.addWidget(self.save_reason_label)
        # Offered when a save is refused because someone else saved one of the edited returns.
        self.reload_button = self._button(
            tools, "Reload", "Show the figures saved by the other officer in the rows they changed (your typing there is replaced)"
        )
        self.reload_button.setVisible(False)
        self.save_button = self._button(tools, "Save grid", "")
        mark_editing(self.save_button)
        self.save_button.setObjectName("primaryButton")
        column.addLayout(tools)
        self.view = ReturnsGridView(model, self)
        self.totals_model = GridTotalsModel(model, self)
        self.totals_view = TotalsRow(self.view, self.totals_model, self)
        grid_and_totals = QVBoxLayout()
        grid_and_totals.setSpacing(0)  # the totals read as the grid's last row
        grid_and_totals.addWidget(self.view, 1)
        grid_and_totals.addWidget(self.totals_view)
        column.addLayout(grid_and_totals, 1)
        # The problems list only takes room when there is something in it.
        self.problems_label = QLabel(self)
        self.problems_label.setStyleSheet("font-weight: 600;")
        self.problems_table = problems_table(self)
        self.problems_table.setFixedHeight(PROBLEMS_HEIGHT)
        column.addWidget(self.problems_label)
        column.addWidget(self.problems_table)
        # The selected line in full, wrapped: a narrow column cuts off the useful end of a message.
        self.problem_detail = QLabel(self)
        self.problem_detail.setAccessibleName("Selected problem")
        self.problem_detail.setWordWrap(True)
        self.problem_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_detail.setVisible(False)
        column.addWidget(self.problem_detail)
        self._connect_signals()

    def _button(self, row: QHBoxLayout, text: str, tooltip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tooltip)
        row.addWidget(button)
        return button

    def _connect_signals(self) -> None:
        self.undo_button.clicked.connect(self.view.undo_paste)
        self.note_button.clicked.connect(self.view.note_action.trigger)
        self.open_button.clicked.connect(self.view.open_action.trigger)
        self.model.edits_changed.connect(self.update_state)
        self.problems_table.clicked.connect(self._on_problems_table_clicked)
        self.problems_table.selectionModel().currentChanged.connect(self._on_problems_current_changed)

    def update_state(self) -> None:
        """Say what is unsaved and what stops saving; list the problems of the rows in view."""
        model = self.model
        cells, notes = model.changed_cells(), len(model.notes())
        parts = [plural(cells, "changed cell")] if cells else []
        if notes:
            parts.append(f"{plural(notes, 'row')} with new notes")
        self.changed_label.setText(", ".join(parts) if parts else "No unsaved changes")
        errors, warnings = model.blocking_counts()
        # Only errors stop a save; a warning is saved and stops only verifying until it has a note.
        if errors:
            reason = f"To save, fix {plural(errors, 'error')}"
        elif warnings:
            reason = f"{plural(warnings, 'warning')} to explain before verifying (saving is fine)"
        else:
            reason = "" if model.has_changes() else "Nothing to save"
        self.save_button.setEnabled(model.has_changes() and not errors)
        self.save_reason_label.setText(reason)
        self.save_button.setToolTip(reason or "Save every changed row in one go (Ctrl+S)")
        self.undo_button.setEnabled(model.can_undo())
        self.discard_button.setEnabled(model.has_changes())
        problems = model.problems()
        self.problems_table.source_model.set_rows(problems)
        self.problems_table.setVisible(bool(problems))
        self._on_problems_current_changed(self.problems_table.currentIndex())
        open_ = sum(p.mark != NOTED for p in problems)
        noted = f" ({plural(len(problems), 'noted warning')})" if problems and not open_ else ""
        self.problems_label.setText(f"Problems ({open_:,})" if open_ else f"Problems — none in the rows shown{noted}")

    def _on_problems_current_changed(self, index, _previous=None) -> None:
        problem = self.problems_table.proxy.record(index.row()) if index.isValid() else None
        if problem is None:
            self.problem_detail.setVisible(False)
            return
        note = f" Note: {problem.note}" if problem.note else ""
        self.problem_detail.setText(f"{problem.words} · {problem.reference} · {problem.measure_label}: "
                                    f"{problem.problem.message}{note}")
        self.problem_detail.setVisible(True)

    def _on_problems_table_clicked(self, index) -> None:
        self.select_problem(self.problems_table.proxy.record(index.row()))

    def select_problem(self, problem: GridProblem) -> None:
        """Select (and go to) the cell a line of the problems list is about."""
        row = self.model.row_of(problem.strand_id)
        column = self.model.column_of(problem.measure_key) if problem.measure_key else FIRST_MEASURE
        if row >= 0:
            self.view.select_cell(row, column)
