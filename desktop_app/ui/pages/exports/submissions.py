"""The record of final MoJ returns: when, who, which period, which file and its fingerprint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import PureWindowsPath

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.numbers import format_count
from desktop_app.core.wording import format_date
from desktop_app.services.export import SubmissionRecord
from desktop_app.ui.pages.exports.sections import one_line_note
from desktop_app.ui.table_model import Column, RecordTableModel
from desktop_app.ui.widgets.record_table import RecordTable

SHORT_HASH = 12


def local_time(moment: dt.datetime) -> str:
    """A stored UTC time as the officer's clock showed it: `24 Nov 2026 17:02`."""
    local = moment.astimezone()
    return f"{format_date(local.date())} {local:%H:%M}"


def file_name(path: str) -> str:
    # Stored paths may come from Windows or from here; either way show the name alone.
    return PureWindowsPath(path).name


def period_text(record: SubmissionRecord) -> str:
    return f"{record.period_label} (with unverified)" if record.include_unverified else record.period_label


SUBMISSION_COLUMNS: list[Column[SubmissionRecord]] = [
    Column("Number", lambda s: s.id, numeric=True),
    Column("When", lambda s: s.created_at, display=local_time),
    Column("Who", lambda s: s.created_by),
    Column("Period", period_text),
    Column("File", lambda s: file_name(s.file_name), tooltip=lambda s: s.file_name),
    Column("SHA-256", lambda s: s.sha256, display=lambda v: v[:SHORT_HASH] + "…",
           tooltip=lambda s: f"SHA-256 of the file as sent:\n{s.sha256}"),
    Column("Returns included", lambda s: s.returns_included, display=format_count, numeric=True),
]
WHEN, FILE = 1, 4


class SubmissionsPanel(QWidget):
    """The submissions table and "Compare with now…" for the selected one."""

    compare_requested = Signal(object)  # a SubmissionRecord

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)

        top = QHBoxLayout()
        self.about_label = one_line_note(
            self, "About submissions",
            "Each final MoJ return locks its returns and is kept here with the file's SHA-256, "
            "to prove what was sent.",
        )
        top.addWidget(self.about_label, 1)
        self.compare_button = QPushButton("Compare with now…", self)
        self.compare_button.setToolTip("What has changed, value by value, since the selected submission (Enter)")
        top.addWidget(self.compare_button)
        layout.addLayout(top)

        self.stack = QStackedWidget(self)
        self.table = RecordTable(RecordTableModel(SUBMISSION_COLUMNS, self), "Submissions", self.stack)
        self.table.sortByColumn(WHEN, Qt.SortOrder.DescendingOrder)  # newest first
        self.stack.addWidget(self.table)
        self.empty_label = QLabel(
            "No final MoJ return has been made yet. Choose the period above, check its totals, "
            "then use “Final MoJ return…”.",
            self.stack,
        )
        self.empty_label.setAccessibleName("No submissions")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setContentsMargins(0, 6, 0, 0)
        self.stack.addWidget(self.empty_label)
        layout.addWidget(self.stack, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.compare_button.clicked.connect(self._on_compare_clicked)
        self.table.record_activated.connect(self.compare_requested.emit)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)

    def set_submissions(self, submissions: Sequence[SubmissionRecord]) -> None:
        current = self.current()
        self.table.source_model.set_rows(submissions)
        self.table.fit_columns(maximum=320, stretch=FILE)
        if not (current is not None and self.table.select_where(lambda s: s.id == current.id)) and submissions:
            self.table.selectRow(0)
        self.stack.setCurrentWidget(self.table if submissions else self.empty_label)
        self._update_buttons()

    def submissions(self) -> list[SubmissionRecord]:
        return self.table.visible_records()

    def current(self) -> SubmissionRecord | None:
        return self.table.current_record()

    def select(self, submission_id: int) -> bool:
        return self.table.select_where(lambda s: s.id == submission_id)

    def _update_buttons(self) -> None:
        self.compare_button.setEnabled(self.current() is not None)

    def _on_compare_clicked(self) -> None:
        current = self.current()
        if current is not None:
            self.compare_requested.emit(current)

    def _on_table_current_row_changed(self, *_args) -> None:
        self._update_buttons()
