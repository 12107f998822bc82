"""A line edit for pounds that reads and writes integer pence."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from desktop_app.core.money import format_pence, parse_pence


class MoneyEdit(QLineEdit):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("£0.00")
        self.editingFinished.connect(self._tidy)

    def pence(self) -> int | None:
        """The amount in pence; None when blank. Raises MoneyError naming what was typed."""
        text = self.text().strip()
        return None if not text else parse_pence(text)

    def set_pence(self, pence: int | None) -> None:
        self.setText("" if pence is None else format_pence(pence))

    def _tidy(self) -> None:
        try:
            pence = self.pence()
        except ValueError:
            return  # leave it as typed; the form says what is wrong
        self.set_pence(pence)
