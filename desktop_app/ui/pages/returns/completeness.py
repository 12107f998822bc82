"""The Completeness tab: every strand × the four quarters of a financial year, each cell saying
in words and in colour how far its return has got, with the count of each state per quarter
in a footer that keeps its columns under the matrix's.

Double-click (or Enter) on a cell opens that return's form, or a new one where it is missing.
The due-days setting sits above the matrix, where its effect (overdue or not) can be seen.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.access import Right
from desktop_app.ui.access import needs
from desktop_app.core.wording import format_date
from desktop_app.services.returns import (
    STATE_WORDS,
    STATES,
    Completeness,
    CompletenessRow,
)

INFO = ("Reference", "Provider", "Strand")
INFO_WIDTHS = (96, 190, 0)  # the strand's name takes what is left
QUARTER_WIDTH = 146
# Nothing is expected of these, so they show a dash and are not counted in the footer.
_QUIET = {"not_running", "not_due"}
# (background, text): calm tints; the words say the state, the colour helps scanning.
STATE_COLOURS = {
    "missing": ("#fdf0e1", "#8a4b00"),
    "overdue": ("#fde8eb", "#8a1526"),
    "draft": ("#eef1f4", "#3d4a57"),
    "submitted": ("#e5f0fa", "#1f4f75"),
    "verified": ("#e2f3e6", "#1d6b35"),
    "locked": ("#ebe8f6", "#3d3780"),
}


def _colour(state: str, part: int):
    pair = STATE_COLOURS.get(state)
    return QColor(pair[part]) if pair else (QColor("#8a96a3") if part else None)


class CompletenessModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.matrix: Completeness | None = None
        self._rows: list[CompletenessRow] = []

    def load(self, matrix: Completeness, strand_ids: set[int] | None = None) -> None:
        self.beginResetModel()
        self.matrix = matrix
        self._rows = [r for r in matrix.rows if strand_ids is None or r.strand_id in strand_ids]
        self.endResetModel()

    def row_at(self, row: int) -> CompletenessRow:
        return self._rows[row]

    def counts(self) -> list[dict[str, int]]:
        """Per quarter, how many strands in view are at each state."""
        found = [dict.fromkeys(STATES, 0) for _ in range(4)]
        for row in self._rows:
            for number, cell in enumerate(row.cells):
                found[number][cell.state] += 1
        return found

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(INFO) + 4

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or self.matrix is None:
            return None
        if section < len(INFO):
            return INFO[section] if role == Qt.ItemDataRole.DisplayRole else None
        column = self.matrix.columns[section - len(INFO)]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"Q{column.quarter.number} {column.quarter.months_label}\n{column.due_words}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{column.quarter.label}: returns due {format_date(column.due_date)}"
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if index.column() < len(INFO):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return (row.reference, row.provider_name, row.strand_name)[index.column()]
            return None
        cell = row.cells[index.column() - len(INFO)]
        if role == Qt.ItemDataRole.DisplayRole:
            return "Draft (copied)" if cell.copied_from_previous else cell.text
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return f"{row.reference} {cell.quarter.label}: {cell.words}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return _colour(cell.state, 0)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _colour(cell.state, 1)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class CountsModel(QAbstractTableModel):
    """The footer: one row per state found in the year, its count under each quarter."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, list[int]]] = []

    def load(self, counts: list[dict[str, int]]) -> None:
        self.beginResetModel()
        self._rows = [
            (state, [c[state] for c in counts])
            for state in STATES
            if state not in _QUIET and any(c[state] for c in counts)
        ]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(INFO) + 4

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        state, counts = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return STATE_WORDS[state]
            return f"{counts[column - len(INFO)]:,}" if column >= len(INFO) else None
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            return _colour(state, 0)
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return _colour(state, 1)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter if column >= len(INFO) else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def counts_of(self, state: str) -> list[int] | None:
        return next((c for s, c in self._rows if s == state), None)


