"""An indicator's baseline, target and tolerance: the figures its status is judged against.

Every change is audited by the service (with the reason given here); History shows the trail.
As the officer types, the form says what the latest reading's status would become.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from desktop_app.core.indicator_status import DEFAULT_TOLERANCE_PCT, indicator_status
from desktop_app.core.indicator_values import ReadingValueError, check_value, parse_number
from desktop_app.core.vocabulary import IndicatorUnit
from desktop_app.services.indicators import (
    IndicatorRow,
    get_indicator,
    indicator_history,
    update_indicator_settings,
)
from desktop_app.services.workspace import Workspace
from desktop_app.ui.pages.indicators.reading_dialog import VALUE_HINTS
from desktop_app.ui.widgets.history_dialog import HistoryDialog
from desktop_app.ui.widgets.record_dialog import RecordDialog


def _figure_text(unit: IndicatorUnit, value: float | None) -> str:
    """A stored figure as an officer would type it: `1,850`, `82.0`, `3.256` (never rounded,
    so saving an untouched form changes nothing)."""
    if value is None:
        return ""
    value = float(value)
    if unit in (IndicatorUnit.PERCENT, IndicatorUnit.DAYS) and round(value, 1) == value:
        return f"{value:,.1f}"
    return f"{int(value):,}" if value.is_integer() else repr(value)


class IndicatorSettingsDialog(RecordDialog):
    """`changed` holds what was changed once the dialog closes (None if nothing was)."""

    def __init__(self, workspace: Workspace, indicator: IndicatorRow, parent: QWidget | None = None) -> None:
        super().__init__("Baseline and target", parent)
        self.setWindowTitle(f"Baseline and target — {indicator.code} {indicator.title}")
        self.workspace = workspace
        self.indicator = indicator
        self.history_dialog: HistoryDialog | None = None
        self._build()
        self._connect_signals()
        self.set_value(indicator)
        self._update_preview()
        self.baseline_edit.setFocus()
        self.resize(self.sizeHint())

    def _build(self) -> None:
        indicator = self.indicator
        self.add_intro(
            f"<b>{indicator.code} {indicator.title}</b><br>"
            f"Should {indicator.direction.label.lower()}. The status compares the latest reading with the "
            "baseline; a change within the tolerance either side of it shows as within tolerance."
        )

        rows = self.rows
        # Placeholders set first keep the hints on show under fields that are usually filled.
        self.baseline_edit = QLineEdit(self)
        self.baseline_edit.setPlaceholderText("No baseline")
        rows.add("baseline_value", "Baseline", self.baseline_edit, hint=VALUE_HINTS.get(indicator.unit))
        self.baseline_period_edit = rows.add("baseline_period", "Baseline period", QLineEdit(self))
        self.baseline_period_edit.setPlaceholderText("Which period the baseline is from, e.g. 2021/22")
        self.target_edit = rows.add("target_value", "Target", QLineEdit(self))
        self.target_edit.setPlaceholderText("Optional, e.g. the Plan's pledge")
        self.target_note_edit = rows.add("target_note", "Target note", QLineEdit(self))
        self.target_note_edit.setPlaceholderText("Optional: where the target comes from")
        self.tolerance_edit = QLineEdit(self)
        self.tolerance_edit.setPlaceholderText(f"{DEFAULT_TOLERANCE_PCT:g}")
        rows.add(
            "tolerance_pct", "Tolerance", self.tolerance_edit,
            hint=f"% of the baseline either side that still counts as within tolerance; blank means {DEFAULT_TOLERANCE_PCT:g}%",
        )
        self.reason_edit = rows.add("reason", "Reason for change", QLineEdit(self))
        self.reason_edit.setPlaceholderText("Optional: kept in the audit trail, e.g. Plan refresh 2025")

        self.preview_label = QLabel(self)
        self.preview_label.setObjectName("fieldHint")
        self.preview_label.setWordWrap(True)
        self.preview_label.setAccessibleName("Status preview")
        self.outer.insertWidget(self.outer.indexOf(self.problem), self.preview_label)
        self.history_button = self.add_left_button("History", self._on_history_clicked)

    def _connect_signals(self) -> None:
        for edit in (self.baseline_edit, self.tolerance_edit):
            edit.textEdited.connect(self._on_figure_edit_text_edited)

    # -- load and read

    def set_value(self, indicator: IndicatorRow) -> None:
        self.baseline_edit.setText(_figure_text(indicator.unit, indicator.baseline_value))
        self.baseline_period_edit.setText(indicator.baseline_period or "")
        self.target_edit.setText(_figure_text(indicator.unit, indicator.target_value))
        self.target_note_edit.setText(indicator.target_note or "")
        self.tolerance_edit.setText(f"{indicator.tolerance_pct:g}")

    def value(self) -> dict:
        """What the service's `update_indicator_settings` takes, as typed."""
        return {
            "baseline_value": self.baseline_edit.text(),
            "baseline_period": self.baseline_period_edit.text(),
            "target_value": self.target_edit.text(),
            "target_note": self.target_note_edit.text(),
            "tolerance_pct": self.tolerance_edit.text(),
        }

    # -- the status these settings would give

    def _update_preview(self) -> None:
        indicator = self.indicator
        if indicator.latest_value is None:
            self.preview_label.setText("No reading yet: the status will show once the first reading is added.")
            return
        try:
            baseline_text = self.baseline_edit.text()
            baseline = check_value(indicator.unit, baseline_text, "Baseline") if baseline_text.strip() else None
            tolerance_text = self.tolerance_edit.text()
            tolerance = parse_number(tolerance_text, "Tolerance") if tolerance_text.strip() else None
            judged = indicator_status(
                indicator.direction, baseline, indicator.latest_value,
                DEFAULT_TOLERANCE_PCT if tolerance is None else tolerance,
            )
        except (ReadingValueError, ValueError):
            self.preview_label.setText("")
            return
        self.preview_label.setText(
            f"With these figures the latest reading, {indicator.formatted(indicator.latest_value)} "
            f"({indicator.latest_period_label}), shows as: {judged.words}."
        )

    def _on_figure_edit_text_edited(self, _text: str) -> None:
        self._update_preview()

    # -- actions

    def save(self) -> None:
        reason = self.reason_edit.text().strip() or None
        self.save_with(lambda: update_indicator_settings(
            self.workspace.db, self.indicator.id, **self.value(), reason=reason, version=self.indicator.version
        ))

    def reload(self) -> None:
        """Load the baseline, target and tolerance as stored now (the other officer's) into the dialog."""
        self.indicator = get_indicator(self.workspace.db, self.indicator.id)
        self.set_value(self.indicator)
        self._update_preview()

    def _on_history_clicked(self) -> None:
        entries = indicator_history(self.workspace.db, self.indicator.id)
        self.history_dialog = HistoryDialog(f"{self.indicator.code} {self.indicator.title}", entries, self)
        self.history_dialog.open()
