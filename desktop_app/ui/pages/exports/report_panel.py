"""The year's summary as an officer pastes it into a Police and Crime Panel report."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.pages.exports.sections import one_line_note


class ReportPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)

        top = QHBoxLayout()
        self.about_label = one_line_note(self, "About the report")
        top.addWidget(self.about_label, 1)
        self.copy_button = QPushButton("Copy report", self)
        self.copy_button.setToolTip("Copy the text to paste into the Panel report")
        top.addWidget(self.copy_button)
        layout.addLayout(top)

        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setAccessibleName("Panel report")
        self.text_edit.setReadOnly(True)
        # Read as prose, not code: the body font, a little larger, with room around it.
        font = QFont(self.text_edit.font())
        font.setPointSizeF(font.pointSizeF() + 1)
        self.text_edit.setFont(font)
        self.text_edit.document().setDocumentMargin(8)
        layout.addWidget(self.text_edit, 1)
        self.copy_button.clicked.connect(self._on_copy_clicked)

    def show_report(self, year_label: str, text: str, *, include_unverified: bool) -> None:
        counted = "every return of the year" if include_unverified else "the year's verified and locked returns"
        about = (
            f"The whole financial year {year_label}, over {counted}, as the paragraph and list "
            "for the Police and Crime Panel."
        )
        self.about_label.setText(about)
        self.about_label.setToolTip(about)
        self.text_edit.setPlainText(text)
        self.copy_button.setEnabled(bool(text))

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

    def _on_copy_clicked(self) -> None:
        self.copy()
        self.copy_button.setText("Copied")
        # Say so where the officer is looking, then go back to the action's own name.
        QTimer.singleShot(1500, self, self._restore_copy_text)

    def _restore_copy_text(self) -> None:
        self.copy_button.setText("Copy report")
