"""The claim form: a strand's spend for one quarter by expenditure category, and its forecast.

Amounts are typed as officers write money (`£1,234.56`, `1234.56`, `1234`) and checked by the
same rules as every other way in (core.claims, again in the service); each refusal is shown
beside its field. The total adds up as the officer types.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop_app.core.claims import FORECAST_FIELD, amount_field, read_money
from desktop_app.core.money import format_pence
from desktop_app.core.periods import FinancialYear, Quarter
from desktop_app.services.finance import CategoryRow, ClaimDraft, ClaimRow, list_claims, save_claim
from desktop_app.services.validation import RecordNotFound
from desktop_app.services.workspace import Workspace
from desktop_app.ui.widgets.date_edit import DateEdit
from desktop_app.ui.widgets.record_dialog import RecordDialog


def _money_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setPlaceholderText("£0.00")
    return edit


class ClaimForm(RecordDialog):
    def __init__(
        self,
        workspace: Workspace,
        year: FinancialYear,
        strands: list[tuple[int, str]],
        categories: list[CategoryRow],
        claim: ClaimRow | None = None,
        *,
        quarter: int = 1,
        parent: QWidget | None = None,
    ) -> None:
        heading = f"Claim {claim.strand_ref} {claim.quarter.label}" if claim else f"New claim, {year.label}"
        super().__init__(heading, parent)
        self.workspace = workspace
        self.year = year
        self.claim = claim
        self.categories = categories
        self.amount_edits: dict[str, QLineEdit] = {}
        self._build(strands, quarter)
        self._connect_signals()
        if claim is not None:
            self.set_value(claim)
        self._update_total()

    def _build(self, strands: list[tuple[int, str]], quarter: int) -> None:
        self.strand_combo = QComboBox(self)
        for strand_id, label in strands:
            self.strand_combo.addItem(label, strand_id)
        self.rows.add("strand_id", "Strand", self.strand_combo)
        self.quarter_combo = QComboBox(self)
        for q in self.year.quarters():
            self.quarter_combo.addItem(f"{q.label} ({q.months_label})", q.number)
        self.quarter_combo.setCurrentIndex(max(0, quarter - 1))
        self.rows.add("quarter", "Quarter", self.quarter_combo)
        self.date_edit = DateEdit(self)
        self.date_edit.set_date_value(Quarter(self.year, quarter).end)
        self.rows.add("claim_date", "Claim date", self.date_edit, hint="Within the quarter claimed for")
        for category in self.categories:
            self.amount_edits[category.key] = self.rows.add(amount_field(category.key), category.name, _money_edit(self))
        self.total_label = QLabel(self)
        self.total_label.setObjectName("pageSubtitle")
        self.rows.layout.addRow("", self.total_label)
        self.forecast_edit = self.rows.add(
            FORECAST_FIELD, "Forecast for the rest of the year", _money_edit(self),
            hint="What the provider expects the strand to spend after this quarter",
        )
        self.reason_edit = self.rows.add(
            "over_allocation_reason", "Reason for claiming over the allocation", QLineEdit(self),
            hint="Needed only when the claim passes what is left of the year's allocation",
        )
        self.notes_edit = self.rows.add("notes", "Notes", QLineEdit(self))

    def _connect_signals(self) -> None:
        for edit in self.amount_edits.values():
            edit.textChanged.connect(self._update_total)
        self.quarter_combo.currentIndexChanged.connect(self._on_quarter_combo_current_index_changed)

    def set_value(self, claim: ClaimRow) -> None:
        index = self.strand_combo.findData(claim.strand_id)
        if index < 0:
            self.strand_combo.addItem(f"{claim.strand_ref} — {claim.strand_name}", claim.strand_id)
            index = self.strand_combo.count() - 1
        self.strand_combo.setCurrentIndex(index)
        self.quarter_combo.setCurrentIndex(claim.quarter.number - 1)
        # A claim stays with its strand and quarter; a wrong one is replaced, not moved.
        self.strand_combo.setEnabled(False)
        self.quarter_combo.setEnabled(False)
        self.date_edit.set_date_value(claim.claim_date)
        for key, edit in self.amount_edits.items():
            edit.setText(format_pence(claim.amounts[key]) if key in claim.amounts else "")
        self.forecast_edit.setText(format_pence(claim.forecast_remaining_pence))
        self.reason_edit.setText(claim.over_allocation_reason or "")
        self.notes_edit.setText(claim.notes)

    def value(self) -> ClaimDraft:
        quarter = Quarter(self.year, self.quarter_combo.currentData())
        return ClaimDraft(
            strand_id=self.strand_combo.currentData(),
            quarter=quarter,
            claim_date=self.date_edit.date_value(),
            amounts={key: edit.text() for key, edit in self.amount_edits.items()},
            forecast_remaining=self.forecast_edit.text(),
            over_allocation_reason=self.reason_edit.text(),
            notes=self.notes_edit.text(),
        )

    def _update_total(self) -> None:
        total = 0
        for category in self.categories:
            pence, error = read_money(self.amount_edits[category.key].text(), "", category.name)
            if error is not None:
                self.total_label.setText("Total: — (an amount is not money yet)")
                return
            total += pence or 0
        self.total_label.setText(f"Total claimed: {format_pence(total)}")

    def _on_quarter_combo_current_index_changed(self, _index: int) -> None:
        if self.claim is None:
            self.date_edit.set_date_value(Quarter(self.year, self.quarter_combo.currentData()).end)

    def reload(self) -> None:
        """Load the claim as it is stored now (the other officer's changes) into the form."""
        stored = [
            row for row in list_claims(self.workspace.db, self.year, strand_id=self.claim.strand_id)
            if row.id == self.claim.id
        ]
        if not stored:
            raise RecordNotFound(f"The claim {self.claim.strand_ref} {self.claim.quarter.label} has been deleted.")
        self.claim = stored[0]
        self.set_value(self.claim)

    def save(self) -> None:
        if self.strand_combo.currentData() is None:
            self.show_problem("There is no strand to claim for in this year.")
            return
        self.save_with(lambda: save_claim(
            self.workspace.db, self.value(), self.claim.id if self.claim else None,
            version=self.claim.version if self.claim else None,
        )[1])
