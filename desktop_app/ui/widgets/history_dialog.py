"""A record's history from the audit trail: when, who, what changed from what to what."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from desktop_app.core.wording import format_date
from desktop_app.services.history import HistoryEntry
from desktop_app.ui.table_model import Column, RecordTableModel
from desktop_app.ui.widgets.record_table import RecordTable

HISTORY_COLUMNS: list[Column[HistoryEntry]] = [
    Column("When", lambda e: e.at, display=lambda v: f"{format_date(v)} {v:%H:%M}"),
    Column("Who", lambda e: e.who),
    Column("Record", lambda e: e.record),
    Column("Field", lambda e: e.field),
    Column("Old", lambda e: e.old),
    Column("New", lambda e: e.new),
    Column("Reason", lambda e: e.reason or ""),
]


class HistoryDialog(QDialog):
    def __init__(self, title: str, entries: Sequence[HistoryEntry], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"History — {title}")
        self.resize(900, 460)
        layout = QVBoxLayout(self)
        heading = QLabel(f"History of {title}", self)
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        model = RecordTableModel(HISTORY_COLUMNS, self)
        model.set_rows(entries)
        self.table = RecordTable(model, "History", self)
        self.table.setSortingEnabled(False)
        self.table.proxy.sort(-1)  # the trail reads newest first, as the service gives it
        self.table.fit_columns(maximum=280)
        layout.addWidget(self.table, 1)
        if not entries:
            layout.addWidget(QLabel("No changes have been recorded for this record yet.", self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
