"""The totals row under the returns grid: each measure added up over the rows in view, what is
typed but not saved included, so a pasted block can be checked against the provider's own sum.
An outcome's improved column shows its rate over the same rows."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTableView

from desktop_app.core.numbers import format_count
from desktop_app.core.outcomes import outcome_pairs, rate_words
from desktop_app.core.wording import plural
from desktop_app.ui.pages.returns.grid_model import ReturnsGridModel

__all__ = ["GridTotalsModel", "TotalsRow"]

ROW_HEIGHT = 28


class GridTotalsModel(QAbstractTableModel):
    def __init__(self, grid_model: ReturnsGridModel, parent=None) -> None:
        super().__init__(parent)
        self.grid_model = grid_model
        self._totals: dict[str, int] = {}
        self._counted: dict[str, int] = {}  # how many rows have a figure for each measure
        self._rates: dict[str, str] = {}
        # Added up when next shown, not on every change: a refresh or a paste changes the grid
        # several times before the row is painted once.
        self._stale = True
        grid_model.modelAboutToBeReset.connect(self.beginResetModel)
        grid_model.modelReset.connect(self._on_grid_reset)
        grid_model.edits_changed.connect(self._on_edits_changed)

    def _counted_now(self) -> None:
        if self._stale:
            self._stale = False
            self._recount()

    def _recount(self) -> None:
        model = self.grid_model
        grid = model.grid
        self._totals, self._counted = {}, {}
        if grid is None:
            return
        rows = model.rows()
        for measure in grid.columns:
            figures = [f for f in (model.figure(r, measure.key) for r in rows) if f is not None]
            self._totals[measure.key] = sum(figures)
            self._counted[measure.key] = len(figures)
        self._rates = {
            pair.improved.key: rate_words(self._totals.get(pair.improved.key), self._totals.get(pair.measured.key))
            for pair in outcome_pairs(grid.columns)
            if self._counted.get(pair.improved.key) and self._counted.get(pair.measured.key)
        }

    def _on_grid_reset(self) -> None:
        self._stale = True
        self.endResetModel()

    def _on_edits_changed(self) -> None:
        self._stale = True
        if self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(0, self.columnCount() - 1))

    def total(self, key: str) -> int | None:
        self._counted_now()
        return self._totals.get(key) if self._counted.get(key) else None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.grid_model.grid is None else 1

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.grid_model.columnCount()

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        measure = self.grid_model.measure_at(index.column())
        shown = self.grid_model.rowCount()
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if measure is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return {0: "Total", 1: plural(shown, "strand")}.get(index.column(), "")
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Each measure added up over the {plural(shown, 'strand')} shown, unsaved figures included"
            return None
        total = self.total(measure.key)  # counts first, if anything changed
        rate = self._rates.get(measure.key, "")
        if role == Qt.ItemDataRole.DisplayRole:
            return format_count(total)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            counted = self._counted.get(measure.key, 0)
            words = f"{measure.label}: {format_count(total) or 'nothing'} over {plural(counted, 'strand')} with a figure"
            return f"{words}\n{rate}" if rate else words
        return None


class TotalsRow(QTableView):
    """One row under the grid, its columns as wide as the grid's and scrolled with it."""

    def __init__(self, grid_view: QTableView, model: GridTotalsModel, parent=None) -> None:
        super().__init__(parent)
        self.grid_view = grid_view
        self.setModel(model)
        self.setAccessibleName("Totals")
        self.setObjectName("returnsTotals")
        self.horizontalHeader().setVisible(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # The grid's horizontal scroll bar moves under this row, so the totals sit right under
        # the figures they add up; both scroll together.
        grid_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet("QTableView#returnsTotals { background: #eef3f8; border-top: 2px solid #b8c7d6; }")
        self.setFixedHeight(ROW_HEIGHT + 2 + self.horizontalScrollBar().sizeHint().height())
        header = grid_view.horizontalHeader()
        header.sectionResized.connect(lambda column, _old, width: self.horizontalHeader().resizeSection(column, width))
        grid_view.horizontalScrollBar().valueChanged.connect(self.horizontalScrollBar().setValue)
        self.horizontalScrollBar().valueChanged.connect(grid_view.horizontalScrollBar().setValue)
        grid_view.verticalScrollBar().rangeChanged.connect(self._follow_width)
        model.modelReset.connect(self.follow_columns)

    def _follow_width(self, *_args) -> None:
        # As wide as the grid's viewport (its vertical scroll bar takes some), so both scroll alike.
        bar = self.grid_view.verticalScrollBar()
        self.setViewportMargins(0, 0, bar.sizeHint().width() if bar.maximum() > 0 else 0, 0)

    def follow_columns(self) -> None:
        header = self.grid_view.horizontalHeader()
        for column in range(self.model().columnCount()):
            self.horizontalHeader().resizeSection(column, header.sectionSize(column))
        self.horizontalScrollBar().setValue(self.grid_view.horizontalScrollBar().value())
