"""Small pieces every part of the Exports page shares: section headings and message lines."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def section_heading(text: str, parent: QWidget) -> QLabel:
    """A bold heading a little larger than the body text, for a part of the page."""
    label = QLabel(text, parent)
    label.setObjectName("detailTitle")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() + 1.5)
    font.setBold(True)
    label.setFont(font)
    return label


def subtitle(parent: QWidget, accessible_name: str) -> QLabel:
    """Grey supporting text (counts, dates) that an officer can select and copy."""
    label = QLabel(parent)
    label.setObjectName("pageSubtitle")
    label.setAccessibleName(accessible_name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def one_line_note(parent: QWidget, accessible_name: str, text: str = "") -> QLabel:
    """Grey explanatory text on one line that never widens the window (clipped when narrow).

    Not word-wrapped on purpose: a wrapped label makes its tab claim a height-for-width that
    squeezes the preview above it on a 768-pixel screen.
    """
    label = subtitle(parent, accessible_name)
    label.setText(text)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label
