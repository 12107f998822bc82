"""Date inputs that speak `datetime.date`, shown as officers write dates: 1 Apr 2022."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget

DATE_FORMAT = "d MMM yyyy"


class DateEdit(QDateEdit):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATE_FORMAT)
        self.setDate(QDate.currentDate())

    def date_value(self) -> dt.date:
        return self.date().toPython()

    def set_date_value(self, value: dt.date) -> None:
        self.setDate(QDate(value.year, value.month, value.day))


class OptionalDateEdit(QWidget):
    """A date, or none ("No end date"): the tick box says which."""

    def __init__(self, none_text: str, parent=None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.date_edit = DateEdit(self)
        self.none_check = QCheckBox(none_text, self)
        layout.addWidget(self.date_edit)
        layout.addWidget(self.none_check)
        layout.addStretch(1)
        self.none_check.toggled.connect(self._on_none_check_toggled)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt's name
        super().setAccessibleName(name)
        self.date_edit.setAccessibleName(name)  # the tick box keeps its own text as its name

    def date_value(self) -> dt.date | None:
        return None if self.none_check.isChecked() else self.date_edit.date_value()

    def set_date_value(self, value: dt.date | None) -> None:
        self.none_check.setChecked(value is None)
        if value is not None:
            self.date_edit.set_date_value(value)

    def _on_none_check_toggled(self, checked: bool) -> None:
        self.date_edit.setEnabled(not checked)
