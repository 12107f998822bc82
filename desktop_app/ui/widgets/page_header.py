"""The top of every page: its title, a short count or subtitle, and the page's main buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget


class PageHeader(QHBoxLayout):
    def __init__(self, title: str, parent: QWidget) -> None:
        super().__init__()
        self._parent = parent
        self.title_label = QLabel(title, parent)
        self.title_label.setObjectName("pageTitle")
        self.addWidget(self.title_label)
        self.subtitle = QLabel(parent)
        self.subtitle.setObjectName("pageSubtitle")
        self.addWidget(self.subtitle, alignment=Qt.AlignmentFlag.AlignBottom)
        self.addStretch(1)

    def add_button(self, text: str, *, primary: bool = False, tooltip: str | None = None) -> QPushButton:
        button = QPushButton(text, self._parent)
        if primary:
            button.setObjectName("primaryButton")
        if tooltip:
            button.setToolTip(tooltip)
        self.addWidget(button)
        return button


def search_box(parent: QWidget, noun: str, what: str) -> QLineEdit:
    """A search box named "Search <noun>", hinting what it searches and its shortcut."""
    edit = QLineEdit(parent)
    edit.setAccessibleName(f"Search {noun}")
    edit.setPlaceholderText(f"Search {noun} by {what} (Ctrl+F)")
    edit.setClearButtonEnabled(True)
    return edit
