"""The Returns page: one quarter's returns as a grid to type or paste into, and the year's
completeness matrix.

Above, the quarter and the filters (provider, service category) that both tabs follow, and the
quarter's actions: "Copy last quarter" for the selected strand and "Verify all valid". The grid
keeps what is typed until "Save grid" (Ctrl+S) saves every changed row in one transaction, or
none while an error is marked (warnings are saved; they need notes before verifying); the problems list under it says what and where.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.periods import Quarter
from desktop_app.core.wording import format_date, plural
from desktop_app.services.changes import PROVIDERS, RETURNS, STRANDS, Changed
from desktop_app.services.errors import REFUSALS, ServiceError, StaleRecordError
from desktop_app.services.returns import (
    GridRefused,
    completeness_matrix,
    copy_last_quarter,
    due_days,
    quarter_grid,
    reread_rows,
    save_grid,
    set_due_days,
    strand_spans,
)
from desktop_app.ui.pages.page import Page, PageContext
from desktop_app.ui.pages.returns.completeness import CompletenessTab
from desktop_app.ui.pages.returns.grid_model import ReturnsGridModel
from desktop_app.ui.pages.returns.grid_view import GridPanel
from desktop_app.ui.pages.returns.host import ReturnsHost
from desktop_app.ui.pages.returns.quarters import quarter_for, quarters_to_offer
from desktop_app.ui.pages.returns.reason_dialog import note_dialog
from desktop_app.ui.pages.returns.templates_actions import TemplateActions
from desktop_app.ui.pages.returns.verify_actions import VerifyActions
from desktop_app.ui.pages.targets import Go
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.widgets.empty_state import EmptyState
from desktop_app.ui.widgets.message_line import message_line, show_message
from desktop_app.ui.widgets.page_header import PageHeader

# The dialogs load when first opened: the page's first visit should not wait for them.
if TYPE_CHECKING:
    from desktop_app.ui.pages.returns.breakdown_dialog import BreakdownDialog
    from desktop_app.ui.pages.returns.chasers_dialog import ChasersDialog
    from desktop_app.ui.pages.returns.form import ReturnDialog

ALL_PROVIDERS, ALL_CATEGORIES = "All providers", "All service categories"


class ReturnsPage(Page):
    key = "returns"
    title = "Returns"
    handles = frozenset({"period", "provider_id", "service_category_key", "return_state", "files"})

    def __init__(self, context: PageContext, parent=None, *, today: dt.date | None = None) -> None:
        super().__init__(context, parent)
        self.today = today or dt.date.today()
        self.active_dialog = None
        self.quarter: Quarter | None = None
        self._strands = []
        self._quarters: dict[str, Quarter] = {}
        self._banner = ""  # what the message line says now: "paste", "refused" or "" (other)
        self._completeness_stale = False  # a save changed returns while the tab was not shown
        self._build()
        self._connect_signals()
        # The first visit shows the grid; the matrix is read when its tab is first shown (or
        # the next full refresh), so the officer does not wait for what is not on screen.
        self.refresh(completeness=False)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        header = PageHeader(self.title, self)
        self.count_label = header.subtitle
        # Where "Make templates…" and "Import returns…" go (see add_template_action).
        self.template_actions = QHBoxLayout()
        self.template_actions.setSpacing(8)
        header.addLayout(self.template_actions)
        host = ReturnsHost(
            widget=self, db=lambda: self.workspace.db, quarter=lambda: self.quarter, today=self.today,
            settings=self.context.settings, say=self._say, confirm_leave=self.confirm_leave, publish=self._publish,
            show_dialog=partial(setattr, self, "active_dialog"), add_button=self.add_template_action,
            has_unsaved_changes=self.has_unsaved_changes,
        )
        self.templates = TemplateActions(host)  # "Make templates…", "Import returns…"
        self.copy_button = header.add_button("Copy last quarter", tooltip="Start the selected strand's missing return from last quarter's figures, as a draft")
        self.verify_button = header.add_button("Verify all valid", tooltip="Verify every submitted return of the quarter that has no error and no unexplained warning")
        mark_editing(self.copy_button, self.verify_button)
        layout.addLayout(header)

        # A widget, not a bare layout, so the whole row can hide while there is nothing to filter.
        self.filters_bar = QWidget(self)
        filters = QHBoxLayout(self.filters_bar)
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(8)
        self.quarter_combo = self._combo(filters, "Quarter", 140)
        filters.addSpacing(12)
        self.provider_combo = self._combo(filters, "Provider", 260)
        filters.addSpacing(12)
        self.category_combo = self._combo(filters, "Service category", 230)
        filters.addStretch(1)
        layout.addWidget(self.filters_bar)

        self.stack = QStackedWidget(self)
        self.tabs = QTabWidget(self)
        self.grid_model = ReturnsGridModel(self)
        self.grid_panel = GridPanel(self.grid_model, self)
        self.grid_view = self.grid_panel.view
        QShortcut(QKeySequence.StandardKey.Save, self.grid_panel, activated=self.save_grid,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.tabs.addTab(self.grid_panel, "Grid")
        self.completeness = CompletenessTab(self)
        self.tabs.addTab(self.completeness, "Completeness")
        self.stack.addWidget(self.tabs)
        self.empty_state = EmptyState(
            "No strands to collect returns from yet",
            "Returns are kept per strand and quarter. Set up the funding stream, the providers and "
            "their strands on the Strands & funding page; their quarters then appear here.",
            self,
        )
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack, 1)

        self.message_label = message_line(self)
        message_row = QHBoxLayout()
        message_row.addWidget(self.message_label, 1)
        # Offered after "Verify all valid": puts exactly those returns back, as one action.
        self.undo_verify_button = QPushButton("Undo verify", self)
        self.undo_verify_button.setToolTip("Put the returns just verified back to submitted")
        self.undo_verify_button.setVisible(False)
        mark_editing(self.undo_verify_button)
        message_row.addWidget(self.undo_verify_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(message_row)
        self.verifying = VerifyActions(host, self.verify_button, self.undo_verify_button)

    # What "Verify all valid" did and is doing, as the page showed it before it had a part of its own.
    @property
    def last_verify_result(self):
        return self.verifying.last_result

    @property
    def verify_task(self):
        return self.verifying.task

    @property
    def progress_dialog(self):
        return self.verifying.progress_dialog

    def _combo(self, row: QHBoxLayout, label: str, width: int) -> QComboBox:
        caption = QLabel(label, self.filters_bar)
        combo = QComboBox(self.filters_bar)
        combo.setAccessibleName(label)
        combo.setMinimumWidth(width)
        combo.setMaximumWidth(width + 80)
        caption.setBuddy(combo)
        row.addWidget(caption)
        row.addWidget(combo)
        return combo

    def add_template_action(self, text: str, slot: Callable[[], None], tooltip: str = "") -> QPushButton:
        """A button in the header beside the quarter's actions, for the provider templates
        ("Make templates…", "Import returns…"), which are built elsewhere."""
        button = QPushButton(text, self)
        button.setToolTip(tooltip)
        button.clicked.connect(slot)
        self.template_actions.addWidget(button)
        return button

    def _connect_signals(self) -> None:
        self.quarter_combo.currentIndexChanged.connect(self._on_quarter_combo_current_index_changed)
        self.provider_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.category_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.copy_button.clicked.connect(self.copy_last_quarter)
        self.grid_panel.discard_button.clicked.connect(self._on_discard_clicked)
        self.grid_panel.reload_button.clicked.connect(self.reload_changed_rows)
        self.grid_panel.save_button.clicked.connect(self.save_grid)
        self.grid_view.open_requested.connect(self._on_grid_open_requested)
        self.grid_view.note_requested.connect(self._on_grid_note_requested)
        self.grid_view.breakdown_requested.connect(self._on_grid_breakdown_requested)
        self.grid_view.pasted.connect(self._on_grid_pasted)
        self.grid_view.paste_undone.connect(self._on_grid_paste_undone)
        self.grid_model.edits_changed.connect(self._on_grid_edits_changed)
        self.grid_view.selectionModel().currentChanged.connect(self._update_copy_button)
        self.grid_panel.problems_table.record_activated.connect(self._on_problem_activated)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.completeness.open_requested.connect(self.open_return)
        self.completeness.due_days_changed.connect(self._on_due_days_changed)
        self.completeness.chasers_requested.connect(self.draft_chasers)

    # ------------------------------------------------------------------ data

    def refresh(self, *, keep_edits: bool = True, completeness: bool = True) -> None:
        db = self.workspace.db
        self._strands = strand_spans(db)
        quarters, default = quarters_to_offer(self._strands, self.today)
        self.stack.setCurrentWidget(self.tabs if quarters else self.empty_state)
        self.filters_bar.setVisible(bool(quarters))  # empty boxes would only look broken
        for widget in (self.copy_button, self.verify_button, *self.templates.buttons):
            widget.setEnabled(bool(quarters))
        if not quarters:
            return
        if self.quarter not in quarters:
            self.quarter = quarter_for(self.context.current_period, None, quarters) or default
        # Labels as the items' data: a combo finds plain values, not Python objects.
        self._quarters = {q.label: q for q in quarters}
        _fill(self.quarter_combo, [(q.label, q.label) for q in quarters], self.quarter.label)
        grid = quarter_grid(db, self.quarter)
        self.grid_model.load(grid, keep_edits=keep_edits)
        providers = sorted({(r.provider_name, r.provider_id) for r in grid.rows})
        categories = sorted({(r.service_category, r.service_category_key) for r in grid.rows})
        _fill(self.provider_combo, [(ALL_PROVIDERS, None), *providers], self.provider_combo.currentData())
        _fill(self.category_combo, [(ALL_CATEGORIES, None), *categories], self.category_combo.currentData())
        self._apply_filters(completeness=completeness)
        due = self.quarter.due_date(due_days(db))
        self.count_label.setText(f"{self.quarter.label} · {plural(len(grid.rows), 'strand')} · due {format_date(due)}")

    def _apply_filters(self, *, completeness: bool = True) -> None:
        provider, category = self.provider_combo.currentData(), self.category_combo.currentData()
        self.grid_model.set_filter(provider, category)
        ids = {
            s.id for s in self._strands
            if (provider is None or s.provider_id == provider) and (category is None or s.service_category_key == category)
        }
        everything = provider is None and category is None
        if completeness or self.tabs.currentWidget() is self.completeness:
            self.completeness.load(completeness_matrix(self.workspace.db, self.quarter.year, today=self.today),
                                   None if everything else ids)
            self._completeness_stale = False
        else:
            self._completeness_stale = True
        self._update_copy_button()

    def _refresh_rows(self, returns) -> None:
        """After a save of some strands' returns: re-read and re-check their rows only; the
        completeness matrix follows now if shown, otherwise when its tab is."""
        grid = self.grid_model.grid
        if self.quarter is None or grid is None or grid.quarter != self.quarter:
            self.refresh()
            return
        strand_ids = {strand for strand, _quarter in returns}
        self.grid_model.reload_rows(reread_rows(self.workspace.db, grid, returns), strand_ids)
        self._completeness_stale = True
        self._on_tab_changed()
        self._update_copy_button()

    def _on_tab_changed(self, _index: int = 0) -> None:
        if self._completeness_stale and self.tabs.currentWidget() is self.completeness:
            self._apply_filters()

    def _update_copy_button(self, *_args) -> None:
        row = self._current_row()
        self.copy_button.setEnabled(row is not None and row.return_id is None)

    def _current_row(self):
        index = self.grid_view.currentIndex()
        return self.grid_model.row_at(index.row()) if index.isValid() else None

    def _say(self, text: str, *, problem: bool = False, banner: str = "", tooltip: str = "") -> None:
        show_message(self.message_label, text, problem=problem)
        self._banner = banner
        if not problem:
            self.message_label.setToolTip(tooltip)

    def _publish(self, changed: Changed | None) -> None:
        """Tell every page; this one refreshes from the announcement like the others (a hidden
        page catches up when shown), or at once when nothing changed."""
        if changed:
            self.context.publish(changed)
        else:
            self.refresh()

    # ------------------------------------------------------------------ Page

    def new_record(self) -> bool:
        row = self._current_row()
        if row is not None:
            self.open_return(row.strand_id, self.quarter)
        return row is not None

    def on_data_changed(self, changed: Changed) -> None:
        if changed.touches(STRANDS, PROVIDERS) or (changed.touches(RETURNS) and changed.returns is None):
            self.refresh()
        elif changed.touches(RETURNS):
            self._refresh_rows(changed.returns)

    def has_unsaved_changes(self) -> bool:
        return self.grid_model.has_changes()

    def show_target(self, go: Go) -> None:
        if go.period is not None:
            self.follow_period(go.period)
        if go.provider_id is not None or go.service_category_key is not None:
            # The rows asked for (a service's bar, say); "" is every service, as the chart means it.
            self.provider_combo.setCurrentIndex(max(self.provider_combo.findData(go.provider_id), 0))
            self.category_combo.setCurrentIndex(max(self.category_combo.findData(go.service_category_key or None), 0))
        if go.return_state is not None:
            self.tabs.setCurrentWidget(self.completeness)  # where each return's state is shown
        if go.files is not None:  # templates dropped on the window
            self.templates.import_dropped(go.files)

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        """Run `proceed` once unsaved grid edits are saved or discarded (asks first), or at once."""
        model = self.grid_model
        if not model.has_changes():
            proceed()
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          f"{self.quarter.label} has {plural(model.changed_cells(), 'changed cell')} not saved yet.",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("Save them first, or discard them?")
        box.finished.connect(lambda _r: self._on_leave_answered(box, proceed))
        self.active_dialog = box
        box.open()

    def _on_leave_answered(self, box: QMessageBox, proceed: Callable[[], None]) -> None:
        self.active_dialog = None
        answer = box.standardButton(box.clickedButton())
        if answer == QMessageBox.StandardButton.Save and self.save_grid():
            proceed()
        elif answer == QMessageBox.StandardButton.Discard:
            self.grid_model.discard()
            proceed()

    # ------------------------------------------------------------------ actions

    def save_grid(self) -> bool:
        """Save every changed row in one transaction; False (and why) when nothing was."""
        self.grid_view.commit_open_editor()
        model = self.grid_model
        if not model.has_changes():
            self._say("Nothing to save: no cell has changed.")
            return True
        errors, warnings = model.blocking_counts()
        if errors:
            self._say(f"Nothing was saved. {self.grid_panel.save_reason_label.text()}; the problems list says where.",
                      problem=True, banner="refused")
            return False
        cells, rows = model.changed_cells(), len(set(model.edits()) | set(model.notes()))
        try:
            changed = save_grid(self.workspace.db, self.quarter, model.edits(), model.notes(), versions=model.versions())
        except StaleRecordError as stale:
            self._say(str(stale), problem=True)
            self.grid_panel.reload_button.setVisible(True)
            return False
        except (GridRefused, ValueError, *REFUSALS) as refused:  # REFUSALS: a full disk or read-only file too
            self._say(str(refused), problem=True, banner="refused")
            return False
        self.grid_panel.reload_button.setVisible(False)
        explain = (f" {plural(warnings, 'warning')} {'needs a note' if warnings == 1 else 'need notes'} before verifying."
                   if warnings else "")
        self._say(f"Saved {plural(cells, 'changed cell')} in {plural(rows, 'return')} for {self.quarter.label}.{explain}")
        # The saved rows are read again first: their typing, now what is stored, is then no
        # edit, so each row is checked once rather than once without it and once re-read.
        self._publish(changed)
        model.discard()
        return True

    def reload_changed_rows(self) -> None:
        """After a stale refusal: show what is stored now in the rows someone else saved since
        they were edited here (their figures replace the typing there); other rows keep theirs."""
        model = self.grid_model
        loaded = model.versions()
        grid = quarter_grid(self.workspace.db, self.quarter)
        stored = {r.strand_id: r.version for r in grid.rows}
        model.load(grid, keep_edits=True)
        stale = sorted(s for s, v in loaded.items() if stored.get(s, 0) != v)
        for strand_id in stale:
            model.discard(strand_id)
        self.grid_panel.reload_button.setVisible(False)
        references = ", ".join(r.reference for r in grid.rows if r.strand_id in stale)
        self._say(f"Reloaded {references}: their rows show the figures saved now. Your other changes are still unsaved.")

    def verify_all_valid(self) -> None:
        self.verifying.verify_all_valid()

    def undo_verify(self) -> None:
        self.verifying.undo_verify()

    def draft_chasers(self) -> ChasersDialog:
        """Who is owed a reminder up to the quarter shown, then the .eml files, written and shown."""
        from desktop_app.ui.pages.returns.chasers_dialog import ChasersDialog

        dialog = ChasersDialog(self.workspace, self.quarter, self, today=self.today)
        dialog.finished.connect(lambda _r: self._on_chasers_finished(dialog))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _on_chasers_finished(self, dialog: ChasersDialog) -> None:
        self.active_dialog = None
        written = dialog.written
        if written is None:
            return
        text = f"{plural(len(written.paths), 'chaser')} saved in {written.folder}; open each to send it."
        if written.without_email:
            text += " No contact e-mail for " + ", ".join(written.without_email) + ": fill in To."
        self._say(text)

    def copy_last_quarter(self) -> None:
        row = self._current_row()
        if row is None:
            self._say("Select the strand whose missing return should start from last quarter's figures.", problem=True)
            return
        if self.grid_model.row_edits(row.strand_id):
            self._say(f"{row.reference} has unsaved figures in the grid; save or discard them first.", problem=True)
            return
        try:
            changed = copy_last_quarter(self.workspace.db, row.strand_id, self.quarter)
        except (ServiceError, ValueError) as refused:
            self._say(str(refused), problem=True)
            return
        self._say(f"{row.reference}: last quarter's figures copied as a draft — check every figure.")
        self._publish(changed)
        self.open_return(row.strand_id, self.quarter)

    def open_return(self, strand_id: int, quarter: Quarter) -> ReturnDialog:
        from desktop_app.ui.pages.returns.form import ReturnDialog

        here = quarter == self.quarter
        notes = self.grid_model.notes().get(strand_id, {}) if here else {}
        edited = here and (self.grid_model.row_edits(strand_id) or notes)
        dialog = ReturnDialog(self.workspace, strand_id, quarter, self,
                              initial=self.grid_model.row_edits(strand_id) if here else None, initial_notes=notes,
                              version=self.grid_model.versions().get(strand_id) if edited else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda result: self._on_return_finished(dialog, strand_id, here, result))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _on_return_finished(self, dialog: ReturnDialog, strand_id: int, here: bool, result: int) -> None:
        self.active_dialog = None
        if here and result == QDialog.DialogCode.Accepted:
            self.grid_model.discard(strand_id)  # the form saved what the grid held for it
        if result == QDialog.DialogCode.Accepted and dialog.changed:
            # A correct save: an old refusal on the line under the grid no longer holds.
            self._say(f"Saved {dialog.data.strand_reference} {dialog.data.period_label}.")
        if dialog.changed:
            self._publish(dialog.changed)

    def _open_note(self, strand_id: int, problems, measure=None) -> None:
        dialog = note_dialog(self.grid_model, strand_id, problems, measure, self)
        dialog.finished.connect(lambda _r: setattr(self, "active_dialog", None))
        self.active_dialog = dialog
        dialog.open()

    # ------------------------------------------------------------------ slots

    def _on_quarter_combo_current_index_changed(self, _index: int) -> None:
        chosen = self._quarters.get(self.quarter_combo.currentData())
        if chosen is None or chosen == self.quarter:
            return
        _fill(self.quarter_combo, None, self.quarter.label)  # stays until the change is agreed
        self.confirm_leave(lambda: self._switch_quarter(chosen, chosen_by_officer=True))

    def choose_quarter(self, quarter: Quarter) -> None:
        """Show another quarter (asking first when the grid has unsaved changes)."""
        self.quarter_combo.setCurrentIndex(self.quarter_combo.findData(quarter.label))

    def follow_period(self, period: object) -> None:
        # Unsaved grid edits keep their quarter: the officer switches with the box, which asks.
        if self.quarter is None or self.has_unsaved_changes():
            return
        wanted = quarter_for(period, self.quarter, list(self._quarters.values()))
        if wanted is not None and wanted != self.quarter:
            self._switch_quarter(wanted)

    def _switch_quarter(self, quarter: Quarter, *, chosen_by_officer: bool = False) -> None:
        if chosen_by_officer:
            self.context.choose_period(quarter)
        self.quarter = quarter
        self.verifying.forget()
        self._say("")
        self.refresh(keep_edits=False)

    def _on_filter_changed(self, _index: int) -> None:
        if self.quarter is not None:
            self._apply_filters()

    def _on_discard_clicked(self) -> None:
        self.grid_model.discard()
        self._say("Unsaved changes discarded.")

    def _on_grid_open_requested(self, row: int) -> None:
        self.open_return(self.grid_model.row_at(row).strand_id, self.quarter)

    def _on_grid_note_requested(self, row: int, column: int) -> None:
        grid_row = self.grid_model.row_at(row)
        measure = self.grid_model.measure_at(column)
        problems = [p for p in self.grid_model.cell_problems(grid_row, measure.key) if not p.is_error] if measure else []
        self._open_note(grid_row.strand_id, problems, measure)

    def _on_grid_breakdown_requested(self, row: int, column: int) -> None:
        grid_row = self.grid_model.row_at(row)
        measure = self.grid_model.measure_at(column)
        if measure is None or not self.grid_model.has_breakdowns(column):
            self._say("This figure has no breakdowns; Victims supported and other measures with them do.", problem=True)
            return
        if self.grid_model.row_edits(grid_row.strand_id):
            self._say(f"{grid_row.reference} has unsaved figures in the grid; save or discard them first: "
                      "its breakdowns add up to the saved total.", problem=True)
            return
        self.open_breakdowns(grid_row.strand_id, measure.key)

    def open_breakdowns(self, strand_id: int, measure_key: str) -> BreakdownDialog:
        """The breakdowns of one return's measure, saved on their own through the same service."""
        from desktop_app.ui.pages.returns.breakdown_dialog import BreakdownDialog

        version = self.grid_model.row_at(self.grid_model.row_of(strand_id)).version
        dialog = BreakdownDialog(self.workspace, strand_id, self.quarter, measure_key, self, version=version)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda result: self._on_breakdowns_finished(dialog, result))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _on_breakdowns_finished(self, dialog: BreakdownDialog, result: int) -> None:
        self.active_dialog = None
        if result == QDialog.DialogCode.Accepted and dialog.changed:
            label = dialog.data.checker.label(dialog.measure_key)
            self._say(f"Saved the breakdowns of {label} for {dialog.data.strand_reference} {dialog.data.period_label}.")
            self._publish(dialog.changed)

    def _on_grid_pasted(self, cells: int, skipped: int) -> None:
        extra = f"; {plural(skipped, 'cell')} outside the grid or on locked rows left out" if skipped else ""
        self._say(f"Pasted {plural(cells, 'cell')}{extra}. Ctrl+Z undoes the paste.", banner="paste")

    def _on_grid_paste_undone(self) -> None:
        self._say("Paste undone: the cells are as they were before it.")

    def _on_grid_edits_changed(self) -> None:
        """Clear a banner that no longer holds: a refusal once no error is left, the paste's once
        it cannot be undone (discarded or saved)."""
        model = self.grid_model
        if self._banner == "refused" and not model.blocking_counts()[0]:
            self._say("")
        elif self._banner == "paste" and not model.can_undo():
            self._say("")

    def _on_problem_activated(self, line) -> None:
        if line.problem.is_error:
            self.grid_panel.select_problem(line)
        else:
            self._open_note(line.strand_id, [line.problem])

    def _on_due_days_changed(self, days: int) -> None:
        try:
            changed = set_due_days(self.workspace.db, days)
        except (ServiceError, ValueError) as refused:
            self._say(str(refused), problem=True)
            return
        self._say(f"Returns are now due {plural(days, 'day')} after the quarter ends.")
        self._publish(changed)


def _fill(combo: QComboBox, items, chosen) -> None:
    """Refill a combo (None: keep its items) and select `chosen`, without announcing it."""
    combo.blockSignals(True)
    if items is not None:
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
    index = combo.findData(chosen)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
