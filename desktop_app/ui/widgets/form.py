"""Form rows with their error line: every input named by its label, every error beside its input."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.core.field_errors import FieldError


class FormRows:
    """Builds a `QFormLayout` and knows which input shows which field's error."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self.layout = QFormLayout()
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.layout.setHorizontalSpacing(14)
        self.layout.setVerticalSpacing(6)
        self.inputs: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}

    def add(self, field: str, label: str, widget: QWidget, *, hint: str | None = None) -> QWidget:
        """Add `widget` under `label`; its accessible name is the label, as a screen reader says it."""
        widget.setAccessibleName(label)
        widget.setObjectName(field)
        if hint and hasattr(widget, "setPlaceholderText") and not widget.placeholderText():
            # A hint inside an empty box costs no height; it goes when the officer types.
            widget.setPlaceholderText(hint)
            widget.setToolTip(hint)
            hint = None
        caption = QLabel(label, self.parent)
        caption.setBuddy(widget)
        holder = QWidget(self.parent)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if hint:
            hint_label = QLabel(hint, holder)
            hint_label.setObjectName("fieldHint")
            hint_label.setWordWrap(True)
            column.addWidget(hint_label)
        error = QLabel(holder)
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.setAccessibleName(f"{label} error")
        error.setVisible(False)
        column.addWidget(error)
        self.layout.addRow(caption, holder)
        self.inputs[field] = widget
        self._errors[field] = error
        return widget

    def error_text(self, field: str) -> str:
        label = self._errors[field]
        return label.text() if label.isVisible() or label.text() else ""

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.setVisible(False)

    def show_errors(self, errors: Iterable[FieldError]) -> list[FieldError]:
        """Show each error next to its input; return those that belong to no input."""
        self.clear_errors()
        unplaced: list[FieldError] = []
        first: QWidget | None = None
        for error in errors:
            label = self._errors.get(error.field)
            if label is None:
                unplaced.append(error)
                continue
            label.setText(f"{label.text()}\n{error.message}".strip() if label.text() else error.message)
            label.setVisible(True)
            if first is None:
                first = self.inputs[error.field]
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        return unplaced
