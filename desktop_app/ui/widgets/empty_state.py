"""What a page shows when there is nothing to show yet: what it is for, and what to do next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    def __init__(self, title: str, message: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(12)
        layout.addStretch(1)
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("emptyStateTitle")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label = QLabel(message, self)
        self.message_label.setObjectName("emptyStateMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A fixed width lets the wrapped text know its height (a maximum width clips it).
        self.message_label.setFixedWidth(560)
        layout.addWidget(self.title_label)
        layout.addWidget(self.message_label, alignment=Qt.AlignmentFlag.AlignHCenter)
        self._buttons = QVBoxLayout()
        self._buttons.setSpacing(8)
        layout.addLayout(self._buttons)
        layout.addStretch(2)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Inside a stacked widget the wrapped message is laid out before the style sheet's font
        # applies and would be clipped; once shown it can be measured and given its full height.
        super().showEvent(event)
        label = self.message_label
        label.setMinimumHeight(label.heightForWidth(label.width()))

    def add_action(self, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        self._buttons.addWidget(button, alignment=Qt.AlignmentFlag.AlignHCenter)
        return button
