"""A measure's breakdowns as compact tables: a row per category, one input each, and under them
what the categories add up to against the measure's total.

Used by the return form (a tab per measure that has breakdowns) and by the small dialog the grid
opens from a cell, so both read and say the same. The lists come from the catalogue: a category
added to the file is one more row here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.core.catalogue import BreakdownDefinition
from desktop_app.core.numbers import CountError, format_count, parse_count
from desktop_app.core.return_checks import BreakdownCell, Problem
from desktop_app.ui.pages.returns.markers import sum_words

__all__ = ["BreakdownTable", "BreakdownsPanel"]

CATEGORY_WIDTH, INPUT_WIDTH, TABLE_WIDTH = 150, 76, 300
_STYLE = {"error": "color: #b00020; font-weight: 600;", "warning": "color: #8a6100; font-weight: 600;",
          "done": "color: #1d6b35; font-weight: 600;", "": "color: #5b6b7a;"}


def _read(text: str) -> int | None:
    try:
        return parse_count(text)
    except CountError:
        return None


def _rows(breakdown: BreakdownDefinition) -> int:
    return len(breakdown.categories) + len({c.group for c in breakdown.categories if c.group}) + 2


def _columns(breakdowns: tuple[BreakdownDefinition, ...]) -> list[list[BreakdownDefinition]]:
    """Short lists stacked, so all of them sit side by side on a laptop screen: each goes into
    the first column that stays no taller than the longest list."""
    tallest = max((_rows(b) for b in breakdowns), default=0)
    columns: list[list[BreakdownDefinition]] = []
    for breakdown in breakdowns:
        for column in columns:
            if sum(_rows(b) for b in column) + _rows(breakdown) <= tallest:
                column.append(breakdown)
                break
        else:
            columns.append([breakdown])
    return columns


class BreakdownTable(QGroupBox):
    """One breakdown of one measure: `edits` maps category keys to their inputs."""

    changed = Signal()

    def __init__(self, measure_key: str, measure_label: str, breakdown: BreakdownDefinition, parent=None) -> None:
        super().__init__(f"By {breakdown.label.lower()}", parent)
        self.measure_key = measure_key
        self.breakdown = breakdown
        name = f"{measure_label} by {breakdown.label.lower()}"
        self.setAccessibleName(name)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 10, 8)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        self.edits: dict[str, QLineEdit] = {}
        row, group = 0, ""
        for category in breakdown.categories:
            if category.group and category.group != group:
                group = category.group
                heading = QLabel(f"<b>{html.escape(group)}</b>", self)
                heading.setObjectName("fieldHint")
                heading.setWordWrap(True)
                grid.addWidget(heading, row, 0, 1, 2)
                row += 1
            edit = QLineEdit(self)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            edit.setFixedWidth(INPUT_WIDTH)
            edit.setProperty("ownFormState", True)  # built when its tab is first shown: see ReturnDialog
            # Named by its visible label, as every input is; the table's title says which list.
            edit.setAccessibleName(category.label)
            edit.setAccessibleDescription(f"{name}: {category.label}")
            caption = QLabel(category.label, self)
            caption.setWordWrap(True)
            caption.setMinimumWidth(CATEGORY_WIDTH)
            caption.setToolTip(category.label)
            caption.setBuddy(edit)
            if category.group:
                caption.setIndent(10)
            grid.addWidget(caption, row, 0)
            grid.addWidget(edit, row, 1, Qt.AlignmentFlag.AlignTop)
            self.edits[category.key] = edit
            edit.textChanged.connect(self.changed)
            row += 1
        self.sum_label = QLabel(self)
        self.sum_label.setWordWrap(True)
        self.sum_label.setAccessibleName(f"{name}: sum")
        grid.addWidget(self.sum_label, row, 0, 1, 2)
        self.problem_label = QLabel(self)
        self.problem_label.setTextFormat(Qt.TextFormat.RichText)
        self.problem_label.setWordWrap(True)
        self.problem_label.setVisible(False)
        self.problem_label.setAccessibleName(f"{name} problem")
        grid.addWidget(self.problem_label, row + 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(row + 2, 1)

    def cell(self, category_key: str) -> BreakdownCell:
        return (self.measure_key, self.breakdown.key, category_key)

    def set_values(self, values: Mapping[BreakdownCell, int]) -> None:
        for key, edit in self.edits.items():
            edit.setText(format_count(values.get(self.cell(key))))

    def texts(self) -> dict[BreakdownCell, str]:
        return {self.cell(key): edit.text() for key, edit in self.edits.items()}

    def set_read_only(self, read_only: bool, style: str = "") -> None:
        for edit in self.edits.values():
            edit.setReadOnly(read_only)
            edit.setStyleSheet(style if read_only else "")

    def show_sum(self, total: int | None) -> str:
        """Say what the categories add up to against `total`; returns how it stands."""
        words, state = sum_words((_read(e.text()) for e in self.edits.values()), total)
        self.sum_label.setText(words)
        self.sum_label.setStyleSheet(_STYLE[state])
        return state

    def show_problems(self, problems: Iterable[Problem]) -> None:
        mine = [p for p in problems if p.breakdown_key == self.breakdown.key]
        self.problem_label.setText("".join(
            f'<div style="{_STYLE["error" if p.is_error else "warning"]}">{"✖" if p.is_error else "⚠"} '
            f"{html.escape(p.message)}</div>" for p in mine))
        self.problem_label.setVisible(bool(mine))


class BreakdownsPanel(QWidget):
    """Every breakdown of one measure side by side, under a line naming the total they share."""

    changed = Signal()

    def __init__(self, measure_key: str, measure_label: str, breakdowns: Iterable[BreakdownDefinition], parent=None) -> None:
        super().__init__(parent)
        self.measure_key = measure_key
        self.measure_label = measure_label
        column = QGridLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.total_label = QLabel(self)
        self.total_label.setWordWrap(True)
        column.addWidget(self.total_label, 0, 0)
        row = QHBoxLayout()
        row.setSpacing(10)
        breakdowns = tuple(breakdowns)
        self.tables: dict[str, BreakdownTable] = {}  # in the catalogue's order, whatever the layout
        for breakdown in breakdowns:
            table = BreakdownTable(measure_key, measure_label, breakdown, self)
            table.setFixedWidth(TABLE_WIDTH)
            table.changed.connect(self.changed)
            self.tables[breakdown.key] = table
        for stack in _columns(breakdowns):
            tables = QVBoxLayout()
            tables.setSpacing(10)
            for breakdown in stack:
                tables.addWidget(self.tables[breakdown.key])
            tables.addStretch(1)
            row.addLayout(tables)
        row.addStretch(1)
        column.addLayout(row, 1, 0)
        column.setRowStretch(2, 1)

    @staticmethod
    def width_for(breakdowns: Iterable[BreakdownDefinition]) -> int:
        """How wide the panel is laid out, without building it."""
        return len(_columns(tuple(breakdowns))) * (TABLE_WIDTH + 10)

    def set_values(self, values: Mapping[BreakdownCell, int]) -> None:
        for table in self.tables.values():
            table.set_values(values)

    def texts(self) -> dict[BreakdownCell, str]:
        found: dict[BreakdownCell, str] = {}
        for table in self.tables.values():
            found.update(table.texts())
        return found

    def set_read_only(self, read_only: bool, style: str = "") -> None:
        for table in self.tables.values():
            table.set_read_only(read_only, style)

    def show_total(self, total: int | None, problems: Iterable[Problem] = ()) -> list[str]:
        """Each table's sum against `total` and its problems; returns the tables' states."""
        shown = "empty" if total is None else format_count(total)
        self.total_label.setText(
            f"<b>{html.escape(self.measure_label)}</b> this quarter: <b>{shown}</b>. Each breakdown's categories "
            "add up to it; count anyone not known under \"Not known\"."
        )
        problems = tuple(problems)
        states = []
        for table in self.tables.values():
            states.append(table.show_sum(total))
            table.show_problems(problems)
        return states

    def first_edit(self, breakdown_key: str | None) -> QLineEdit | None:
        table = self.tables.get(breakdown_key or "") or next(iter(self.tables.values()), None)
        return next(iter(table.edits.values()), None) if table is not None else None
