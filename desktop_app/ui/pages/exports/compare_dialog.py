"""Compare with now: every figure that differs from a submission, and the totals then and now."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop_app.core.numbers import format_change, format_count
from desktop_app.core.wording import plural
from desktop_app.services.export import SubmissionComparison, TotalChange, ValueChange
from desktop_app.ui.pages.exports.sections import section_heading, subtitle
from desktop_app.ui.pages.exports.submissions import file_name, local_time, period_text
from desktop_app.ui.table_model import Column, RecordTableModel
from desktop_app.ui.widgets.record_table import RecordTable

NO_CHANGES = "No changes since this submission."
KIND_WORDS = {"added": "Added since", "removed": "Gone since", "changed": "Changed"}
CHANGED_COLOUR = "#8a5a00"


CHANGE_COLUMNS: list[Column[ValueChange]] = [
    Column("Strand", lambda c: f"{c.strand_ref} {c.strand}", tooltip=lambda c: f"{c.strand_ref} {c.strand}"),
    Column("Quarter", lambda c: c.quarter),
    Column("Measure", lambda c: c.measure_label, tooltip=lambda c: c.measure_label),
    Column("Then", lambda c: c.then, display=format_count, numeric=True),
    Column("Now", lambda c: c.now, display=format_count, numeric=True),
    Column("Difference", lambda c: c.difference, display=format_change, numeric=True),
    Column("Kind", lambda c: KIND_WORDS.get(c.kind, c.kind)),
]

TOTAL_COLUMNS: list[Column[TotalChange]] = [
    Column("Measure", lambda t: t.label),
    Column("Then", lambda t: t.then, display=format_count, numeric=True),
    Column("Now", lambda t: t.now, display=format_count, numeric=True),
    Column(
        "Difference", lambda t: t.difference, display=format_change, numeric=True,
        foreground=lambda t: CHANGED_COLOUR if t.difference else None,
    ),
]


def summary_text(comparison: SubmissionComparison) -> str:
    """In a sentence or two: how much differs, and which returns are no longer locked."""
    if comparison.unchanged and not comparison.reopened:
        return NO_CHANGES
    parts = []
    if comparison.unchanged:
        parts.append(NO_CHANGES[:-1] + " in the figures.")
    else:
        count = len(comparison.changes)
        parts.append(f"{plural(count, 'value has', 'values have')} changed since this submission.")
    if comparison.reopened:
        listed = "; ".join(f"{r.strand_ref} {r.quarter} ({r.status.lower()})" for r in comparison.reopened[:6])
        more = len(comparison.reopened) - 6
        tail = f" and {more} more" if more > 0 else ""
        parts.append(f"No longer locked: {listed}{tail}.")
    return " ".join(parts)


class CompareDialog(QDialog):
    def __init__(self, comparison: SubmissionComparison, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.comparison = comparison
        submission = comparison.submission
        self.setWindowTitle(f"Compare submission {submission.id} with now")
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(8)

        heading = QLabel(f"Submission {submission.id} — {period_text(submission)} — compared with now", self)
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        sent = subtitle(self, "Sent")
        sent.setText(
            f"Sent {local_time(submission.created_at)} by {submission.created_by} as "
            f"{file_name(submission.file_name)} ({plural(submission.returns_included, 'return')})."
        )
        sent.setToolTip(submission.file_name)
        layout.addWidget(sent)

        self.summary_label = QLabel(summary_text(comparison), self)
        self.summary_label.setObjectName("formNotice" if not comparison.unchanged else "pageSubtitle")
        self.summary_label.setAccessibleName("Summary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        layout.addWidget(section_heading("Totals then and now", self))
        totals_model = RecordTableModel(TOTAL_COLUMNS, self)
        totals_model.set_rows(comparison.totals)
        self.totals_table = RecordTable(totals_model, "Totals then and now", self)
        self.totals_table.setSortingEnabled(False)
        self.totals_table.proxy.sort(-1)
        self.totals_table.fit_columns(maximum=360, stretch=0)
        self.totals_table.fit_height_to_rows()
        layout.addWidget(self.totals_table)

        self.changes_heading = section_heading("Values changed", self)
        layout.addWidget(self.changes_heading)
        changes_model = RecordTableModel(CHANGE_COLUMNS, self)
        changes_model.set_rows(comparison.changes)
        self.changes_table = RecordTable(changes_model, "Values changed", self)
        self.changes_table.setSortingEnabled(True)
        self.changes_table.proxy.sort(-1)  # the service's order: provider, strand, quarter, measure
        self.changes_table.fit_columns(maximum=300, stretch=0)
        layout.addWidget(self.changes_table, 1)
        self.changes_heading.setVisible(bool(comparison.changes))
        self.changes_table.setVisible(bool(comparison.changes))
        if not comparison.changes:
            layout.addStretch(1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def change_rows(self) -> list[ValueChange]:
        return self.changes_table.visible_records()