class _MatrixView(QTableView):
    cell_activated = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.cell_activated.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class CompletenessTab(QWidget):
    """Signals: `open_requested(strand_id, quarter)`, `due_days_changed(days)`, `chasers_requested()`."""

    open_requested = Signal(int, object)
    due_days_changed = Signal(int)
    chasers_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._due_days = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("pageSubtitle")
        top.addWidget(self.summary_label, 1)
        # "Returns are due [30] days after the quarter ends": the setting reads as a sentence.
        due_label = QLabel("Returns are due", self)
        self.due_edit = QLineEdit(self)
        self.due_edit.setAccessibleName("Returns are due")
        self.due_edit.setValidator(QIntValidator(0, 366, self.due_edit))
        self.due_edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.due_edit.setFixedWidth(56)
        self.due_edit.setToolTip("0 to 366 days; press Enter to apply")
        due_label.setBuddy(self.due_edit)
        needs(Right.SETTINGS, self.due_edit, doing="change when returns are due")
        top.addWidget(due_label)
        top.addWidget(self.due_edit)
        top.addWidget(QLabel("days after the quarter ends", self))
        top.addSpacing(12)
        self.chasers_button = QPushButton("Draft chasers…", self)
        self.chasers_button.setToolTip("One e-mail per provider with missing or overdue returns, template attached")
        self.chasers_button.clicked.connect(self.chasers_requested)
        top.addWidget(self.chasers_button)
        layout.addLayout(top)

        self.model = CompletenessModel(self)
        self.table = _MatrixView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Completeness")
        self.counts_model = CountsModel(self)
        self.counts_table = QTableView(self)
        self.counts_table.setModel(self.counts_model)
        self.counts_table.setAccessibleName("Completeness counts")
        for view in (self.table, self.counts_table):
            view.verticalHeader().setVisible(False)
            view.verticalHeader().setDefaultSectionSize(26)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setWordWrap(False)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            view.horizontalHeader().setHighlightSections(False)
        self.counts_table.horizontalHeader().setVisible(False)
        self.counts_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.counts_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.counts_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.counts_table)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.table.doubleClicked.connect(self._on_table_activated)
        self.table.cell_activated.connect(self._on_table_activated)
        self.table.horizontalHeader().sectionResized.connect(self._on_matrix_section_resized)
        self.table.horizontalScrollBar().valueChanged.connect(self.counts_table.horizontalScrollBar().setValue)
        self.due_edit.editingFinished.connect(self._on_due_edit_editing_finished)

    def load(self, matrix: Completeness, strand_ids: set[int] | None = None) -> None:
        self.model.load(matrix, strand_ids)
        self.counts_model.load(self.model.counts())
        self._due_days = matrix.due_days
        self.due_edit.setText(str(matrix.due_days))
        shown, total = self.model.rowCount(), len(matrix.rows)
        strands = f"{shown:,} strands" if shown == total else f"{shown:,} of {total:,} strands"
        self.summary_label.setText(f"{matrix.year.label}: {strands} running in the year, as at {format_date(matrix.today)}")
        header = self.table.horizontalHeader()
        for column, width in enumerate(INFO_WIDTHS):
            if width:
                header.resizeSection(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in range(len(INFO), len(INFO) + 4):
            header.resizeSection(column, QUARTER_WIDTH)
        self.counts_table.clearSpans()
        for row in range(self.counts_model.rowCount()):
            self.counts_table.setSpan(row, 0, 1, len(INFO))
        rows = self.counts_model.rowCount()
        self.counts_table.setFixedHeight(rows * 26 + 2 * self.counts_table.frameWidth() + 1 if rows else 0)
        self.counts_table.setVisible(bool(rows))

    def _on_matrix_section_resized(self, column: int, _old: int, new: int) -> None:
        self.counts_table.horizontalHeader().resizeSection(column, new)

    def _on_table_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        number = index.column() - len(INFO)
        if number < 0:
            return  # the strand's own columns: which quarter would be a guess
        cell = row.cells[number]
        if cell.state != "not_running":
            self.open_requested.emit(row.strand_id, cell.quarter)

    def _on_due_edit_editing_finished(self) -> None:
        text = self.due_edit.text().strip()
        if text.isdigit() and int(text) != self._due_days:
            self.due_days_changed.emit(int(text))
