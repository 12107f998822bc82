"""The Providers page: the register of organisations the office funds."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QStackedWidget, QVBoxLayout

from desktop_app.core.numbers import format_count
from desktop_app.core.wording import plural
from desktop_app.services.changes import PROVIDERS, STRANDS, Changed
from desktop_app.services.providers import ProviderRow, list_providers
from desktop_app.ui.pages.page import Page, PageContext
from desktop_app.ui.pages.targets import Go
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.pages.providers.form import ProviderForm
from desktop_app.ui.pages.providers.table import provider_table_model
from desktop_app.ui.widgets.empty_state import EmptyState
from desktop_app.ui.widgets.page_header import PageHeader, search_box
from desktop_app.ui.widgets.record_table import RecordTable

HEADER_STATE_KEY = "providers/header"


class ProvidersPage(Page):
    key = "providers"
    title = "Providers"
    handles = frozenset({"provider_id"})

    def __init__(self, context: PageContext, parent=None) -> None:
        super().__init__(context, parent)
        self.active_form: ProviderForm | None = None
        self._build()
        self._connect_signals()
        self.refresh()
        if not self.table.restore_state(context.settings, HEADER_STATE_KEY):
            self.table.fit_columns(stretch=0)  # the name takes the spare width

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)

        header = PageHeader(self.title, self)
        self.count_label = header.subtitle
        self.new_button = header.add_button("New provider", primary=True, tooltip="New provider (Ctrl+N)")
        layout.addLayout(header)

        tools = QHBoxLayout()
        self.search_edit = search_box(self, "providers", "name, type, scope or district")
        tools.addWidget(self.search_edit, 1)
        self.inactive_check = QCheckBox("Show inactive providers", self)
        self.inactive_check.setChecked(True)
        tools.addWidget(self.inactive_check)
        layout.addLayout(tools)

        self.stack = QStackedWidget(self)
        self.table = RecordTable(provider_table_model(self), self.title, self)
        self.stack.addWidget(self.table)
        self.empty_state = EmptyState(
            "No providers yet",
            "Providers are the organisations the office funds: charities, councils, hospital "
            "trusts. Add the first one to start the register.",
            self,
        )
        mark_editing(self.new_button, self.empty_state.add_action("Add the first provider", self.new_record))
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack, 1)

    def _connect_signals(self) -> None:
        self.new_button.clicked.connect(self.new_record)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.inactive_check.toggled.connect(self._on_inactive_check_toggled)
        self.table.record_activated.connect(self._on_table_record_activated)

    # -- Page

    def refresh(self) -> None:
        current = self.table.current_record()
        rows = list_providers(self.workspace.db)
        self.table.source_model.set_rows(rows)
        if current is not None:
            self.table.select_where(lambda r: r.id == current.id)
        self._update_count()
        self.stack.setCurrentWidget(self.table if rows else self.empty_state)

    def new_record(self) -> bool:
        self._open_form(None)
        return True

    def focus_search(self) -> bool:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
        return True

    def show_target(self, go: Go) -> None:
        """Narrow the table to one provider (e.g. a bar clicked on the dashboard) and select it."""
        provider_id = go.provider_id
        record = next((r for r in self.table.source_model.rows() if r.id == provider_id), None)
        if record is None:
            return
        self.search_edit.setText(record.name)
        self.table.select_where(lambda r: r.id == provider_id)

    def on_data_changed(self, changed: Changed) -> None:
        if changed.touches(PROVIDERS, STRANDS):
            self.refresh()

    def save_state(self) -> None:
        self.table.save_state(self.context.settings, HEADER_STATE_KEY)

    # -- helpers and slots

    def _update_count(self) -> None:
        shown = self.table.proxy.rowCount()
        total = self.table.source_model.rowCount()
        text = plural(total, "provider") if shown == total else f"{format_count(shown)} of {plural(total, 'provider')}"
        self.count_label.setText(text)

    def _open_form(self, provider: ProviderRow | None) -> ProviderForm:
        form = ProviderForm(self.workspace, provider, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.finished.connect(lambda _result: self._on_form_finished(form))
        self.active_form = form
        form.open()  # window-modal, without a nested event loop
        return form

    def _on_form_finished(self, form: ProviderForm) -> None:
        self.active_form = None
        if form.changed is not None:
            self.context.publish(form.changed)

    def _on_search_edit_text_changed(self, text: str) -> None:
        self.table.proxy.set_search_text(text)
        self._update_count()

    def _on_inactive_check_toggled(self, show_inactive: bool) -> None:
        self.table.proxy.set_row_filter(None if show_inactive else (lambda r: r.active))
        self._update_count()

    def _on_table_record_activated(self, provider: ProviderRow) -> None:
        self._open_form(provider)
