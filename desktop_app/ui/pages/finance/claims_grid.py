"""The Claims grid tab: a quarter's claims typed like a spreadsheet, or pasted from one.

Ctrl+V lays a block copied from Excel or LibreOffice at the current cell, Delete clears the
selected cells, Ctrl+Z undoes the last paste or clear as a whole.

A row per strand running in the quarter, a column per expenditure category, then the forecast
for the rest of the year and the reason for claiming over the allocation. Cells keep what was
typed or pasted as text; a money cell that is not money is tinted and says why as soon as it
lands (the claim rules of `core.claims`), and Save sends every edited row to the service, which
checks them again and saves all of them or none, naming each strand and field it refused.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.access import Right
from desktop_app.ui.access import needs
from desktop_app.core.claims import FORECAST_FIELD, read_money
from desktop_app.core.money import format_pence
from desktop_app.core.paste import parse_paste, rectangular
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.core.wording import plural
from desktop_app.services.errors import REFUSALS, StaleRecordError
from desktop_app.services.finance import REASON_KEY, ClaimsGrid, ClaimsGridRefused, cell_key_of, claims_grid, save_claims_grid
from desktop_app.services.workspace import Workspace
from desktop_app.ui.widgets.message_line import message_line, show_message

__all__ = ["ClaimsGridModel", "ClaimsGridTab", "ClaimsGridView"]

INFO_TITLES = ("Reference", "Strand", "Allocated", "Status")
FIRST_CELL = len(INFO_TITLES)
ERROR_BACKGROUND, CHANGED_BACKGROUND = QColor("#fde8eb"), QColor("#e5f0fa")


class ClaimsGridModel(QAbstractTableModel):
    """The grid's rows; `edits_changed` fires whenever what is unsaved changes."""

    edits_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.grid: ClaimsGrid | None = None
        self.edits: dict[int, dict[str, str]] = {}
        # Problems the service gave on the last save: (strand id, cell key or None) -> message.
        self.refusals: dict[tuple[int, str | None], str] = {}
        # The cells the last paste or clear touched and what they showed before, for one undo.
        self._undo: dict[tuple[int, str], str] | None = None

    def load(self, grid: ClaimsGrid) -> None:
        self.beginResetModel()
        self.grid, self.edits, self.refusals, self._undo = grid, {}, {}, None
        self.endResetModel()
        self.edits_changed.emit()

    def key_at(self, column: int) -> str | None:
        return self.grid.keys[column - FIRST_CELL] if self.grid and column >= FIRST_CELL else None

    def _label(self, key: str) -> str:
        names = {c.key: c.name for c in self.grid.categories}
        return names.get(key) or {FORECAST_FIELD: "Forecast rest of year", REASON_KEY: "Reason (over allocation)"}[key]

    def text_of(self, row: int, key: str) -> str:
        strand = self.grid.rows[row]
        edited = self.edits.get(strand.strand_id, {})
        return edited[key] if key in edited else strand.stored.get(key, "")

    def problem_of(self, row: int, key: str) -> str | None:
        """Why the cell is wrong: money that is not money (at once), or the service's refusal."""
        strand_id = self.grid.rows[row].strand_id
        if key != REASON_KEY:
            _pence, error = read_money(self.text_of(row, key), key, self._label(key))
            if error is not None:
                return error.message
        return self.refusals.get((strand_id, key))

    # -- Qt's interface

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.grid is None else len(self.grid.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.grid is None else FIRST_CELL + len(self.grid.keys)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or self.grid is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return None
        return INFO_TITLES[section] if section < FIRST_CELL else self._label(self.key_at(section))

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() >= FIRST_CELL else base

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.grid is None:
            return None
        strand = self.grid.rows[index.row()]
        key = self.key_at(index.column())
        if key is None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                row_problem = self.refusals.get((strand.strand_id, None))
                values = (
                    strand.reference, strand.strand_name, format_pence(strand.allocated_pence, show_pence=False),
                    strand.status.label if strand.status else "No claim yet",
                )
                text = values[index.column()]
                return f"{text}\n{row_problem}" if role == Qt.ItemDataRole.ToolTipRole and row_problem else text
            if role == Qt.ItemDataRole.BackgroundRole and self.refusals.get((strand.strand_id, None)):
                return ERROR_BACKGROUND
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.text_of(index.row(), key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.problem_of(index.row(), key) or self._label(key)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self.problem_of(index.row(), key):
                return ERROR_BACKGROUND
            if key in self.edits.get(strand.strand_id, {}):
                return CHANGED_BACKGROUND
        if role == Qt.ItemDataRole.TextAlignmentRole and key != REASON_KEY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        key = self.key_at(index.column())
        if key is None or role != Qt.ItemDataRole.EditRole:
            return False
        self._put({(index.row(), key): str(value)})
        return True

    def paste(self, top: int, left: int, block: list[list[str]]) -> tuple[int, int]:
        """Lay a pasted block from (top, left) over editable cells; returns (pasted, skipped)."""
        cells, skipped = {}, 0
        for r, row in enumerate(block):
            for c, text in enumerate(row):
                key = self.key_at(left + c)
                if top + r >= self.rowCount() or key is None:
                    skipped += 1
                    continue
                cells[(top + r, key)] = text.strip()
        self._remember(cells)
        self._put(cells)
        return len(cells), skipped

    def clear(self, indexes) -> int:
        """Empty the editable cells among `indexes` (one undo step); returns how many."""
        cells = {(i.row(), self.key_at(i.column())): "" for i in indexes if self.key_at(i.column()) is not None}
        self._remember(cells)
        self._put(cells)
        return len(cells)

    def can_undo(self) -> bool:
        return self._undo is not None

    def undo(self) -> bool:
        """Put back every cell of the last paste or clear as it was before it."""
        if self._undo is None:
            return False
        cells, self._undo = self._undo, None
        self._put(cells)
        return True

    def _remember(self, cells: dict[tuple[int, str], str]) -> None:
        self._undo = {(row, key): self.text_of(row, key) for row, key in cells}

    def _put(self, cells: dict[tuple[int, str], str]) -> None:
        for (row, key), text in cells.items():
            strand = self.grid.rows[row]
            edits = self.edits.setdefault(strand.strand_id, {})
            if text == strand.stored.get(key, ""):
                edits.pop(key, None)
            else:
                edits[key] = text
            if not edits:
                del self.edits[strand.strand_id]
            self.refusals = {k: v for k, v in self.refusals.items() if k[0] != strand.strand_id}
        if cells:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
            self.edits_changed.emit()

    def show_refusal(self, refused: ClaimsGridRefused) -> None:
        self.refusals = {
            (strand_id, cell_key_of(error)): error.message
            for strand_id, (_ref, errors) in refused.errors.items()
            for error in errors
        }
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def blocking_cells(self) -> int:
        return sum(
            1 for row in range(self.rowCount()) for key in self.grid.keys
            if self.grid.rows[row].strand_id in self.edits and self.problem_of(row, key)
        )


class ClaimsGridView(QTableView):
    """Typed like a spreadsheet: Ctrl+V pastes a block copied from Excel at the current cell."""

    def __init__(self, model: ClaimsGridModel, parent=None) -> None:
        super().__init__(parent)
        self.grid_model = model
        self.setModel(model)
        self.setAccessibleName("Claims grid")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(28)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.paste_action = self._action("Paste", self.paste_clipboard, QKeySequence.StandardKey.Paste)
        self.clear_action = self._action("Clear", self.clear_selection, QKeySequence.StandardKey.Delete)
        self.undo_action = self._action("Undo paste", self.grid_model.undo, QKeySequence.StandardKey.Undo)
        model.modelReset.connect(self._fit)

    def _action(self, text: str, slot, shortcut) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def clear_selection(self) -> int:
        return self.grid_model.clear(self.selectedIndexes())

    def _fit(self) -> None:
        header = self.horizontalHeader()
        for column, width in enumerate((90, 260, 100, 110)):
            header.resizeSection(column, width)
        metrics = header.fontMetrics()
        for column in range(FIRST_CELL, self.grid_model.columnCount()):
            # As wide as the category's name, so every column says what it holds.
            title = str(self.grid_model.headerData(column, Qt.Orientation.Horizontal))
            wanted = 260 if self.grid_model.key_at(column) == REASON_KEY else 120
            header.resizeSection(column, max(wanted, metrics.horizontalAdvance(title) + 28))

    def paste_clipboard(self) -> tuple[int, int]:
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> tuple[int, int]:
        block = rectangular(parse_paste(text))
        current = self.currentIndex()
        if not block or not current.isValid():
            return 0, 0
        left = max(current.column(), FIRST_CELL)
        return self.grid_model.paste(current.row(), left, block)


class ClaimsGridTab(QWidget):
    """The tab: the quarter, the grid, Save, and a line saying what is unsaved or wrong."""

    saved = Signal(object)  # the Changed of a save, for the page to publish

    def __init__(self, workspace: Workspace, parent=None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.year: FinancialYear | None = None
        self._stale = False  # a year was set while the tab was not the one shown
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        tools = QHBoxLayout()
        quarter_label = QLabel("Quarter", self)
        self.quarter_combo = QComboBox(self)
        self.quarter_combo.setAccessibleName("Quarter")
        quarter_label.setBuddy(self.quarter_combo)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("pageSubtitle")
        self.save_button = QPushButton("Save claims", self)
        needs(Right.EDIT_WORK, self.save_button)
        self.save_button.setObjectName("primaryButton")
        # Shown when a save was refused as stale: loads what is saved now (drops what was typed).
        self.reload_button = QPushButton("Reload", self)
        self.reload_button.setToolTip("Show the claims as saved now, by the other officer (replaces what you typed)")
        self.reload_button.setVisible(False)
        for widget in (quarter_label, self.quarter_combo, self.state_label):
            tools.addWidget(widget)
        tools.addStretch(1)
        tools.addWidget(self.reload_button)
        tools.addWidget(self.save_button)
        layout.addLayout(tools)
        self.model = ClaimsGridModel(self)
        self.view = ClaimsGridView(self.model, self)
        layout.addWidget(self.view, 1)
        self.message = message_line(self, "Claims grid message")
        layout.addWidget(self.message)
        self.quarter_combo.currentIndexChanged.connect(self._on_quarter_combo_current_index_changed)
        self.save_button.clicked.connect(self.save)
        self.reload_button.clicked.connect(self._on_reload_button_clicked)
        self.model.edits_changed.connect(self._update_state)

    def set_year(self, year: FinancialYear | None) -> None:
        if year == self.year and self.model.edits:
            return  # keep what the officer typed
        self.year = year
        self.quarter_combo.blockSignals(True)
        chosen = self.quarter_combo.currentData() or 1
        self.quarter_combo.clear()
        for quarter in year.quarters() if year else ():
            self.quarter_combo.addItem(f"{quarter.label} ({quarter.months_label})", quarter.number)
        self.quarter_combo.setCurrentIndex(max(0, chosen - 1))
        self.quarter_combo.blockSignals(False)
        # Behind another tab the grid waits until it is shown: a page of many strands opens
        # without reading claims nobody is looking at.
        if self.isHidden():
            self._stale = True
        else:
            self.reload()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.reload()

    def quarter(self) -> Quarter | None:
        number = self.quarter_combo.currentData()
        return Quarter(self.year, number) if self.year and number else None

    def reload(self) -> None:
        self._stale = False
        quarter = self.quarter()
        if quarter is not None:
            self.model.load(claims_grid(self.workspace.db, quarter))
        self.reload_button.setVisible(False)
        show_message(self.message, "")

    def save(self) -> int:
        if not self.model.edits or self.model.grid is None:
            return 0
        try:
            written, changed = save_claims_grid(self.workspace.db, self.model.grid, self.model.edits)
        except ClaimsGridRefused as refused:
            self.model.show_refusal(refused)
            show_message(self.message, str(refused), problem=True)
            return 0
        except StaleRecordError as stale:
            # What was typed stays in the grid; Reload shows the colleague's claims instead.
            show_message(self.message, str(stale), problem=True)
            self.reload_button.setVisible(True)
            return 0
        except REFUSALS as error:
            show_message(self.message, f"The claims were not saved: {error}", problem=True)
            return 0
        # The page refreshes on the change (reloading this grid), then the message says what was saved.
        self.saved.emit(changed)
        if self.model.edits:
            self.reload()
        show_message(self.message, f"Saved {plural(written, 'claim')} for {self.quarter().label}.")
        return written

    def _update_state(self) -> None:
        edited = len(self.model.edits)
        wrong = self.model.blocking_cells()
        words = f"{plural(edited, 'strand')} changed" if edited else "No unsaved changes"
        if wrong:
            words += f"; {plural(wrong, 'cell')} to put right"
        self.state_label.setText(words)
        self.save_button.setEnabled(bool(edited))

    def _on_reload_button_clicked(self) -> None:
        self.reload()
        show_message(self.message, "Reloaded: these are the claims saved now. Make your changes again and save.")

    def _on_quarter_combo_current_index_changed(self, _index: int) -> None:
        if self.model.edits and self.model.grid is not None:
            # Another quarter would drop what was typed: say so, and stay on this one.
            self.quarter_combo.blockSignals(True)
            self.quarter_combo.setCurrentIndex(self.model.grid.quarter.number - 1)
            self.quarter_combo.blockSignals(False)
            show_message(self.message, "Save or undo the changes to this quarter's claims before choosing another quarter.", problem=True)
            return
        self.reload()
