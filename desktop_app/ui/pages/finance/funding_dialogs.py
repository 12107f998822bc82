"""The funding set-up the Finance page offers: a stream's ring-fenced lines and their budgets,
which line pays for a strand, and extending a stream by a year (a grant addendum)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop_app.core.field_errors import FieldError
from desktop_app.core.money import MoneyError, format_pence
from desktop_app.core.periods import FinancialYear
from desktop_app.services.finance import (
    FundingLineDraft,
    FundingLineRow,
    StrandFinance,
    extend_funding_stream,
    list_funding_lines,
    save_funding_line,
    set_strand_line,
)
from desktop_app.services.funding import FundingStreamRow
from desktop_app.services.validation import ValidationFailed
from desktop_app.services.workspace import Workspace
from desktop_app.ui.widgets.money_edit import MoneyEdit
from desktop_app.ui.widgets.record_dialog import RecordDialog

NEW_LINE = -1


class FundingLineForm(RecordDialog):
    """Add or change a ring-fenced line of a stream, with its budget for each of the stream's years."""

    def __init__(self, workspace: Workspace, stream: FundingStreamRow, parent: QWidget | None = None) -> None:
        super().__init__(f"Ring-fenced lines of {stream.name}", parent)
        self.workspace = workspace
        self.stream = stream
        self.lines: list[FundingLineRow] = list_funding_lines(workspace.db, stream.id)
        self.add_intro("A line's budgets are part of the stream's; all its lines together may not hold more in a year than the stream's budget.")
        self.line_combo = QComboBox(self)
        for line in self.lines:
            self.line_combo.addItem(line.name, line.id)
        self.line_combo.addItem("New line…", NEW_LINE)
        self.rows.add("line", "Line", self.line_combo)
        self.key_edit = self.rows.add("key", "Key", QLineEdit(self), hint="Short, for reports and scripts, e.g. isva_idva")
        self.name_edit = self.rows.add("name", "Name", QLineEdit(self))
        self.budget_edits: dict[int, MoneyEdit] = {}
        for year in stream.years:
            label = f"Budget {FinancialYear(year).label}"
            self.budget_edits[year] = self.rows.add(f"budget_{year}", label, MoneyEdit(self))
        self.rows.add("budgets", "Stream's budgets", QLabel(
            ", ".join(f"{FinancialYear(y).label} {format_pence(p, show_pence=False)}" for y, p in stream.budgets.items()) or "none yet",
            self,
        ))
        self.line_combo.currentIndexChanged.connect(self._on_line_combo_current_index_changed)
        self._on_line_combo_current_index_changed(0)

    def current_line(self) -> FundingLineRow | None:
        return next((line for line in self.lines if line.id == self.line_combo.currentData()), None)

    def set_value(self, line: FundingLineRow | None) -> None:
        """Show `line` (None: an empty new line)."""
        self.key_edit.setText(line.key if line else "")
        self.name_edit.setText(line.name if line else "")
        for year, edit in self.budget_edits.items():
            edit.set_pence(line.budgets.get(year) if line else None)

    def value(self) -> FundingLineDraft:
        budgets, errors = [], []
        for year, edit in self.budget_edits.items():
            try:
                pence = edit.pence()
            except MoneyError as error:
                errors.append(FieldError(f"budget_{year}", str(error)))
                continue
            if pence:
                budgets.append((year, pence))
        if errors:
            raise ValidationFailed(errors)
        return FundingLineDraft(key=self.key_edit.text(), name=self.name_edit.text(), budgets=tuple(budgets))

    def _on_line_combo_current_index_changed(self, _index: int) -> None:
        self.set_value(self.current_line())
        self.rows.clear_errors()
        self.show_problem("")

    def save(self) -> None:
        line = self.current_line()
        self.save_with(lambda: save_funding_line(
            self.workspace.db, self.stream.id, self.value(), line.id if line else None)[1])


class StrandLineDialog(RecordDialog):
    """Choose which ring-fenced line of its stream pays for a strand (or the stream's general money)."""

    def __init__(self, workspace: Workspace, strand: StrandFinance, parent: QWidget | None = None) -> None:
        super().__init__(f"Funding of {strand.reference}", parent)
        self.workspace = workspace
        self.strand = strand
        self.add_intro(f"{strand.name} ({strand.provider}), now funded from {strand.funded_from}.")
        self.line_combo = QComboBox(self)
        self.line_combo.addItem("The stream's general money (no ring-fenced line)", None)
        for line in list_funding_lines(workspace.db, strand.stream_id):
            self.line_combo.addItem(line.name, line.id)
        self.line_combo.setCurrentIndex(max(0, self.line_combo.findData(strand.line_id)))
        self.rows.add("funding_line_id", "Funded from", self.line_combo)

    def value(self) -> int | None:
        """The ring-fenced line chosen (None: the stream's general money)."""
        return self.line_combo.currentData()

    def save(self) -> None:
        self.save_with(lambda: set_strand_line(self.workspace.db, self.strand.strand_id, self.value()))


class ExtendStreamDialog(RecordDialog):
    """Extend a stream by the next financial year with its budget; the reason goes in the audit trail."""

    def __init__(self, workspace: Workspace, stream: FundingStreamRow, parent: QWidget | None = None) -> None:
        self.next_year = FinancialYear.containing(stream.end_date).next()
        super().__init__(f"Extend {stream.name} to {self.next_year.label}", parent)
        self.workspace = workspace
        self.stream = stream
        self.add_intro(f"Adds {self.next_year.label} with its budget. Nothing left over from earlier years carries over.")
        self.budget_edit = self.rows.add("budget_pence", f"Budget {self.next_year.label}", MoneyEdit(self))
        self.reason_edit = self.rows.add("reason", "Reason", QLineEdit(self), hint="e.g. the addendum's date")
        self.save_button.setText("Extend")

    def value(self) -> int:
        """The next year's budget in pence (-1 when left empty, which the service refuses by name)."""
        try:
            pence = self.budget_edit.pence()
        except MoneyError as error:
            raise ValidationFailed([FieldError("budget_pence", str(error))]) from None
        return pence if pence is not None else -1

    def save(self) -> None:
        self.save_with(lambda: extend_funding_stream(
            self.workspace.db, self.stream.id, self.value(), reason=self.reason_edit.text()))
