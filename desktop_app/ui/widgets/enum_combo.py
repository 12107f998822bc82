"""A combo box over one of the officers' fixed lists (core.vocabulary), showing the labels."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QComboBox


class EnumCombo(QComboBox):
    def __init__(self, enum_type: type[Enum], parent=None) -> None:
        super().__init__(parent)
        for member in enum_type:
            self.addItem(member.label, member)

    def value(self):
        return self.currentData()

    def set_value(self, member) -> None:
        index = self.findData(member)
        if index >= 0:
            self.setCurrentIndex(index)
