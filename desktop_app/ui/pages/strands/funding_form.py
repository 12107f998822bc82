"""The funding stream form: the grant, its total, and its budget for each financial year."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from desktop_app.core.money import format_pence
from desktop_app.core.periods import FinancialYear
from desktop_app.services import funding as funding_service
from desktop_app.core.field_errors import FieldError
from desktop_app.services.funding import FundingStreamDraft, FundingStreamRow
from desktop_app.services.history import funding_stream_history
from desktop_app.services.validation import ValidationFailed
from desktop_app.services.workspace import Workspace
from desktop_app.ui.widgets.date_edit import DateEdit
from desktop_app.ui.widgets.history_dialog import HistoryDialog
from desktop_app.ui.widgets.money_edit import MoneyEdit
from desktop_app.ui.widgets.record_dialog import RecordDialog

# Most MoJ agreements run three years; a longer span is still fine, a silly one is not.
MAX_YEARS = 10


class FundingStreamForm(RecordDialog):
    def __init__(self, workspace: Workspace, stream: FundingStreamRow | None = None, parent: QWidget | None = None):
        super().__init__("Edit funding stream" if stream else "New funding stream", parent)
        self.workspace = workspace
        self.stream = stream
        self.history_dialog: HistoryDialog | None = None
        self.budget_edits: dict[int, MoneyEdit] = {}
        self._build()
        self._connect_signals()
        if stream is not None:
            self.set_value(stream.draft)
        else:
            today = dt.date.today()
            year = FinancialYear.containing(today)
            self.start_edit.set_date_value(year.start)
            self.end_edit.set_date_value(FinancialYear(year.start_year + 2).end)
        self._rebuild_budget_rows()
        self.name_edit.setFocus()

    def _build(self) -> None:
        rows = self.rows
        self.name_edit = rows.add("name", "Name", QLineEdit(self))
        self.name_edit.setPlaceholderText("e.g. MoJ victims' services grant 2022–25")
        self.funder_edit = rows.add("funder", "Funder", QLineEdit(self))
        self.funder_edit.setText("Ministry of Justice")
        self.start_edit = rows.add("start_date", "Start date", DateEdit(self))
        self.end_edit = rows.add("end_date", "End date", DateEdit(self))
        self.total_edit = rows.add("total_pence", "Total", MoneyEdit(self), hint="The whole grant, e.g. £14,000,000")
        self.budget_holder = QWidget(self)
        self.budget_layout = QFormLayout(self.budget_holder)
        self.budget_layout.setContentsMargins(0, 0, 0, 0)
        rows.add("budgets", "Budget per year", self.budget_holder)
        self.budget_total_label = QLabel(self)
        self.budget_total_label.setObjectName("fieldHint")
        self.budget_total_label.setAccessibleName("Budgets total")
        self.rows.layout.addRow("", self.budget_total_label)
        self.notes_edit = rows.add("notes", "Notes", QPlainTextEdit(self))
        self.notes_edit.setFixedHeight(56)
        self.notes_edit.setTabChangesFocus(True)
        self.history_button = self.add_left_button("History", self._on_history_clicked)
        self.history_button.setVisible(self.stream is not None)

    def _connect_signals(self) -> None:
        self.name_edit.textEdited.connect(self._on_name_edit_text_edited)
        self.start_edit.dateChanged.connect(self._rebuild_budget_rows)
        self.end_edit.dateChanged.connect(self._rebuild_budget_rows)
        self.total_edit.textChanged.connect(self._update_budget_total)

    # -- yearly budget rows follow the dates

    def _years(self) -> list[int]:
        first = FinancialYear.containing(self.start_edit.date_value()).start_year
        last = FinancialYear.containing(self.end_edit.date_value()).start_year
        return list(range(first, last + 1))[:MAX_YEARS] if last >= first else []

    def _rebuild_budget_rows(self) -> None:
        typed = {}
        for year, edit in self.budget_edits.items():
            try:
                typed[year] = edit.pence()
            except ValueError:
                typed[year] = None
        while self.budget_layout.rowCount():
            self.budget_layout.removeRow(0)
        self.budget_edits = {}
        for year in self._years():
            label = FinancialYear(year).label
            edit = MoneyEdit(self.budget_holder)
            edit.setAccessibleName(label)  # its visible label; the row says "Budget per year"
            edit.setAccessibleDescription(f"Budget for {label}")
            edit.set_pence(typed.get(year))
            edit.textChanged.connect(self._update_budget_total)
            self.budget_layout.addRow(label, edit)
            self.budget_edits[year] = edit
        self._update_budget_total()

    def _update_budget_total(self) -> None:
        try:
            budgets = sum(edit.pence() or 0 for edit in self.budget_edits.values())
            total = self.total_edit.pence() or 0
        except ValueError:
            self.budget_total_label.setText("")
            return
        text = f"Budgets add up to {format_pence(budgets, show_pence=False)} of {format_pence(total, show_pence=False)}"
        if budgets < total:
            text += f" — {format_pence(total - budgets, show_pence=False)} not yet budgeted"
        elif budgets > total:
            text += f" — {format_pence(budgets - total, show_pence=False)} more than the total"
        self.budget_total_label.setText(text)

    # -- load and read

    def set_value(self, draft: FundingStreamDraft) -> None:
        self.name_edit.setText(draft.name)
        self.funder_edit.setText(draft.funder)
        self.start_edit.set_date_value(draft.start_date)
        self.end_edit.set_date_value(draft.end_date)
        self.total_edit.set_pence(draft.total_pence)
        self._rebuild_budget_rows()
        for year, pence in draft.budgets:
            if year in self.budget_edits:
                self.budget_edits[year].set_pence(pence)
        self.notes_edit.setPlainText(draft.notes)

    def value(self) -> FundingStreamDraft:
        """The draft; raises `ValidationFailed` naming the fields whose text is not money."""
        errors: list[FieldError] = []
        try:
            total = self.total_edit.pence()
        except ValueError as error:
            errors.append(FieldError("total_pence", str(error)))
            total = None
        budgets = []
        for year, edit in self.budget_edits.items():
            try:
                pence = edit.pence()
            except ValueError as error:
                errors.append(FieldError("budgets", f"{FinancialYear(year).label}: {error}"))
                continue
            if pence is not None:
                budgets.append((year, pence))
        if total is None and not errors:
            errors.append(FieldError("total_pence", "Enter the total of the grant, e.g. £14,000,000"))
        if errors:
            raise ValidationFailed(errors)
        return FundingStreamDraft(
            name=self.name_edit.text().strip(),
            funder=self.funder_edit.text().strip(),
            start_date=self.start_edit.date_value(),
            end_date=self.end_edit.date_value(),
            total_pence=total,
            budgets=tuple(budgets),
            notes=self.notes_edit.toPlainText().strip(),
        )

    # -- actions

    def save(self) -> None:
        stream_id = self.stream.id if self.stream else None
        version = self.stream.version if self.stream else None
        self.save_with(lambda: funding_service.save_funding_stream(
            self.workspace.db, self.value(), stream_id, version=version)[1])

    def reload(self) -> None:
        """Load the stream and its budgets as stored now (the other officer's changes) into the form."""
        self.stream = funding_service.get_funding_stream(self.workspace.db, self.stream.id)
        self.set_value(self.stream.draft)

    def _on_name_edit_text_edited(self, text: str) -> None:
        stream_id = self.stream.id if self.stream else None
        self.show_problem(funding_service.stream_name_warning(self.workspace.db, text, stream_id) or "", notice=True)

    def _on_history_clicked(self) -> None:
        entries = funding_stream_history(self.workspace.db, self.stream.id)
        self.history_dialog = HistoryDialog(self.stream.name, entries, self)
        self.history_dialog.open()
