"""A combo box over one of the officers' fixed lists (core.vocabulary), showing the labels."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QComboBox


class EnumCombo(QComboBox):
    def __init__(self, enum_type: type[Enum], parent=None) -> None:
        super().__init__(parent)
        # Kept here, not as item data: Qt hands a str-based enum back as a plain str.
        self._members = list(enum_type)
        for member in self._members:
            self.addItem(member.label)

    def value(self):
        index = self.currentIndex()
        return self._members[index] if index >= 0 else None

    def set_value(self, member) -> None:
        if member in self._members:
            self.setCurrentIndex(self._members.index(member))
