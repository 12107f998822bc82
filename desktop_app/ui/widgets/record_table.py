"""The table every register page uses: sortable, searchable, Enter or double-click opens a row."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from desktop_app.ui.table_model import RecordFilterProxy, RecordTableModel


class RecordTable(QTableView):
    """A `QTableView` over a `RecordTableModel` through a `RecordFilterProxy`."""

    record_activated = Signal(object)

    def __init__(self, model: RecordTableModel, accessible_name: str, parent=None) -> None:
        super().__init__(parent)
        self.source_model = model
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.setModel(self.proxy)
        self.setAccessibleName(accessible_name)
        self.setObjectName(accessible_name.replace(" ", "") + "Table")
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(28)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        # Size columns from the rows in view, not every row: the same look, and a table of
        # thousands of rows opens as fast as one of ten.
        header.setResizeContentsPrecision(0)
        self.doubleClicked.connect(self._on_double_clicked)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    # -- records

    def current_record(self) -> Any:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self.proxy.record(index.row())

    def visible_records(self) -> list[Any]:
        return [self.proxy.record(r) for r in range(self.proxy.rowCount())]

    def select_where(self, predicate) -> bool:
        """Select (and scroll to) the first visible row whose record matches."""
        for row in range(self.proxy.rowCount()):
            if predicate(self.proxy.record(row)):
                self.selectRow(row)
                self.scrollTo(self.proxy.index(row, 0))
                return True
        return False

    def fit_columns(self, maximum: int = 360, *, stretch: int | None = None, sample: int = 40) -> None:
        """Size columns to their text (capped); `stretch` takes the width left over.

        Measures the header and the first `sample` rows with the font's metrics directly:
        Qt's own resizeColumnsToContents asks the model for every cell through Python, which
        made opening a page noticeably slower."""
        header = self.horizontalHeader()
        body = self.fontMetrics()
        bold = header.fontMetrics()
        model = self.source_model
        rows = model.rows()[:sample]
        for column in range(model.columnCount()):
            spec = model.column(column)
            width = bold.horizontalAdvance(spec.title) + 36  # room for the sort arrow
            for row in rows:
                width = max(width, body.horizontalAdvance(spec.text(row)) + 18)
            header.resizeSection(column, min(width, maximum))
        if stretch is not None:
            header.setStretchLastSection(False)
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def fit_height_to_rows(self) -> None:
        """For short tables (a few years): exactly as tall as their rows, no empty space."""
        rows = self.model().rowCount()
        header = max(self.horizontalHeader().height(), self.horizontalHeader().sizeHint().height())
        height = header + rows * self.verticalHeader().defaultSectionSize() + 2 * self.frameWidth() + 2
        self.setFixedHeight(max(height, 60))

    # -- remembered state

    def save_state(self, settings: QSettings | None, key: str) -> None:
        if settings is not None:
            settings.setValue(key, self.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings | None, key: str) -> bool:
        if settings is None:
            return False
        state = settings.value(key)
        return bool(state is not None and self.horizontalHeader().restoreState(state))

    # -- events

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.record_activated.emit(self.current_record())
            return
        super().keyPressEvent(event)

    def _on_double_clicked(self, index) -> None:
        if index.isValid():
            self.record_activated.emit(self.proxy.record(index.row()))
