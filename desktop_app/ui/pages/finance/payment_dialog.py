"""Recording a payment against an approved claim, and querying a claim with a note."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLineEdit, QWidget

from desktop_app.core.money import format_pence
from desktop_app.core.vocabulary import ClaimStatus
from desktop_app.services.finance import WITHHELD_WORDS, ClaimRow, decide_claim, record_payment
from desktop_app.services.workspace import Workspace
from desktop_app.ui.widgets.date_edit import DateEdit
from desktop_app.ui.widgets.record_dialog import RecordDialog


def _claim_words(claim: ClaimRow) -> str:
    return (
        f"{claim.strand_ref} {claim.strand_name}, {claim.quarter.label}: claimed {format_pence(claim.amount_pence)}, "
        f"paid {format_pence(claim.paid_pence)}, {format_pence(claim.unpaid_pence)} unpaid ({claim.status.label.lower()})."
    )


class PaymentDialog(RecordDialog):
    def __init__(self, workspace: Workspace, claim: ClaimRow, parent: QWidget | None = None) -> None:
        super().__init__(f"Payment for {claim.strand_ref} {claim.quarter.label}", parent)
        self.workspace = workspace
        self.claim = claim
        self.add_intro(_claim_words(claim))
        self.amount_edit = self.rows.add("amount", "Amount paid", QLineEdit(self))
        self.amount_edit.setText(format_pence(claim.unpaid_pence))
        self.paid_on_edit = self.rows.add("paid_on", "Paid on", DateEdit(self))
        self.paid_on_edit.set_date_value(max(dt.date.today(), claim.claim_date))
        self.reference_edit = self.rows.add("reference", "Payment reference", QLineEdit(self), hint="e.g. the BACS reference")
        if claim.withheld:
            # The officer decides; the notice makes sure it is a decision.
            self.show_problem(f"The quarter's return is not in: {WITHHELD_WORDS}. Record a payment only if you have decided to pay now.", notice=True)

    def save(self) -> None:
        self.save_with(lambda: record_payment(
            self.workspace.db, self.claim.id, self.amount_edit.text(), self.paid_on_edit.date_value(),
            reference=self.reference_edit.text(),
        )[1])


class QueryDialog(RecordDialog):
    """Query a claim: the note says what the provider must answer, and is kept in the audit trail."""

    def __init__(self, workspace: Workspace, claim: ClaimRow, parent: QWidget | None = None) -> None:
        super().__init__(f"Query {claim.strand_ref} {claim.quarter.label}", parent)
        self.workspace = workspace
        self.claim = claim
        self.add_intro(_claim_words(claim))
        self.note_edit = self.rows.add("note", "What is queried", QLineEdit(self), hint="e.g. receipts for direct costs missing")
        self.save_button.setText("Query claim")

    def save(self) -> None:
        self.save_with(lambda: decide_claim(
            self.workspace.db, self.claim.id, ClaimStatus.QUERIED, note=self.note_edit.text(), version=self.claim.version
        ))
