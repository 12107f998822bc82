"""The return form: one strand's return for one quarter, built from the measure catalogue.

A tab per group of the catalogue (Outputs, Restorative justice, Cope and recover outcomes, …),
in the catalogue's order, and after a group the breakdowns of each of its measures that has
them, as compact tables with their running sum against the total. Each measure has its input,
its help text and, in small grey figures, what the strand reported in the four quarters before;
an outcome's improved count shows the rate improved/measured beside it, worked out as typed. The same engine the service uses checks the
figures as they are typed: an error shows in red beside its input; a warning shows in amber and
opens a note beside it, which verifying needs (saving does not). The status moves only as the workflow allows (the
buttons come from `next_steps`); a locked return is read-only until it is reopened with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.access import Right
from desktop_app.core.money import format_pence
from desktop_app.core.numbers import format_count
from desktop_app.core.outcomes import outcome_pairs, rate_words
from desktop_app.core.return_checks import RETURN_NOTE, BreakdownCell, ReturnCheck
from desktop_app.core.return_workflow import Transition
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.services.changes import Changed
from desktop_app.services.errors import ServiceError, StaleRecordError
from desktop_app.services.history import return_history
from desktop_app.services.returns import (
    MeasureField,
    ReturnForm,
    ReturnRefused,
    reopen,
    return_form,
    save_return,
)
from desktop_app.services.workspace import Workspace
from desktop_app.ui.access import needs
from desktop_app.ui.pages.returns.breakdown_table import BreakdownsPanel
from desktop_app.ui.pages.returns.markers import mark_of, marker_icon
from desktop_app.ui.pages.returns.measure_input import INPUT_WIDTH, PREVIOUS_WIDTH, MeasureInput
from desktop_app.ui.pages.returns.reason_dialog import TextDialog
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.widgets.date_edit import OptionalDateEdit
from desktop_app.ui.widgets.form import FormRows
from desktop_app.ui.widgets.history_dialog import HistoryDialog
from desktop_app.ui.widgets.record_dialog import RecordDialog

COPIED_NOTICE = "Copied from last quarter — check every figure before you save or submit it."
LOCKED_NOTICE = "Locked: this return went to the MoJ in a final submission. Reopen it, with a reason, to correct it."
READ_ONLY_STYLE = "background: #eef1f4; color: #5b6b7a;"  # a locked return looks it


def _short(quarter) -> str:
    """`Q4 23/24`: a previous quarter in the little space above its figure."""
    return f"Q{quarter.number} {quarter.year.start_year % 100:02d}/{(quarter.year.start_year + 1) % 100:02d}"


@dataclass(frozen=True)
class ReturnDraft:
    """What the form holds, as typed: every figure's text, the notes, the breakdowns' texts."""

    figures: dict[str, str]
    notes: dict[str, str]  # measure key → note; the return's own notes under RETURN_NOTE
    breakdowns: dict[BreakdownCell, str] = field(default_factory=dict)
    received_date: dt.date | None = None


class ReturnDialog(RecordDialog):
    """`changed` holds what was changed once the dialog closes (None if nothing was).

    A tab per catalogue group, and one per measure with breakdowns after its group's, each
    scrolling on its own so the dialog and its buttons fit a laptop screen. `initial` (measure key
    → text) and `initial_notes` start the inputs from unsaved grid edits; `version` is then the
    return's version the grid loaded, so a save over a newer one is refused."""

    def __init__(
        self,
        workspace: Workspace,
        strand_id: int,
        quarter,
        parent: QWidget | None = None,
        *,
        initial: Mapping[str, str] | None = None,
        initial_notes: Mapping[str, str] | None = None,
        version: int | None = None,
    ) -> None:
        self.workspace = workspace
        data: ReturnForm = return_form(workspace.db, strand_id, quarter)
        if version is not None:
            # The grid's edits were typed over the return as the grid loaded it, not as it is now.
            data = replace(data, version=version)
        self.data = data
        super().__init__(f"{data.strand_reference} · {data.period_label}", parent)
        self.setWindowTitle(f"Return — {data.strand_reference} {data.period_label}")
        self.setMinimumWidth(880)
        self.changed: Changed | None = None
        self.active_dialog: TextDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        self.step_buttons: dict[str, QPushButton] = {}
        self.inputs: dict[str, MeasureInput] = {}
        # Built when their tab is first shown (most returns are opened for a figure or two):
        # until then the breakdowns are the stored ones.
        self.breakdown_panels: dict[str, BreakdownsPanel] = {}
        self._unbuilt_panels: dict[str, tuple[QWidget, MeasureField, tuple]] = {}
        # Per tab: the measures it holds, and whether it is their breakdowns (for its marker).
        self._tab_contents: list[tuple[tuple[str, ...], bool]] = []
        self.tab_marks: list[str | None] = []
        self._build()

        self.set_value(data, initial=initial, initial_notes=initial_notes)
        self._connect_signals()
        self._recheck()
        self._fit_screen()
        first = next(iter(self.inputs.values()), None)
        if first is not None and self.data.editable:
            first.edit.setFocus()  # straight to the figures
            first.edit.selectAll()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        data = self.data
        self.intro = QLabel(self)
        self.intro.setObjectName("pageSubtitle")
        self.intro.setWordWrap(True)
        self.outer.insertWidget(1, self.intro)
        self.notice = QLabel(self)
        self.notice.setObjectName("formNotice")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Notice")
        self.outer.insertWidget(2, self.notice)

        # The status and its next steps first: what the officer is here to do with the return.
        self.status_holder = QWidget(self)
        status_row = QHBoxLayout(self.status_holder)
        status_row.setContentsMargins(0, 0, 0, 0)
        self.status_label = QLabel(self.status_holder)
        self.status_label.setStyleSheet("font-weight: 600;")
        self.status_combo = QComboBox(self.status_holder)
        self.status_combo.setAccessibleName("Save as")
        self.status_combo.addItem("Submitted — received from the provider", ReturnStatus.SUBMITTED)
        self.status_combo.addItem("Draft — still being completed", ReturnStatus.DRAFT)
        status_row.addWidget(self.status_label)
        status_row.addWidget(self.status_combo)
        self.step_row = QHBoxLayout()
        status_row.addLayout(self.step_row)
        status_row.addStretch(1)
        self.rows.add("status", "Status", self.status_holder)
        self.received_edit = self.rows.add("received_date", "Received", OptionalDateEdit("Not received yet", self))

        # The dialog's own scroll area holds the status rows, the tabs and the notes; the tabs
        # take the height left and scroll inside, so the buttons stay in view.
        top = self.scroll.takeWidget()
        container = QWidget(self.scroll)
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(8)
        column.addWidget(top)
        self.tabs = QTabWidget(container)
        self.tabs.setAccessibleName("Measures")
        self.tabs.setUsesScrollButtons(True)
        column.addWidget(self.tabs, 1)
        notes_holder = QWidget(container)
        column.addWidget(notes_holder)
        # In place before the inputs are made: moving a built tree under a new parent restyles
        # every widget in it, which made opening the form several times slower.
        self.scroll.setWidget(container)
        groups: dict[str, list[MeasureField]] = {}
        for measure_field in data.fields:
            groups.setdefault(measure_field.group, []).append(measure_field)
        for group, fields in groups.items():
            self._add_measure_tab(group, fields)
            for measure_field in fields:
                breakdowns = data.breakdowns_of(measure_field.key)
                if breakdowns:
                    self._add_breakdowns_tab(measure_field, breakdowns)
        self._outcomes = outcome_pairs(data.measures)

        self.note_rows = FormRows(notes_holder)
        notes_holder.setLayout(self.note_rows.layout)
        self.note_rows.layout.setContentsMargins(0, 0, 0, 0)
        self.notes_edit = self.note_rows.add("notes", "Notes", QPlainTextEdit(notes_holder))
        self.notes_edit.setFixedHeight(52)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText("About the return as a whole; also why a measure reported last quarter is empty")

        self.history_button = self.add_left_button("History", self._on_history_clicked)
        self.history_button.setToolTip("Who changed which figure and the status, when, and why")

    def _add_tab(self, title: str, keys: tuple[str, ...], breakdowns: bool) -> QWidget:
        """An empty page in a scrolling tab, placed before it is filled (see `_build`)."""
        scroll = QScrollArea(self.tabs)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.tabs.addTab(scroll, title)
        page = QWidget(scroll)
        scroll.setWidget(page)
        self._tab_contents.append((keys, breakdowns))
        self.tab_marks.append(None)
        return page

    def _add_measure_tab(self, group: str, fields: list[MeasureField]) -> None:
        page = self._add_tab(group, tuple(f.key for f in fields), False)
        rows = FormRows(page)
        page.setLayout(rows.layout)
        rows.layout.setContentsMargins(12, 10, 12, 10)
        heading = QWidget(page)
        row = QHBoxLayout(heading)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for text, width in [("This quarter", INPUT_WIDTH), *[(_short(q), PREVIOUS_WIDTH) for q in self.data.previous_quarters]]:
            label = QLabel(f"<b>{text}</b>" if width == INPUT_WIDTH else text, heading)
            label.setObjectName("" if width == INPUT_WIDTH else "fieldHint")
            label.setFixedWidth(width)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
            row.addWidget(label)
        row.addStretch(1)
        rows.layout.addRow("", heading)
        for measure_field in fields:
            widget = rows.add(measure_field.key, measure_field.label, MeasureInput(measure_field, page))
            caption = rows.layout.labelForField(widget.parentWidget())
            if isinstance(caption, QLabel):  # the outcomes' labels are long: wrap, not widen
                caption.setWordWrap(True)
                caption.setMaximumWidth(280)
            self.inputs[measure_field.key] = widget

    def _add_breakdowns_tab(self, measure_field: MeasureField, breakdowns) -> None:
        page = self._add_tab(f"{measure_field.label}: breakdowns", (measure_field.key,), True)
        self._unbuilt_panels[measure_field.key] = (page, measure_field, tuple(breakdowns))

    def breakdowns_panel(self, measure_key: str) -> BreakdownsPanel:
        """A measure's breakdown tables, built (showing the stored figures) the first time asked."""
        if measure_key in self.breakdown_panels:
            return self.breakdown_panels[measure_key]
        page, measure_field, breakdowns = self._unbuilt_panels.pop(measure_key)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 10)
        panel = BreakdownsPanel(measure_field.key, measure_field.label, breakdowns, page)
        layout.addWidget(panel)
        layout.addStretch(1)
        panel.set_values(self.data.breakdown_values)
        panel.set_read_only(not self.data.editable, READ_ONLY_STYLE)
        self.breakdown_panels[measure_key] = panel
        panel.changed.connect(self._recheck)
        self._recheck()
        return panel

    def _on_tabs_current_changed(self, index: int) -> None:
        keys, breakdowns = self._tab_contents[index] if 0 <= index < len(self._tab_contents) else ((), False)
        if breakdowns and keys[0] in self._unbuilt_panels:
            self.breakdowns_panel(keys[0])

    def _inputs_state(self) -> list:
        # The breakdown tables keep out of the generic state (they may be built after it was
        # taken); what they hold that differs from the stored figures stands in for them.
        return [*super()._inputs_state(), sorted(self.changed_breakdowns().items())]

    def _fit_screen(self) -> None:
        """As wide as the breakdowns want and nearly as tall as the screen, within it."""
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = (screen.width(), screen.height()) if screen is not None else (1366, 768)
        panels = max((BreakdownsPanel.width_for(b) for _p, _f, b in self._unbuilt_panels.values()), default=0)
        hint = self.sizeHint()
        # Room in the tab bar for the markers a few tabs may get as the officer types.
        wanted = max(hint.width(), panels + 140, self.tabs.tabBar().sizeHint().width() + 140)
        self.resize(min(wanted, int(width * 0.96)), int(height * 0.92))

    def _connect_signals(self) -> None:
        for widget in self.inputs.values():
            widget.edit.textChanged.connect(self._recheck)
            widget.note_edit.textChanged.connect(self._recheck)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.notes_edit.textChanged.connect(self._recheck)
        self.status_combo.currentIndexChanged.connect(self._on_status_combo_current_index_changed)
        self.received_edit.none_check.toggled.connect(self._on_received_none_toggled)

    def _on_status_combo_current_index_changed(self, _index: int) -> None:
        # Submitted means received: the date shows (today, to correct) rather than being set unseen.
        if self.status_combo.currentData() == ReturnStatus.SUBMITTED and self.received_edit.date_value() is None:
            self.received_edit.none_check.setChecked(False)

    def _on_received_none_toggled(self, not_received: bool) -> None:
        if self.data.status is None:  # a new return: "Save as" follows whether it came in
            wanted = ReturnStatus.DRAFT if not_received else ReturnStatus.SUBMITTED
            self.status_combo.blockSignals(True)
            self.status_combo.setCurrentIndex(self.status_combo.findData(wanted))
            self.status_combo.blockSignals(False)

    # ------------------------------------------------------------------ the form protocol

    def set_value(
        self, data: ReturnForm, *, initial: Mapping[str, str] | None = None, initial_notes: Mapping[str, str] | None = None
    ) -> None:
        """Show `data` (again, after a reload or reopen): figures, breakdowns, notes, status and
        what may be done; `initial` and `initial_notes` are typing to show over it."""
        self.data = data
        initial, initial_notes = initial or {}, initial_notes or {}
        copied = " · copied from last quarter" if data.copied_from_previous else ""
        self.intro.setText(
            f"<b>{data.strand_name}</b> — {data.provider_name} · {data.service_category}<br>"
            f"{data.quarter.months_label} {data.quarter.end.year} · status: <b>{data.status_words}</b>{copied}"
        )
        locked = data.status is ReturnStatus.LOCKED
        notice = LOCKED_NOTICE if locked else COPIED_NOTICE if data.copied_from_previous else ""
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        for measure_field in data.fields:
            widget = self.inputs[measure_field.key]
            widget.edit.setText(initial.get(measure_field.key, format_count(measure_field.value)))
            widget.note_edit.setText(initial_notes.get(measure_field.key, measure_field.note))
            for edit in (widget.edit, widget.note_edit):
                edit.setReadOnly(not data.editable)
                edit.setStyleSheet("" if data.editable else READ_ONLY_STYLE)
        for panel in self.breakdown_panels.values():
            panel.set_values(data.breakdown_values)
            panel.set_read_only(not data.editable, READ_ONLY_STYLE)
        self.notes_edit.setPlainText(initial_notes.get(RETURN_NOTE, data.notes))
        self.notes_edit.setReadOnly(not data.editable)
        self.notes_edit.setStyleSheet("" if data.editable else READ_ONLY_STYLE)
        self.received_edit.set_date_value(data.received_date)
        self.received_edit.setEnabled(data.editable)
        if data.status is None:  # a missing return has not been received: a draft until a date is given
            self.status_combo.setCurrentIndex(self.status_combo.findData(
                ReturnStatus.DRAFT if data.received_date is None else ReturnStatus.SUBMITTED))
        self.status_label.setText(data.status_words if data.status is not None else "New return —")
        self.status_combo.setVisible(data.status is None)
        self._build_steps(data.next_steps)
        self.save_button.setEnabled(data.editable)
        # A missing return's history is only the chasers sent for it, if any.
        self.history_button.setVisible(data.return_id is not None or bool(
            return_history(self.workspace.db, data.strand_id, data.quarter)))
        self.cancel_button.setText("Cancel" if data.editable else "Close")  # nothing to cancel on a locked return
        self.save_button.setToolTip("Save (Ctrl+S)" if data.editable else "A locked return cannot be saved; reopen it first")
        if not data.strand_runs:
            self.show_problem(f"{data.strand_reference} does not run in {data.period_label}, so it has no return for it.")

    def value(self) -> ReturnDraft:
        return ReturnDraft(self.entered(), self.notes(), self.breakdown_texts(), self.received_edit.date_value())

    def show_errors(self, check: ReturnCheck) -> None:  # type: ignore[override] - the engine's answer, not FieldErrors
        """Mark every input, breakdown table and tab as the engine sees the form."""
        notes = self.notes()
        for key, widget in self.inputs.items():
            widget.show_problems(check.for_measure(key), notes)
        for key, panel in self.breakdown_panels.items():
            panel.show_total(check.values.get(key), check.for_measure(key))
        for measure in self.data.measures:
            if measure.unit == "pence" and measure.key in self.inputs:  # stored in pence, read in pounds
                pence = check.values.get(measure.key)
                self.inputs[measure.key].rate_label.setText("" if pence is None else f"= {format_pence(pence)}")
        for pair in self._outcomes:
            widget = self.inputs.get(pair.improved.key)
            if widget is not None:
                widget.rate_label.setText(rate_words(check.values.get(pair.improved.key), check.values.get(pair.measured.key)))
        for index, (keys, breakdowns) in enumerate(self._tab_contents):
            problems = [p for key in keys for p in check.for_measure(key) if not breakdowns or p.breakdown_key]
            mark = mark_of(problems, notes)
            self.tab_marks[index] = mark
            self.tabs.setTabIcon(index, marker_icon(mark) if mark else QIcon())
            self.tabs.setTabToolTip(index, "\n".join(dict.fromkeys(p.message for p in problems)))
        empty = [p for p in check.warnings if p.note_key == RETURN_NOTE and not notes[RETURN_NOTE].strip()]
        self.notes_edit.setPlaceholderText(
            "Needed: say why " + ", ".join(self.data.checker.label(p.measure_key) for p in empty if p.measure_key)
            + " is empty" if empty else "About the return as a whole; also why a measure reported last quarter is empty"
        )

    # ------------------------------------------------------------------ reading and checking

    def entered(self) -> dict[str, str]:
        return {key: widget.edit.text() for key, widget in self.inputs.items()}

    def breakdown_texts(self) -> dict[BreakdownCell, str]:
        found = {cell: format_count(value) for cell, value in self.data.breakdown_values.items()
                 if cell[0] in self._unbuilt_panels}
        for panel in self.breakdown_panels.values():
            found.update(panel.texts())
        return found

    def changed_figures(self) -> dict[str, str]:
        """Only the inputs the officer changed from what the form loaded (what a save writes)."""
        loaded = {f.key: format_count(f.value) for f in self.data.fields}
        return {key: text for key, text in self.entered().items() if text.strip() != loaded[key].strip()}

    def changed_breakdowns(self) -> dict[BreakdownCell, str]:
        loaded = self.data.breakdown_values
        return {cell: text for cell, text in self.breakdown_texts().items()
                if text.strip() != format_count(loaded.get(cell)).strip()}

    def changed_notes(self) -> dict[str, str]:
        loaded = {f.key: f.note for f in self.data.fields}
        return {
            key: text for key, text in self.notes().items()
            if key != RETURN_NOTE and text.strip() != (loaded.get(key) or "").strip()
        }

    def notes(self) -> dict[str, str]:
        notes = {key: widget.note_edit.text() for key, widget in self.inputs.items()}
        notes[RETURN_NOTE] = self.notes_edit.toPlainText()
        return notes

    def _recheck(self) -> None:
        """Mark every input as the engine sees the form now. A new return shows no warnings until a
        figure is typed: an empty form is not yet a return with empty measures."""
        breakdowns = self.breakdown_texts()
        check = self.data.check(self.entered(), breakdowns)
        typed = [*self.entered().values(), *breakdowns.values()]
        if self.data.return_id is None and not any(text.strip() for text in typed):
            check = replace(check, warnings=())
        self.show_errors(check)

    def show_tab_of(self, widget: QWidget) -> None:
        """Bring forward the tab holding `widget` (to show a problem, or focus an input)."""
        for index in range(self.tabs.count()):
            if self.tabs.widget(index).isAncestorOf(widget):
                self.tabs.setCurrentIndex(index)
                return

    # ------------------------------------------------------------------ saving and status

    def save(self) -> None:
        self.save_as(None)

    def save_as(self, status: ReturnStatus | None) -> None:
        """Save the figures, moving the return to `status` (None: as it is; a new return takes
        the "Save as" choice)."""
        data = self.data
        if not data.editable:
            return
        if data.status is None and status is None:
            status = self.status_combo.currentData()
        return_notes = self.notes_edit.toPlainText()
        received = self.received_edit.date_value()
        if status == ReturnStatus.SUBMITTED and received is None and data.received_date is None:
            # Never today behind the officer's back: the date a return came in is a fact to enter.
            self.show_problem("Received: enter the date the provider's return came in (untick "
                              "\"Not received yet\"), or save it as a draft.")
            self.received_edit.date_edit.setFocus()
            return
        try:
            # Only what the officer changed, with the version the form loaded: a return someone
            # else saved since is refused, and the typed figures stay in the form.
            result = save_return(
                self.workspace.db, data.strand_id, data.quarter, self.changed_figures(), self.changed_notes(),
                received_date=received if received != data.received_date else None, status=status,
                return_notes=return_notes if return_notes.strip() != data.notes.strip() else None,
                version=data.version, breakdowns=self.changed_breakdowns(),
            )
        except StaleRecordError as stale:
            self.offer_reload(str(stale))
            return
        except ReturnRefused as refused:
            self.show_errors(refused.check)
            self._focus_first(refused.problems)
            self.show_problem(str(refused))
            return
        except (ServiceError, ValueError) as error:
            self.show_problem(str(error))
            return
        if result.changed:
            self.changed = result.changed if self.changed is None else self.changed | result.changed
        self.accept()

    def reload(self) -> None:
        """Load the return as it is stored now (the other officer's figures) in place of the form's."""
        self.set_value(return_form(self.workspace.db, self.data.strand_id, self.data.quarter))
        self._recheck()
        self.mark_unchanged()

    def _focus_first(self, problems) -> None:
        for problem in problems:
            if problem.note_key == RETURN_NOTE and not problem.is_error:
                self.notes_edit.setFocus()
                return
            widget = self.inputs.get(problem.measure_key or "")
            has_panel = (problem.measure_key or "") in {*self.breakdown_panels, *self._unbuilt_panels}
            target = None
            if problem.breakdown_key and has_panel and problem.is_error:
                target = self.breakdowns_panel(problem.measure_key).first_edit(problem.breakdown_key)
            elif widget is not None:
                target = widget.edit if problem.is_error else widget.note_edit
            if target is not None:
                self.show_tab_of(target)
                target.setFocus()
                return

    def _build_steps(self, steps: tuple[Transition, ...]) -> None:
        for button in self.step_buttons.values():
            button.deleteLater()
        self.step_buttons = {}
        for step in steps:
            button = QPushButton(step.action, self.status_holder)
            button.setAutoDefault(False)
            button.setToolTip("Ask for a reason, then reopen" if step.needs_reason else f"Save and {step.action.lower()}")
            button.clicked.connect(lambda _=False, s=step: self._on_step_clicked(s))
            mark_editing(button)
            if step.needs_reason:
                needs(Right.REOPEN, button)
            self.step_row.addWidget(button)
            self.step_buttons[step.action] = button

    def _on_history_clicked(self) -> None:
        entries = return_history(self.workspace.db, self.data.strand_id, self.data.quarter)
        title = f"{self.data.strand_reference} {self.data.period_label}"
        self.history_dialog = HistoryDialog(title, entries, self)
        self.history_dialog.open()

    def _on_step_clicked(self, step: Transition) -> None:
        if step.needs_reason:
            self.ask_reopen_reason()
        else:
            self.save_as(step.new)

    def ask_reopen_reason(self) -> TextDialog:
        data = self.data
        dialog = TextDialog(
            f"Reopen {data.strand_reference} {data.period_label}",
            "This return is locked because it went to the MoJ. Reopening it makes it submitted again so "
            "its figures can be corrected; the reason is kept in the audit trail with the change.",
            "Reason",
            lambda reason: reopen(self.workspace.db, data.return_id, reason),
            button="Reopen",
            parent=self,
        )
        dialog.finished.connect(lambda _result: self._on_reason_finished(dialog))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _on_reason_finished(self, dialog: TextDialog) -> None:
        self.active_dialog = None
        if dialog.changed:
            self.changed = dialog.changed if self.changed is None else self.changed | dialog.changed
            self.set_value(return_form(self.workspace.db, self.data.strand_id, self.data.quarter))
            self._recheck()
            self.mark_unchanged()
            self.show_problem("Reopened: the return is submitted again. Correct its figures and save.", notice=True)
