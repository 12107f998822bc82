"""Choosing what to export: the financial year, the whole year or a half or quarter of it,
and whether returns not yet verified count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget

from desktop_app.core.periods import FinancialYear
from desktop_app.services.export import ExportPeriod
from desktop_app.services.return_years import YearWithReturns
from desktop_app.services.return_years import years_with_returns as years_with_returns_of
from desktop_app.services.workspace import Workspace

# (what the officer reads, ExportPeriod's half, quarter)
PARTS: tuple[tuple[str, int | None, int | None], ...] = (
    ("Whole year", None, None),
    ("H1 (Apr–Sep)", 1, None),
    ("H2 (Oct–Mar)", 2, None),
    ("Q1 (Apr–Jun)", None, 1),
    ("Q2 (Jul–Sep)", None, 2),
    ("Q3 (Oct–Dec)", None, 3),
    ("Q4 (Jan–Mar)", None, 4),
)


def years_with_returns(workspace: Workspace) -> list[YearWithReturns]:
    """The financial years that have at least one return, newest first."""
    return years_with_returns_of(workspace.db)


def default_year(years: Sequence[YearWithReturns], today: dt.date | None = None) -> FinancialYear | None:
    """The latest complete year: ended with every return in; else the latest ended; else the newest."""
    today = today or dt.date.today()
    ended = [y for y in years if y.year.end < today]
    for candidates in ([y for y in ended if y.missing == 0], ended, list(years)):
        if candidates:
            return max(candidates, key=lambda y: y.year.start_year).year
    return None


class PeriodPicker(QWidget):
    """One row: Financial year, Period, and the "Include unverified returns" tick box."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)

        year_label = QLabel("Financial year", self)
        self.year_combo = QComboBox(self)
        self.year_combo.setAccessibleName("Financial year")
        self.year_combo.setMinimumWidth(110)
        year_label.setBuddy(self.year_combo)

        part_label = QLabel("Period", self)
        self.part_combo = QComboBox(self)
        self.part_combo.setAccessibleName("Period")
        self.part_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        part_label.setBuddy(self.part_combo)
        for text, half, quarter in PARTS:
            self.part_combo.addItem(text, (half, quarter))

        self.unverified_check = QCheckBox("Include unverified returns", self)
        self.unverified_check.setAccessibleName("Include unverified returns")
        self.unverified_check.setToolTip(
            "By default only verified and locked returns count; tick to count draft and submitted ones too."
        )

        row.addWidget(year_label)
        row.addWidget(self.year_combo)
        row.addSpacing(16)
        row.addWidget(part_label)
        row.addWidget(self.part_combo)
        row.addSpacing(16)
        row.addWidget(self.unverified_check)
        row.addStretch(1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.year_combo.currentIndexChanged.connect(self._on_any_changed)
        self.part_combo.currentIndexChanged.connect(self._on_any_changed)
        self.unverified_check.toggled.connect(self._on_any_changed)

    def _on_any_changed(self, *_args) -> None:
        if self.year_combo.count():
            self.changed.emit()

    # ------------------------------------------------------------------ values

    def set_years(self, years: Sequence[FinancialYear], preferred: FinancialYear | None) -> None:
        """Offer `years` (newest first), keeping the year already chosen if it is still there."""
        current = self.year()
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in years:
            self.year_combo.addItem(year.label, year.start_year)
        keep = current if current in years else preferred
        if keep is not None and keep in years:
            self.year_combo.setCurrentIndex(list(years).index(keep))
        self.year_combo.blockSignals(False)

    def year(self) -> FinancialYear | None:
        start_year = self.year_combo.currentData()
        return None if start_year is None else FinancialYear(start_year)

    def select_year(self, label: str) -> None:
        """Choose a year by its label, as an officer picks it from the list ("2022/23")."""
        index = self.year_combo.findText(label)
        if index < 0:
            raise ValueError(f"{label} is not offered; offered: {self.offered_years()}")
        self.year_combo.setCurrentIndex(index)

    def select_part(self, part: str) -> None:
        """Choose "year", "H1".."H2" or "Q1".."Q4"."""
        for index, (text, _half, _quarter) in enumerate(PARTS):
            if (part == "year" and index == 0) or text.startswith(part + " "):
                self.part_combo.setCurrentIndex(index)
                return
        raise ValueError(f"{part!r} is not a part of a year")

    def offered_years(self) -> list[str]:
        return [self.year_combo.itemText(i) for i in range(self.year_combo.count())]

    def period(self) -> ExportPeriod | None:
        year = self.year()
        if year is None:
            return None
        half, quarter = self.part_combo.currentData()
        return ExportPeriod(year, half=half, quarter=quarter)

    def include_unverified(self) -> bool:
        return self.unverified_check.isChecked()
