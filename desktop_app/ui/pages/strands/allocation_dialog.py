"""The allocation editor: what one strand gets each financial year, against the budget, live.

Each year shows the stream's budget, what the other strands already have, and what would be
left after this strand's figure — in red, in words, as soon as it goes over. Saving an
over-allocation needs a reason, which goes into the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from desktop_app.core.money import MoneyError, format_pence
from desktop_app.core.periods import FinancialYear
from desktop_app.services import strands as strand_service
from desktop_app.services.funding import budget_position
from desktop_app.services.strands import StrandRow
from desktop_app.services.validation import OverAllocationError
from desktop_app.services.workspace import Workspace
from desktop_app.ui.widgets.money_edit import MoneyEdit
from desktop_app.ui.widgets.record_dialog import RecordDialog


class AllocationDialog(RecordDialog):
    def __init__(self, workspace: Workspace, strand: StrandRow, parent: QWidget | None = None) -> None:
        super().__init__(f"Allocations for {strand.reference}", parent)
        self.setMinimumWidth(780)
        self.workspace = workspace
        self.strand = strand
        positions = budget_position(workspace.db, strand.funding_stream_id)
        # What the other strands hold each year: the stream's allocated total less this strand's.
        self._others = {p.financial_year: p.allocated_pence - strand.allocations.get(p.financial_year, 0) for p in positions}
        self._budgets = {p.financial_year: p.budget_pence for p in positions}
        self.amount_edits: dict[int, MoneyEdit] = {}
        self.remaining_labels: dict[int, QLabel] = {}
        self._build(positions)
        self._update_totals()

    def _build(self, positions) -> None:
        self.add_intro(
            f"{self.strand.name}, {self.strand.provider_name}; funded from "
            f"{self.strand.funding_stream_name}. Amounts in pounds; what remains of each year's "
            "budget updates as you type."
        )

        grid_holder = QWidget(self)
        grid = QGridLayout(grid_holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        for column, minimum in enumerate((110, 160, 120, 130, 210)):
            grid.setColumnMinimumWidth(column, minimum)
        for column, title in enumerate(["Financial year", "Allocation", "Budget", "Other strands", "Remaining"]):
            header = QLabel(f"<b>{title}</b>", grid_holder)
            if column >= 2:
                header.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(header, 0, column)
        for row, position in enumerate(positions, start=1):
            year = position.financial_year
            label = FinancialYear(year).label
            year_label = QLabel(label, grid_holder)
            grid.addWidget(year_label, row, 0)
            edit = MoneyEdit(grid_holder)
            year_label.setBuddy(edit)
            edit.setAccessibleName(label)  # its visible label, as everywhere
            edit.setAccessibleDescription(f"Allocation for {label}")
            edit.setMinimumWidth(150)
            edit.textChanged.connect(self._update_totals)
            grid.addWidget(edit, row, 1)
            for column, pence in ((2, self._budgets[year]), (3, self._others[year])):
                figure = QLabel(format_pence(pence, show_pence=False), grid_holder)
                figure.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(figure, row, column)
            remaining = QLabel(grid_holder)
            remaining.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            remaining.setAccessibleName(f"Remaining {label}")
            grid.addWidget(remaining, row, 4)
            self.amount_edits[year] = edit
            self.remaining_labels[year] = remaining
        self.rows.layout.addRow(grid_holder)
        self.set_value(self.strand.allocations)

        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText("Needed only to allocate more than a year's budget")
        self.rows.add("reason", "Reason for over-allocating", self.reason_edit)
        if not positions:
            self.show_problem(
                "The funding stream has no yearly budgets yet. Add them to the funding stream first."
            )
            self.save_button.setEnabled(False)

    def set_value(self, allocations: Mapping[int, int]) -> None:
        """Show the strand's allocation (pence) for each year of its stream."""
        for year, edit in self.amount_edits.items():
            edit.set_pence(allocations.get(year) or None)

    def value(self) -> dict[int, int]:
        """Pence per year as typed; raises MoneyError, naming the year, for text that is not money."""
        amounts = {}
        for year, edit in self.amount_edits.items():
            try:
                amounts[year] = edit.pence() or 0
            except MoneyError as error:
                raise MoneyError(f"Allocation for {FinancialYear(year).label}: {error}") from None
        return amounts

    def _update_totals(self) -> None:
        for year, edit in self.amount_edits.items():
            label = self.remaining_labels[year]
            try:
                amount = edit.pence() or 0
            except ValueError:
                label.setText("—")
                continue
            remaining = self._budgets[year] - self._others[year] - amount
            over = remaining < 0
            label.setText(
                f"{format_pence(-remaining, show_pence=False)} over budget"
                if over
                else format_pence(remaining, show_pence=False)
            )
            label.setProperty("overBudget", over)
            label.style().unpolish(label)
            label.style().polish(label)

    def over_years(self) -> list[int]:
        return [y for y, label in self.remaining_labels.items() if label.property("overBudget")]

    def reload(self) -> None:
        """Load the strand's allocations as stored now (the other officer's) into the dialog."""
        self.strand = strand_service.get_strand(self.workspace.db, self.strand.id)
        positions = budget_position(self.workspace.db, self.strand.funding_stream_id)
        self._others = {
            p.financial_year: p.allocated_pence - self.strand.allocations.get(p.financial_year, 0) for p in positions
        }
        self.set_value(self.strand.allocations)
        self._update_totals()

    def save(self) -> None:
        reason = self.reason_edit.text().strip() or None
        self.save_with(lambda: strand_service.set_allocations(
            self.workspace.db, self.strand.id, self.value(), reason=reason, versions=self.strand.allocation_versions
        ))

    def show_refusal(self, refused: BaseException) -> None:
        # Bad figures or the strand deleted meanwhile say so; over-allocating also says what to do.
        if isinstance(refused, OverAllocationError):
            self.show_problem(f"{refused}\nGive a reason for over-allocating to save anyway; it is kept in the audit trail.")
            self.reason_edit.setFocus()
        else:
            self.show_problem(str(refused))
