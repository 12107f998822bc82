"""A line under a page or a form for a notice (amber) or a problem (red), hidden while empty."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def message_line(parent: QWidget, accessible_name: str = "Message") -> QLabel:
    """A wrapped, selectable line for a notice or a problem; hidden while empty."""
    label = QLabel(parent)
    label.setObjectName("formNotice")
    label.setAccessibleName(accessible_name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def show_message(label: QLabel, text: str, *, problem: bool = False) -> None:
    """Amber for a notice, red for a problem (the words carry the meaning too)."""
    label.setObjectName("formProblem" if problem else "formNotice")
    # The style sheet picks its rule by object name: re-polish so the colour follows.
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)
    label.setVisible(bool(text))
