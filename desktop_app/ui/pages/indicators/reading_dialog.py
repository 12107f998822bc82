"""The reading form: one indicator's figure for a month or a quarter, as its frequency says.

The figure is checked as the officer types (by the same core rules the service applies again on
save); a percentage or a rate may be given as a numerator and a denominator, and the value is
then worked out from them. A period that already has a reading is refused with the service's
message, next to the period.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from desktop_app.core.field_errors import FieldError
from desktop_app.core.indicator_values import (
    MissingValueError,
    ReadingValueError,
    format_value,
    period_label,
    reading_period,
    validate_reading,
)
from desktop_app.core.vocabulary import Frequency, IndicatorUnit
from desktop_app.services.changes import Changed
from desktop_app.services.indicators import IndicatorRow, ReadingDraft, add_reading
from desktop_app.services.workspace import Workspace
from desktop_app.ui.widgets.date_edit import DateEdit
from desktop_app.ui.widgets.record_dialog import RecordDialog

VALUE_HINTS = {
    IndicatorUnit.PERCENT: "A percentage from 0 to 100, at most one decimal place, e.g. 82.3",
    IndicatorUnit.COUNT: "A whole number, 0 or more, e.g. 1,850",
    IndicatorUnit.DAYS: "Days, 0 or more, at most one decimal place, e.g. 215.5",
    IndicatorUnit.RATE: "A rate per 1,000 population, 0 or more, e.g. 3.25",
}
# Core names the figures by their labels; the form's fields are the service's argument names.
_FIELDS = {"Value": "value", "Numerator": "numerator", "Denominator": "denominator"}


def _span(start: dt.date, end: dt.date) -> str:
    """`1–30 Apr 2025`, `1 Apr – 30 Jun 2025`: the days a reading covers."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"


def suggested_period(indicator: IndicatorRow, today: dt.date) -> dt.date:
    """The period after the latest reading if it has begun, else the period holding today."""
    current = reading_period(indicator.frequency, today)[0]
    if indicator.latest_period_start is None:
        return current
    _start, end = reading_period(indicator.frequency, indicator.latest_period_start)
    following = end + dt.timedelta(days=1)
    return following if following <= today else current


