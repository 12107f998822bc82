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
        rows = max(1, min(len(choices), 6))
        self.setFixedHeight(rows * 24 + 8)

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
