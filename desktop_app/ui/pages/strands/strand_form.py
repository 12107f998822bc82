"""The strand form: a provider's strand of provision under one funding stream."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from desktop_app.core.vocabulary import AgreementType
from desktop_app.services import strands as strand_service
from desktop_app.services.finance import list_funding_lines
from desktop_app.services.history import strand_history
from desktop_app.services.reference_lists import (
    districts,
    funding_stream_choices,
    priorities,
    provider_choices,
    service_categories,
    themes,
)
from desktop_app.services.strands import StrandDraft, StrandRow
from desktop_app.services.workspace import Workspace
from desktop_app.ui.widgets.choice_list import ChoiceList
from desktop_app.ui.widgets.date_edit import DateEdit, OptionalDateEdit
from desktop_app.ui.widgets.enum_combo import EnumCombo
from desktop_app.ui.widgets.history_dialog import HistoryDialog
from desktop_app.ui.widgets.record_dialog import RecordDialog


def _choice_combo(choices, parent, *, none_text: str | None = None) -> QComboBox:
    combo = QComboBox(parent)
    if none_text is not None:
        combo.addItem(none_text, None)
    for choice in choices:
        combo.addItem(choice.label, choice.key)
    return combo


def _select(combo: QComboBox, key) -> None:
    index = combo.findData(key)
    combo.setCurrentIndex(max(index, 0))


class StrandForm(RecordDialog):
    """`changed` holds what was changed once the dialog closes (None if nothing was)."""

    def __init__(self, workspace: Workspace, strand: StrandRow | None = None, parent: QWidget | None = None):
        super().__init__(f"Strand {strand.reference}" if strand else "New strand", parent)
        self.workspace = workspace
        self.strand = strand
        self.history_dialog: HistoryDialog | None = None
        self._build()
        self.name_edit.textEdited.connect(self._on_name_edit_text_edited)
        if strand is not None:
            self.set_value(strand.draft)
        else:
            self.reference_edit.setText(strand_service.next_strand_reference(workspace.db))
        self.name_edit.setFocus()

    def _build(self) -> None:
        db = self.workspace.db
        rows = self.rows
        self.reference_edit = rows.add("reference", "Reference", QLineEdit(self))
        # A deactivated provider stays choosable for the strand that already has it.
        keep = self.strand.provider_id if self.strand else None
        self.provider_combo = rows.add(
            "provider_id",
            "Provider",
            _choice_combo(provider_choices(db, include=keep), self, none_text="Choose a provider…"),
        )
        self.stream_combo = rows.add(
            "funding_stream_id", "Funding stream", _choice_combo(funding_stream_choices(db), self)
        )
        self.line_combo = rows.add(
            "funding_line_id", "Funding line", QComboBox(self),
            hint="A ring-fenced line of the stream, or the stream's general money",
        )
        self._fill_lines(None)
        self.stream_combo.currentIndexChanged.connect(self._on_stream_combo_current_index_changed)
        self.name_edit = rows.add("name", "Name", QLineEdit(self))
        self.name_edit.setPlaceholderText("What the service is, e.g. Leeds IDVA service")
        self.category_combo = rows.add(
            "service_category_key", "Service category", _choice_combo(service_categories(db), self)
        )
        self.agreement_combo = rows.add("agreement_type", "Agreement type", EnumCombo(AgreementType, self))
        self.start_edit = rows.add("start_date", "Start date", DateEdit(self))
        self.end_edit = rows.add("end_date", "End date", OptionalDateEdit("No end date", self))
        self.priority_combo = rows.add(
            "priority_number",
            "Priority",
            _choice_combo(priorities(db), self, none_text="None"),
        )
        self.theme_list = rows.add("theme_keys", "Themes", ChoiceList(themes(db), self))
        self.district_list = rows.add("district_keys", "Districts", ChoiceList(districts(db), self))
        self.active_check = rows.add("active", "Active", QCheckBox("Running or planned", self))
        self.active_check.setChecked(True)
        self.notes_edit = rows.add("notes", "Notes", QPlainTextEdit(self))
        self.notes_edit.setFixedHeight(56)
        self.notes_edit.setTabChangesFocus(True)
        self.history_button = self.add_left_button("History", self._on_history_clicked)
        self.history_button.setVisible(self.strand is not None)
        if self.strand is None:
            self.start_edit.set_date_value(dt.date.today())
            self.end_edit.set_date_value(None)

    # -- load and read

    def set_value(self, draft: StrandDraft) -> None:
        self.reference_edit.setText(draft.reference)
        _select(self.provider_combo, str(draft.provider_id))
        _select(self.stream_combo, str(draft.funding_stream_id))
        self._fill_lines(draft.funding_line_id)
        self.name_edit.setText(draft.name)
        _select(self.category_combo, draft.service_category_key)
        self.agreement_combo.set_value(draft.agreement_type)
        self.start_edit.set_date_value(draft.start_date)
        self.end_edit.set_date_value(draft.end_date)
        _select(self.priority_combo, None if draft.priority_number is None else str(draft.priority_number))
        self.theme_list.set_checked_keys(draft.theme_keys)
        self.district_list.set_checked_keys(draft.district_keys)
        self.active_check.setChecked(draft.active)
        self.notes_edit.setPlainText(draft.notes)

    def value(self) -> StrandDraft:
        provider = self.provider_combo.currentData()
        stream = self.stream_combo.currentData()
        priority = self.priority_combo.currentData()
        return StrandDraft(
            reference=self.reference_edit.text().strip(),
            provider_id=int(provider) if provider else 0,
            funding_stream_id=int(stream) if stream else 0,
            name=self.name_edit.text().strip(),
            service_category_key=self.category_combo.currentData() or "",
            agreement_type=self.agreement_combo.value(),
            start_date=self.start_edit.date_value(),
            end_date=self.end_edit.date_value(),
            priority_number=int(priority) if priority else None,
            theme_keys=self.theme_list.checked_keys(),
            district_keys=self.district_list.checked_keys(),
            active=self.active_check.isChecked(),
            notes=self.notes_edit.toPlainText().strip(),
            funding_line_id=self.line_combo.currentData(),
        )

    # -- actions

    def save(self) -> None:
        strand_id = self.strand.id if self.strand else None
        version = self.strand.version if self.strand else None
        self.save_with(lambda: strand_service.save_strand(self.workspace.db, self.value(), strand_id, version=version)[1])

    def reload(self) -> None:
        """Load the strand as it is stored now (the other officer's changes) into the form."""
        self.strand = strand_service.get_strand(self.workspace.db, self.strand.id)
        self.set_value(self.strand.draft)

    def _fill_lines(self, chosen: int | None) -> None:
        """The chosen stream's ring-fenced lines, after its general money (no line)."""
        stream = self.stream_combo.currentData()
        self.line_combo.blockSignals(True)
        self.line_combo.clear()
        self.line_combo.addItem("The stream's general money", None)
        for line in list_funding_lines(self.workspace.db, int(stream)) if stream else ():
            self.line_combo.addItem(line.name, line.id)
        self.line_combo.setCurrentIndex(max(self.line_combo.findData(chosen), 0) if chosen is not None else 0)
        self.line_combo.blockSignals(False)

    def _on_stream_combo_current_index_changed(self, _index: int) -> None:
        # Another stream's lines are not this one's: keep the line only if it belongs to the new stream.
        self._fill_lines(self.line_combo.currentData())

    def _on_name_edit_text_edited(self, text: str) -> None:
        provider = self.provider_combo.currentData()
        strand_id = self.strand.id if self.strand else None
        warning = strand_service.strand_name_warning(self.workspace.db, text, int(provider) if provider else None, strand_id)
        self.show_problem(warning or "", notice=True)

    def _on_history_clicked(self) -> None:
        entries = strand_history(self.workspace.db, self.strand.id)
        self.history_dialog = HistoryDialog(f"{self.strand.reference} {self.strand.name}", entries, self)
        self.history_dialog.open()