class PeriodEdit(QWidget):
    """A day picker that says which month or quarter the reading will cover."""

    def __init__(self, frequency: Frequency, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frequency = frequency
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.date_edit = DateEdit(self)
        if frequency is Frequency.MONTHLY:
            self.date_edit.setDisplayFormat("MMMM yyyy")
        self.date_edit.setMinimumWidth(150)
        self.covers_label = QLabel(self)
        self.covers_label.setObjectName("fieldHint")
        layout.addWidget(self.date_edit)
        layout.addWidget(self.covers_label, 1)
        self.setFocusProxy(self.date_edit)
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self._on_date_edit_date_changed()

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt's name
        super().setAccessibleName(name)
        self.date_edit.setAccessibleName(name)

    def date_value(self) -> dt.date:
        return self.date_edit.date_value()

    def set_date_value(self, value: dt.date) -> None:
        self.date_edit.set_date_value(value)

    def period(self) -> tuple[dt.date, dt.date]:
        return reading_period(self.frequency, self.date_value())

    def _on_date_edit_date_changed(self, *_args) -> None:
        start, end = self.period()
        self.covers_label.setText(f"{period_label(start, end)}: {_span(start, end)}")


class ReadingDialog(RecordDialog):
    """`changed` holds what was changed once the dialog closes (None if nothing was)."""

    def __init__(
        self,
        workspace: Workspace,
        indicator: IndicatorRow,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__("Add reading", parent)
        self.setWindowTitle(f"Add reading — {indicator.code} {indicator.title}")
        self.workspace = workspace
        self.indicator = indicator
        self.today = today or dt.date.today()
        self.uses_parts = indicator.unit in (IndicatorUnit.PERCENT, IndicatorUnit.RATE)
        self._build()
        self._connect_signals()
        self.period_edit.set_date_value(suggested_period(indicator, self.today))
        self.value_edit.setFocus()
        self.resize(self.sizeHint())

    def _build(self) -> None:
        indicator = self.indicator
        latest = (
            f"Latest: {indicator.formatted(indicator.latest_value)} ({indicator.latest_period_label})."
            if indicator.latest_value is not None
            else "No reading yet."
        )
        self.add_intro(
            f"<b>{indicator.code} {indicator.title}</b><br>"
            f"{indicator.frequency.label}, from {indicator.source}. {latest}"
        )

        rows = self.rows
        self.period_label = "Quarter" if indicator.frequency is Frequency.QUARTERLY else "Month"
        self.period_edit = rows.add(
            "period_start", self.period_label, PeriodEdit(indicator.frequency, self),
            hint=f"Any day in the {self.period_label.lower()}: the reading covers the whole {self.period_label.lower()}",
        )
        value_hint = VALUE_HINTS.get(indicator.unit, "")
        if self.uses_parts:
            value_hint += ", or give the numerator and denominator"
        self.value_hint = value_hint
        self.value_edit = rows.add("value", "Value", QLineEdit(self), hint=value_hint)
        self.numerator_edit = self.denominator_edit = None
        if self.uses_parts:
            self.numerator_edit = rows.add(
                "numerator", "Numerator", QLineEdit(self), hint="Optional: how many, e.g. 1,150"
            )
            self.denominator_edit = rows.add(
                "denominator", "Denominator", QLineEdit(self), hint="Optional: out of how many, e.g. 14,000"
            )
        self.note_edit = rows.add("note", "Note", QPlainTextEdit(self))
        self.note_edit.setFixedHeight(60)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText("Optional: where the figure came from, anything unusual about it")

    def _connect_signals(self) -> None:
        for edit in self._figure_edits():
            edit.textEdited.connect(self._on_figure_edit_text_edited)
        self.period_edit.date_edit.dateChanged.connect(self._on_period_edit_date_changed)

    def _figure_edits(self) -> list[QLineEdit]:
        return [e for e in (self.value_edit, self.numerator_edit, self.denominator_edit) if e is not None]

    # -- read

    def set_value(self, draft: ReadingDraft) -> None:
        self.period_edit.set_date_value(draft.period_start)
        self.value_edit.setText(draft.value)
        if self.numerator_edit is not None and self.denominator_edit is not None:
            self.numerator_edit.setText(draft.numerator or "")
            self.denominator_edit.setText(draft.denominator or "")
        self.note_edit.setPlainText(draft.note)

    def value(self) -> ReadingDraft:
        """The reading as typed; `add_reading` checks its figures."""
        return ReadingDraft(
            period_start=self.period_edit.date_value(),
            value=self.value_edit.text(),
            numerator=self.numerator_edit.text() if self.numerator_edit else None,
            denominator=self.denominator_edit.text() if self.denominator_edit else None,
            note=self.note_edit.toPlainText().strip(),
        )

    # -- checking as the officer types

    def check_figures(self) -> list[FieldError]:
        """The figures' problems by core's rules; nothing typed yet is not a problem yet."""
        typed = self.value()
        self.value_edit.setPlaceholderText(self.value_hint)
        if not any((text or "").strip() for text in (typed.value, typed.numerator, typed.denominator)):
            return []
        try:
            checked = validate_reading(self.indicator.unit, typed.value, typed.numerator, typed.denominator)
        except MissingValueError as error:
            if error.field == "Value":
                return []  # the numerator or denominator is on its way
            return [FieldError(_FIELDS.get(error.field, "value"), str(error))]
        except ReadingValueError as error:
            return [FieldError(_FIELDS.get(error.field, "value"), str(error))]
        if checked.numerator is not None and not typed.value.strip():
            self.value_edit.setPlaceholderText(
                f"Worked out from the parts: {format_value(self.indicator.unit, checked.value)}"
            )
        return []

    def _show_live_errors(self, errors: list[FieldError]) -> None:
        focused = QApplication.focusWidget()
        self.rows.show_errors(errors)
        if focused is not None:
            focused.setFocus(Qt.FocusReason.OtherFocusReason)  # never pull the cursor away mid-typing

    def _on_figure_edit_text_edited(self, _text: str) -> None:
        self._show_live_errors(self.check_figures())

    def _on_period_edit_date_changed(self, *_args) -> None:
        self._show_live_errors(self.check_figures())

    # -- save

    def save(self) -> None:
        def add() -> Changed:
            draft = self.value()
            return add_reading(
                self.workspace.db, self.indicator.id, draft.period_start, draft.value, draft.numerator,
                draft.denominator, draft.note, today=self.today, plan_key=self.indicator.plan.key,
            )

        self.save_with(add)
