"""One measure on the return form: its input with the strand's figures from the quarters before,
its help text, what is wrong with it, the note a warning needs and, for an outcome's improved
count, the rate beside it."""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from desktop_app.core.numbers import format_count
from desktop_app.core.return_checks import Problem
from desktop_app.services.returns import MeasureField

__all__ = ["INPUT_WIDTH", "PREVIOUS_WIDTH", "MeasureInput"]

INPUT_WIDTH, PREVIOUS_WIDTH = 116, 82
_STYLE = {  # the line under an input: red for an error, amber for a warning, grey once noted
    "error": "color: #b00020; font-weight: 600;",
    "warning": "color: #8a6100; font-weight: 600;",
    "noted": "color: #5b6b7a;",
}


class MeasureInput(QWidget):
    """One measure: its input and previous figures on a line, then its help text, what is wrong
    with it, and (for a warning) the note that explains it."""

    def __init__(self, field: MeasureField, parent: QWidget) -> None:
        super().__init__(parent)
        self.field = field
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.edit = QLineEdit(self)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setFixedWidth(INPUT_WIDTH)
        self.edit.setToolTip(field.help_text)
        grid.addWidget(self.edit, 0, 0)
        self.previous_labels = []
        for column, figure in enumerate(field.previous, start=1):
            label = QLabel("—" if figure is None else format_count(figure), self)
            label.setObjectName("fieldHint")
            label.setFixedWidth(PREVIOUS_WIDTH)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, 0, column)
            self.previous_labels.append(label)
        # An outcome's improved count has the rate beside it, worked out as the figures are typed.
        self.rate_label = QLabel(self)
        self.rate_label.setAccessibleName(f"{field.label}: rate")
        self.rate_label.setStyleSheet("font-weight: 600; padding-left: 8px;")
        grid.addWidget(self.rate_label, 0, len(field.previous) + 1)
        grid.setColumnStretch(len(field.previous) + 1, 1)
        span = len(field.previous) + 2
        # What is wrong and the note come straight under the input; the help text after them.
        self.problem_label = QLabel(self)
        self.problem_label.setTextFormat(Qt.TextFormat.RichText)
        self.problem_label.setWordWrap(True)
        self.problem_label.setVisible(False)
        grid.addWidget(self.problem_label, 1, 0, 1, span)
        self.help_label = QLabel(field.help_text, self)
        self.help_label.setObjectName("fieldHint")
        self.help_label.setWordWrap(True)
        grid.addWidget(self.help_label, 3, 0, 1, span)
        self.note_edit = QLineEdit(self)
        self.note_edit.setAccessibleName(f"Note on {field.label}")
        self.note_edit.setPlaceholderText("Note: why is this figure unusual? (needed to verify)")
        self.note_edit.setText(field.note)
        self.note_edit.setVisible(bool(field.note))
        grid.addWidget(self.note_edit, 2, 0, 1, span)
        self.setFocusProxy(self.edit)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt's name
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)
        self.problem_label.setAccessibleName(f"{name} problem")

    def show_problems(self, problems: tuple[Problem, ...], notes: Mapping[str, str]) -> None:
        """Say what is wrong; a warning about this figure opens its note."""
        if not problems:
            self.problem_label.setVisible(False)
            self.note_edit.setVisible(bool(self.note_edit.text().strip()))
            return
        lines = []
        for problem in problems:
            kind = "error" if problem.is_error else "noted" if notes.get(problem.note_key, "").strip() else "warning"
            prefix = {"error": "✖ ", "warning": "⚠ ", "noted": "Noted: "}[kind]
            lines.append(f'<div style="{_STYLE[kind]}">{prefix}{html.escape(problem.message)}</div>')
        self.problem_label.setText("".join(lines))
        self.problem_label.setVisible(True)
        own_note = any(not p.is_error and p.note_key == self.field.key for p in problems)
        self.note_edit.setVisible(own_note or bool(self.note_edit.text().strip()))
