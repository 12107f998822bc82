"""Rows as tall as their wrapped names, measured without asking the model for every cell.

Qt's ResizeToContents on the rows measures each cell through the delegate, which asks the
Python model for seven roles per cell, and redoes it for every row on each column resize,
model reset and show: most of a first visit on a file with many strands. Here each visible
cell's text is measured by the style itself (what the delegate ends with), once per change,
and the heights are what ResizeToContents would give.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, QSize, QTimer
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionViewItem

from desktop_app.ui.widgets.record_table import RecordTable


class WrappedRowHeights(QObject):
    """Keeps each row of `table` as tall as its tallest wrapped cell (the table word-wraps)."""

    def __init__(self, table: RecordTable) -> None:
        super().__init__(table)
        self.table = table
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # Many changes come together (a reset, then each column sized): one measure for them all.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refit)
        table.horizontalHeader().sectionResized.connect(self._later)
        proxy = table.proxy
        for signal in (proxy.modelReset, proxy.layoutChanged, proxy.rowsInserted, proxy.rowsRemoved, proxy.dataChanged):
            signal.connect(self._later)
        self._later()

    def _later(self, *_args) -> None:
        self._timer.start()

    def refit(self) -> None:
        """Size every row now (also run after any change, once the events settle)."""
        self._timer.stop()
        table, proxy = self.table, self.table.proxy
        model = table.source_model
        rows = proxy.rowCount()
        if rows == 0:
            return
        header = table.horizontalHeader()
        vertical = table.verticalHeader()
        style = table.style()
        shown = [c for c in range(model.columnCount()) if not header.isSectionHidden(c)]
        widths = {c: header.sectionSize(c) for c in shown}
        columns = {c: model.column(c) for c in shown}
        option = QStyleOptionViewItem()
        table.initViewItemOption(option)
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
        grid = 1 if table.showGrid() else 0
        # The header's own hint for a row (no text in it): the least ResizeToContents gives.
        floor = max(vertical.sectionSizeHint(0), vertical.minimumSectionSize())
        ceiling = vertical.maximumSectionSize()
        for row in range(rows):
            record = model.row_at(proxy.mapToSource(proxy.index(row, 0)).row())
            height = 0
            for column in shown:
                # As QTableView measures a wrapped cell: its width less the grid line.
                option.rect = QRect(0, 0, widths[column] - grid, max(table.rowHeight(row), 1))
                option.text = columns[column].text(record)
                hint = style.sizeFromContents(QStyle.ContentsType.CT_ItemViewItem, option, QSize(), table)
                height = max(height, hint.height())
            vertical.resizeSection(row, min(max(height + grid, floor), ceiling))
