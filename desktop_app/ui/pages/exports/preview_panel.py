"""What the MoJ return for the chosen period would hold, seen before saving: the totals per
measure, how many returns count, what is left out, and what an officer should look at first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QHeaderView,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.numbers import format_count
from desktop_app.services.export import DataProblem, ExportPreview
from desktop_app.services.report import MeasureTotal
from desktop_app.ui.pages.exports.sections import section_heading, subtitle
from desktop_app.ui.widgets.message_line import message_line, show_message
from desktop_app.ui.table_model import Column, RecordTableModel
from desktop_app.ui.widgets.record_table import RecordTable

TOTAL_COLUMNS: list[Column[MeasureTotal]] = [
    Column("Measure", lambda m: m.label, tooltip=lambda m: m.label),
    Column("Total", lambda m: m.total, display=format_count, numeric=True),
]

PROBLEM_COLUMNS: list[Column[DataProblem]] = [
    Column("Where", lambda p: p.where, tooltip=lambda p: p.where),
    Column("Problem", lambda p: p.message, tooltip=lambda p: p.message),
]

TOTALS_WIDTH = 470
# The fewest totals shown at once when the window is short (the rest scroll).
SHORTEST_ROWS = 6


def counts_text(preview: ExportPreview) -> str:
    """One line on what the totals count and what they leave out."""
    counted = format_count(preview.returns_counted)
    unverified = format_count(preview.returns_unverified)
    if preview.include_unverified:
        parts = [f"{counted} returns counted, {unverified} of them not yet verified"]
    else:
        parts = [f"{counted} verified or locked returns counted", f"{unverified} not yet verified, left out"]
    parts.append(f"{format_count(preview.returns_missing)} missing")
    return " · ".join(parts)


def _no_problems_text(preview: ExportPreview) -> str:
    return (
        f"None found: every return expected for {preview.period.label} is in, and every "
        "counted return passes its checks."
    )


class PreviewPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview: ExportPreview | None = None
        # As tall as the totals where the screen has room (the tabs below give way first); on a
        # laptop the totals scroll rather than the counts line landing on their last rows.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        self.refusal_label = message_line(self, "Why this period cannot be exported")
        layout.addWidget(self.refusal_label)

        headings = QHBoxLayout()
        headings.setSpacing(20)
        self.totals_heading = section_heading("Totals", self)
        self.totals_heading.setFixedWidth(TOTALS_WIDTH)
        self.problems_heading = section_heading("Data-quality problems", self)
        headings.addWidget(self.totals_heading)
        headings.addWidget(self.problems_heading, 1)
        layout.addLayout(headings)

        # Side by side and equally tall: the totals, and what to look at before sending them.
        columns = QHBoxLayout()
        columns.setSpacing(20)
        self.totals_model = RecordTableModel(TOTAL_COLUMNS, self)
        self.totals_table = RecordTable(self.totals_model, "Totals", self)
        self.totals_table.setSortingEnabled(False)
        self.totals_table.proxy.sort(-1)  # the measures' own order, as the MoJ form lists them
        self.totals_table.setFixedWidth(TOTALS_WIDTH)
        self.totals_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals_table.horizontalHeader().setStretchLastSection(False)
        # It asks for the height of all its rows; the layout gives it that where it can.
        self.totals_table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        columns.addWidget(self.totals_table, 0)

        self.problems_stack = QStackedWidget(self)
        self.problems_model = RecordTableModel(PROBLEM_COLUMNS, self)
        self.problems_table = RecordTable(self.problems_model, "Data-quality problems", self.problems_stack)
        # The service's order (rule breaches, then missing returns) until the officer sorts.
        self.problems_table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.problems_stack.addWidget(self.problems_table)
        self.no_problems_label = QLabel(self.problems_stack)
        self.no_problems_label.setObjectName("totalsPanel")  # the white, framed box of a table
        self.no_problems_label.setAccessibleName("Data-quality problems")
        self.no_problems_label.setWordWrap(True)
        self.no_problems_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.no_problems_label.setMargin(10)
        self.problems_stack.addWidget(self.no_problems_label)
        columns.addWidget(self.problems_stack, 1)
        layout.addLayout(columns)

        self.counts_label = subtitle(self, "Returns counted")
        layout.addWidget(self.counts_label)

    def show_preview(self, preview: ExportPreview) -> None:
        self.preview = preview
        self.totals_heading.setText(f"Totals for {preview.period.label}")
        self.totals_model.set_rows(preview.measures)
        self._fit_totals()
        self.counts_label.setText(counts_text(preview))
        show_message(self.refusal_label, preview.refusal or "", problem=True)

        problems = preview.problems
        count = f" ({format_count(len(problems))})" if problems else ""
        self.problems_heading.setText(f"Data-quality problems{count}")
        self.problems_model.set_rows(problems)
        if problems:
            # The problem in full where it fits; the place (quarter, strand, provider) takes the
            # rest and is elided, with the whole of it in the tooltip.
            self.problems_table.fit_columns(maximum=360, stretch=0)
            self.problems_stack.setCurrentWidget(self.problems_table)
        else:
            self.no_problems_label.setText(_no_problems_text(preview))
            self.problems_stack.setCurrentWidget(self.no_problems_label)

    def _fit_totals(self) -> None:
        header = self.totals_table.horizontalHeader()
        number_width = max(110, self.totals_table.fontMetrics().horizontalAdvance("0,000,000") + 36)
        header.resizeSection(1, number_width)
        # The measure takes what is left, with or without the scroll bar of a short window.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.totals_table.fit_height_to_rows()
        whole = self.totals_table.height()
        least = min(whole, whole - self.totals_model.rowCount() * self.totals_table.verticalHeader().defaultSectionSize()
                    + SHORTEST_ROWS * self.totals_table.verticalHeader().defaultSectionSize())
        for widget in (self.totals_table, self.problems_stack):
            widget.setMinimumHeight(least)
            widget.setMaximumHeight(whole)

    def showEvent(self, event) -> None:
        # The header's real height is known only once shown; size the tables again then.
        super().showEvent(event)
        if self.preview is not None:
            self._fit_totals()

    def total_texts(self) -> dict[str, str]:
        """Each measure's label and its total as shown ("Victims supported" -> "90,793")."""
        model = self.totals_model
        return {
            model.data(model.index(row, 0)): model.data(model.index(row, 1)) for row in range(model.rowCount())
        }
