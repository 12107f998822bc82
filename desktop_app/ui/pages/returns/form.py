"""The return form: one strand's return for one quarter, built from the measure catalogue.

Each measure the period asks for has its input, its help text and, in small grey figures, what
the strand reported in the four quarters before. The same engine the service uses checks the
figures as they are typed: an error shows in red beside its input; a warning shows in amber and
opens a note beside it, which verifying needs (saving does not). The status moves only as the workflow allows (the
buttons come from `next_steps`); a locked return is read-only until it is reopened with a reason.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from desktop_app.core.access import Right
from desktop_app.ui.access import needs
from desktop_app.core.numbers import format_count
from desktop_app.core.return_checks import RETURN_NOTE, Problem, ReturnCheck
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
from desktop_app.ui.pages.returns.reason_dialog import TextDialog
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.widgets.date_edit import OptionalDateEdit
from desktop_app.ui.widgets.history_dialog import HistoryDialog
from desktop_app.ui.widgets.record_dialog import RecordDialog

COPIED_NOTICE = "Copied from last quarter — check every figure before you save or submit it."
LOCKED_NOTICE = "Locked: this return went to the MoJ in a final submission. Reopen it, with a reason, to correct it."
INPUT_WIDTH, PREVIOUS_WIDTH = 116, 82
READ_ONLY_STYLE = "background: #eef1f4; color: #5b6b7a;"  # a locked return looks it
_STYLE = {  # the line under an input: red for an error, amber for a warning, grey once noted
    "error": "color: #b00020; font-weight: 600;",
    "warning": "color: #8a6100; font-weight: 600;",
    "noted": "color: #5b6b7a;",
}


def _short(quarter) -> str:
    """`Q4 23/24`: a previous quarter in the little space above its figure."""
    return f"Q{quarter.number} {quarter.year.start_year % 100:02d}/{(quarter.year.start_year + 1) % 100:02d}"


class MeasureInput(QWidget):
    """One measure: its input and previous figures on a line, then its help text, what is wrong
    with it, and (for a warning) the note that explains it."""

    def __init__(self, field: MeasureField, parent: QWidget) -> None:
        super().__init__(parent)
        self.field = field
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.edit = QLineEdit(self)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setFixedWidth(INPUT_WIDTH)
        self.edit.setToolTip(field.help_text)
        grid.addWidget(self.edit, 0, 0)
        self.previous_labels = []
        for column, figure in enumerate(field.previous, start=1):
            label = QLabel("—" if figure is None else format_count(figure), self)
            label.setObjectName("fieldHint")
            label.setFixedWidth(PREVIOUS_WIDTH)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, 0, column)
            self.previous_labels.append(label)
        grid.setColumnStretch(len(field.previous) + 1, 1)
        span = len(field.previous) + 2
        # What is wrong and the note come straight under the input; the help text after them.
        self.problem_label = QLabel(self)
        self.problem_label.setTextFormat(Qt.TextFormat.RichText)
        self.problem_label.setWordWrap(True)
        self.problem_label.setVisible(False)
        grid.addWidget(self.problem_label, 1, 0, 1, span)
        self.help_label = QLabel(field.help_text, self)
        self.help_label.setObjectName("fieldHint")
        self.help_label.setWordWrap(True)
        grid.addWidget(self.help_label, 3, 0, 1, span)
        self.note_edit = QLineEdit(self)
        self.note_edit.setAccessibleName(f"Note on {field.label}")
        self.note_edit.setPlaceholderText("Note: why is this figure unusual? (needed to verify)")
        self.note_edit.setText(field.note)
        self.note_edit.setVisible(bool(field.note))
        grid.addWidget(self.note_edit, 2, 0, 1, span)
        self.setFocusProxy(self.edit)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt's name
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)
        self.problem_label.setAccessibleName(f"{name} problem")

    def show_problems(self, problems: tuple[Problem, ...], notes: Mapping[str, str]) -> None:
        """Say what is wrong; a warning about this figure opens its note."""
        if not problems:
            self.problem_label.setVisible(False)
            self.note_edit.setVisible(bool(self.note_edit.text().strip()))
            return
        lines = []
        for problem in problems:
            kind = "error" if problem.is_error else "noted" if notes.get(problem.note_key, "").strip() else "warning"
            prefix = {"error": "✖ ", "warning": "⚠ ", "noted": "Noted: "}[kind]
            lines.append(f'<div style="{_STYLE[kind]}">{prefix}{html.escape(problem.message)}</div>')
        self.problem_label.setText("".join(lines))
        self.problem_label.setVisible(True)
        own_note = any(not p.is_error and p.note_key == self.field.key for p in problems)
        self.note_edit.setVisible(own_note or bool(self.note_edit.text().strip()))


class ReturnDialog(RecordDialog):
    """`changed` holds what was changed once the dialog closes (None if nothing was).

    `initial` (measure key → text) and `initial_notes` start the inputs from unsaved grid edits;
    `version` is then the return's version the grid loaded, so a save over a newer one is refused."""

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
        self.data: ReturnForm = return_form(workspace.db, strand_id, quarter)
        if version is not None:
            # The grid's edits were typed over the return as the grid loaded it, not as it is now.
            self.data = replace(self.data, version=version)
        super().__init__(f"{self.data.strand_reference} · {self.data.period_label}", parent)
        self.setWindowTitle(f"Return — {self.data.strand_reference} {self.data.period_label}")
        self.setMinimumWidth(880)
        self.changed: Changed | None = None
        self.active_dialog: TextDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        self.step_buttons: dict[str, QPushButton] = {}
        self._build()

        self._load(initial or {}, initial_notes or {})
        self._connect_signals()
        self._recheck()
        self.resize(self.sizeHint())
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
        heading = QWidget(self)
        row = QHBoxLayout(heading)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for text, width in [("This quarter", INPUT_WIDTH), *[(_short(q), PREVIOUS_WIDTH) for q in data.previous_quarters]]:
            label = QLabel(f"<b>{text}</b>" if width == INPUT_WIDTH else text, heading)
            label.setObjectName("" if width == INPUT_WIDTH else "fieldHint")
            label.setFixedWidth(width)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
            row.addWidget(label)
        row.addStretch(1)
        self.rows.layout.addRow("", heading)

        self.inputs: dict[str, MeasureInput] = {}
        for field in data.fields:
            self.inputs[field.key] = self.rows.add(field.key, field.label, MeasureInput(field, self))

        self.history_button = self.add_left_button("History", self._on_history_clicked)
        self.history_button.setToolTip("Who changed which figure and the status, when, and why")
        self.notes_edit = self.rows.add("notes", "Notes", QPlainTextEdit(self))
        self.notes_edit.setFixedHeight(58)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText("About the return as a whole; also why a measure reported last quarter is empty")

    def _connect_signals(self) -> None:
        for widget in self.inputs.values():
            widget.edit.textChanged.connect(self._recheck)
            widget.note_edit.textChanged.connect(self._recheck)
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

    def _load(self, initial: Mapping[str, str], initial_notes: Mapping[str, str]) -> None:
        """Show `self.data` (again, after a reopen): figures, notes, status and what may be done."""
        data = self.data
        copied = " · copied from last quarter" if data.copied_from_previous else ""
        self.intro.setText(
            f"<b>{data.strand_name}</b> — {data.provider_name} · {data.service_category}<br>"
            f"{data.quarter.months_label} {data.quarter.end.year} · status: <b>{data.status_words}</b>{copied}"
        )
        locked = data.status is ReturnStatus.LOCKED
        notice = LOCKED_NOTICE if locked else COPIED_NOTICE if data.copied_from_previous else ""
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        for field in data.fields:
            widget = self.inputs[field.key]
            widget.edit.setText(initial.get(field.key, format_count(field.value)))
            widget.note_edit.setText(initial_notes.get(field.key, field.note))
            for edit in (widget.edit, widget.note_edit):
                edit.setReadOnly(not data.editable)
                edit.setStyleSheet("" if data.editable else READ_ONLY_STYLE)
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

    # ------------------------------------------------------------------ reading and checking

    def entered(self) -> dict[str, str]:
        return {key: widget.edit.text() for key, widget in self.inputs.items()}

    def changed_figures(self) -> dict[str, str]:
        """Only the inputs the officer changed from what the form loaded (what a save writes)."""
        loaded = {f.key: format_count(f.value) for f in self.data.fields}
        return {key: text for key, text in self.entered().items() if text.strip() != loaded[key].strip()}

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
        check = self.data.check(self.entered())
        if self.data.return_id is None and not any(text.strip() for text in self.entered().values()):
            check = replace(check, warnings=())
        self.show_check(check)

    def show_check(self, check: ReturnCheck) -> None:
        notes = self.notes()
        for key, widget in self.inputs.items():
            widget.show_problems(check.for_measure(key), notes)
        empty = [p for p in check.warnings if p.note_key == RETURN_NOTE and not notes[RETURN_NOTE].strip()]
        self.notes_edit.setPlaceholderText(
            "Needed: say why " + ", ".join(self.data.checker.label(p.measure_key) for p in empty if p.measure_key)
            + " is empty" if empty else "About the return as a whole; also why a measure reported last quarter is empty"
        )

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
                version=data.version,
            )
        except StaleRecordError as stale:
            self.offer_reload(str(stale))
            return
        except ReturnRefused as refused:
            self.show_check(refused.check)
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
        self.data = return_form(self.workspace.db, self.data.strand_id, self.data.quarter)
        self._load({}, {})
        self._recheck()
        self.mark_unchanged()

    def _focus_first(self, problems) -> None:
        for problem in problems:
            widget = self.inputs.get(problem.measure_key or "")
            if problem.note_key == RETURN_NOTE and not problem.is_error:
                self.notes_edit.setFocus()
                return
            if widget is not None:
                (widget.edit if problem.is_error else widget.note_edit).setFocus()
                return

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
            self.data = return_form(self.workspace.db, self.data.strand_id, self.data.quarter)
            self._load({}, {})
            self._recheck()
            self.mark_unchanged()
            self.show_problem("Reopened: the return is submitted again. Correct its figures and save.", notice=True)
