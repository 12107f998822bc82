"""A short list of tick boxes (districts, themes) that reads and writes a tuple of keys."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from desktop_app.services.reference_lists import Choice


class ChoiceList(QListWidget):
    def __init__(self, choices: Sequence[Choice], parent=None) -> None:
        super().__init__(parent)
        for choice in choices:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self._visible_rows = max(1, min(len(choices), 6))
        self._fit_height()

    def _fit_height(self) -> None:
        # Exactly as tall as its items (up to six): no empty box, and no hidden district.
        row = max(self.sizeHintForRow(0) if self.count() else 0, self.fontMetrics().height() + 1)
        self.setFixedHeight(self._visible_rows * row + 2 * self.frameWidth() + 4)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._fit_height()  # the style sheet may have changed the font since construction
        super().showEvent(event)

    def checked_keys(self) -> tuple[str, ...]:
        return tuple(
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_checked_keys(self, keys: Iterable[str]) -> None:
        wanted = set(keys)
        for i in range(self.count()):
            item = self.item(i)
            state = Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted else Qt.CheckState.Unchecked
            item.setCheckState(state)
