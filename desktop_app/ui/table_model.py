"""Table models over plain service rows, and the one sort/filter proxy every table uses.

A page declares its columns once (title, how to get the value, how to show it); the model
does the Qt plumbing. `RECORD_ROLE` hands back the row's dataclass, so a page never has to
map a view row back to its data by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

Row = TypeVar("Row")

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    value: Callable[[Row], Any]
    display: Callable[[Any], str] = str
    numeric: bool = False
    tooltip: Callable[[Row], str] | None = None
    # A colour name for the text (e.g. red when over budget); words carry the meaning too.
    foreground: Callable[[Row], str | None] | None = None

    def text(self, row: Row) -> str:
        value = self.value(row)
        if value is None:
            return ""
        return self.display(value)


class RecordTableModel(QAbstractTableModel, Generic[Row]):
    """Rows of frozen dataclasses shown through `Column` definitions."""

    def __init__(self, columns: Sequence[Column[Row]], parent=None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Row] = []

    # -- data in and out

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def column(self, index: int) -> Column[Row]:
        return self._columns[index]

    def column_titles(self) -> list[str]:
        return [c.title for c in self._columns]

    # -- Qt's interface

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self._columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[section].numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            value = column.value(row)
            if isinstance(value, (tuple, list)):
                return ", ".join(map(str, value))
            if isinstance(value, str):
                return value.casefold()
            return value if value is not None else ""
        if role == RECORD_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            colour = column.foreground(row)
            return QColor(colour) if colour else None
        return None


class RecordFilterProxy(QSortFilterProxyModel):
    """Sorts by each column's real value and keeps rows whose text contains every search word."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._words: list[str] = []
        self._row_filter: Callable[[Any], bool] | None = None

    def set_search_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_words", [w.casefold() for w in text.split()]))

    def set_row_filter(self, accept: Callable[[Any], bool] | None) -> None:
        """An extra condition on the row's record (e.g. "active only")."""
        self._refilter(lambda: setattr(self, "_row_filter", accept))

    def _refilter(self, change: Callable[[], None]) -> None:
        # Qt 6.9 replaced invalidateFilter() with a begin/end pair around the change.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        if self._row_filter is not None:
            record = model.data(model.index(source_row, 0, source_parent), RECORD_ROLE)
            if not self._row_filter(record):
                return False
        if not self._words:
            return True
        texts = " ".join(
            str(model.data(model.index(source_row, c, source_parent)) or "")
            for c in range(model.columnCount())
        ).casefold()
        return all(word in texts for word in self._words)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return a < b
        except TypeError:  # mixed types (e.g. an empty cell among numbers): text order
            return str(a) < str(b)

    def record(self, proxy_row: int) -> Any:
        return self.index(proxy_row, 0).data(RECORD_ROLE)
