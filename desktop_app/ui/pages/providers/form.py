"""The provider form: add or edit a provider; deactivate or delete it; see its history."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from desktop_app.core.vocabulary import OrganisationType, Scope
from desktop_app.services import providers as provider_service
from desktop_app.services.history import provider_history
from desktop_app.services.providers import ProviderDraft, ProviderRow
from desktop_app.services.reference_lists import districts
from desktop_app.services.workspace import Workspace
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.widgets.choice_list import ChoiceList
from desktop_app.ui.widgets.enum_combo import EnumCombo
from desktop_app.ui.widgets.history_dialog import HistoryDialog
from desktop_app.ui.widgets.record_dialog import RecordDialog


class ProviderForm(RecordDialog):
    """`changed` holds what was changed once the dialog closes (None if nothing was)."""

    def __init__(self, workspace: Workspace, provider: ProviderRow | None = None, parent: QWidget | None = None):
        super().__init__("Edit provider" if provider else "New provider", parent)
        self.workspace = workspace
        self.provider = provider
        self._build()
        self._connect_signals()
        if provider is not None:
            self.set_value(provider.draft)
        self.name_edit.setFocus()

    def _build(self) -> None:
        rows = self.rows
        self.name_edit = rows.add("name", "Name", QLineEdit(self))
        self.name_edit.setPlaceholderText("Required, e.g. Aire Valley Victim Support")
        self.type_combo = rows.add("organisation_type", "Organisation type", EnumCombo(OrganisationType, self))
        self.scope_combo = rows.add("scope", "Scope", EnumCombo(Scope, self))
        self.district_list = rows.add(
            "district_keys", "Districts served", ChoiceList(districts(self.workspace.db), self)
        )
        self.charity_edit = rows.add(
            "charity_number", "Charity number", QLineEdit(self), hint="Charity Commission number, e.g. 1234567"
        )
        self.company_edit = rows.add(
            "company_number", "Company number", QLineEdit(self), hint="Companies House number, e.g. 01234567"
        )
        self.contact_name_edit = rows.add("contact_name", "Contact name", QLineEdit(self))
        self.contact_email_edit = rows.add("contact_email", "Contact e-mail", QLineEdit(self))
        self.contact_phone_edit = rows.add("contact_phone", "Contact phone", QLineEdit(self))
        self.active_check = rows.add("active", "Active", QCheckBox("Funded or expected to be funded", self))
        self.active_check.setChecked(True)
        self.notes_edit = rows.add("notes", "Notes", QPlainTextEdit(self))
        self.notes_edit.setFixedHeight(64)
        self.notes_edit.setTabChangesFocus(True)

        self.history_button = self.add_left_button("History", self._on_history_clicked)
        self.delete_button = self.add_left_button("Delete…", self._on_delete_clicked)
        mark_editing(self.delete_button)
        is_new = self.provider is None
        self.history_button.setVisible(not is_new)
        self.delete_button.setVisible(not is_new)
        if not is_new:
            blocker = provider_service.deletion_blocker(self.workspace.db, self.provider.id)
            if blocker:
                self.delete_button.setEnabled(False)
                self.delete_button.setToolTip(blocker)
                self.show_problem(blocker, notice=True)

    def _connect_signals(self) -> None:
        self.name_edit.textEdited.connect(self._on_name_edit_text_edited)

    # -- load and read

    def set_value(self, draft: ProviderDraft) -> None:
        self.name_edit.setText(draft.name)
        self.type_combo.set_value(draft.organisation_type)
        self.scope_combo.set_value(draft.scope)
        self.district_list.set_checked_keys(draft.district_keys)
        self.charity_edit.setText(draft.charity_number)
        self.company_edit.setText(draft.company_number)
        self.contact_name_edit.setText(draft.contact_name)
        self.contact_email_edit.setText(draft.contact_email)
        self.contact_phone_edit.setText(draft.contact_phone)
        self.active_check.setChecked(draft.active)
        self.notes_edit.setPlainText(draft.notes)

    def value(self) -> ProviderDraft:
        return ProviderDraft(
            name=self.name_edit.text().strip(),
            organisation_type=self.type_combo.value(),
            scope=self.scope_combo.value(),
            district_keys=self.district_list.checked_keys(),
            charity_number=self.charity_edit.text().strip(),
            company_number=self.company_edit.text().strip(),
            contact_name=self.contact_name_edit.text().strip(),
            contact_email=self.contact_email_edit.text().strip(),
            contact_phone=self.contact_phone_edit.text().strip(),
            active=self.active_check.isChecked(),
            notes=self.notes_edit.toPlainText().strip(),
        )

    # -- actions

    def save(self) -> None:
        provider_id = self.provider.id if self.provider else None
        version = self.provider.version if self.provider else None
        self.save_with(lambda: provider_service.save_provider(
            self.workspace.db, self.value(), provider_id, version=version
        )[1])

    def reload(self) -> None:
        """Load the provider as it is stored now (the other officer's changes) into the form."""
        self.provider = provider_service.get_provider(self.workspace.db, self.provider.id)
        self.set_value(self.provider.draft)

    def _on_name_edit_text_edited(self, text: str) -> None:
        self.rows.clear_errors()
        provider_id = self.provider.id if self.provider else None
        # A lookalike of an existing provider is only a notice: the officer decides.
        self.show_problem(provider_service.provider_name_warning(self.workspace.db, text, provider_id) or "", notice=True)

    def _on_history_clicked(self) -> None:
        entries = provider_history(self.workspace.db, self.provider.id)
        self.history_dialog = HistoryDialog(self.provider.name, entries, self)
        self.history_dialog.open()

    def _on_delete_clicked(self) -> None:
        answer = QMessageBox.question(
            self,
            "Delete provider",
            f"Delete {self.provider.name}? The audit trail keeps a record of it.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.save_with(lambda: provider_service.delete_provider(
            self.workspace.db, self.provider.id, version=self.provider.version
        ))
