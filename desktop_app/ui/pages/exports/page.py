"""The Exports page: the MoJ return for a period, the record of what was sent, the Panel report.

Top: the period (financial year, whole year or a half or quarter, unverified or not) and what
its return would hold — totals, what is counted, data-quality problems, or why it cannot be
exported. Below, in tabs: the submissions with "Compare with now…", and the year's report.
Saving runs off the UI thread with a progress dialog that can be cancelled.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.access import Right
from desktop_app.ui.access import needs
from desktop_app.core.numbers import format_count
from desktop_app.core.periods import HalfYear, Quarter
from desktop_app.core.wording import noun, plural
from desktop_app.services.changes import (
    PROVIDERS,
    RETURNS,
    STRANDS,
    SUBMISSIONS,
    Changed,
)
from desktop_app.services.data_cache import cached
from desktop_app.services.errors import ServiceError
from desktop_app.services.export import (
    FINAL_EXPORT_CHANGED,
    ExportPeriod,
    ExportPreview,
    ExportResult,
    SubmissionRecord,
    compare_with_now,
    export_preview,
    list_submissions,
)
from desktop_app.services.report import report_text, year_report
from desktop_app.ui.pages.exports.compare_dialog import CompareDialog
from desktop_app.ui.pages.exports.export_run import ExportRun, workbook_path
from desktop_app.ui.pages.exports.period_picker import (
    PeriodPicker,
    default_year,
    years_with_returns,
)
from desktop_app.ui.pages.exports.preview_panel import PreviewPanel
from desktop_app.ui.pages.exports.report_panel import ReportPanel
from desktop_app.ui.widgets.message_line import message_line, show_message
from desktop_app.ui.pages.exports.submissions import SubmissionsPanel
from desktop_app.ui.pages.page import Page, PageContext, year_of
from desktop_app.ui.pages.targets import Go
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.save_folders import remember_folder, start_folder
from desktop_app.ui.tasks import run_with_progress
from desktop_app.ui.widgets.empty_state import EmptyState
from desktop_app.ui.widgets.page_header import PageHeader

WORKBOOK_FILTER = "Excel workbook (*.xlsx)"
FOLDER_KEY = "exports/folder"
CONFIRM_FINAL = "Make final return…"
EMPTY_TITLE = "No returns to export yet"


def _core_period(period: ExportPeriod | None) -> object | None:
    """The year, half or quarter an export period stands for, as the other pages know periods."""
    if period is None:
        return None
    if period.quarter is not None:
        return Quarter(period.year, period.quarter)
    if period.half is not None:
        return HalfYear(period.year, period.half)
    return period.year


def _part_of(period: object) -> str:
    """The picker's part ("year", "H1", "Q3"...) for a year, half or quarter."""
    if isinstance(period, Quarter):
        return f"Q{period.number}"
    if isinstance(period, HalfYear):
        return f"H{period.number}"
    return "year"


def final_return_sentences(preview: ExportPreview) -> str:
    """What the final return locks and what it leaves out, said before anything is locked."""
    text = (
        f"This saves the workbook to send, locks the {plural(preview.returns_counted, 'return')} "
        "it includes (changing one later needs it reopened, with a reason) and records a "
        "submission with the file's SHA-256."
    )
    missing = preview.returns_missing
    unverified = 0 if preview.include_unverified else preview.returns_unverified
    if missing or unverified:
        parts = []
        if missing:
            parts.append(f"{plural(missing, 'return')} {noun(missing, 'is', 'are')} missing")
        if unverified:
            parts.append(
                f"{plural(unverified, 'unverified return')} (draft or submitted) "
                f"{noun(unverified, 'is', 'are')} left out"
            )
        text += (
            f"\n\nNot included: {' and '.join(parts)}; Show Details lists them. "
            "Cancel to enter or verify them first."
        )
    return text + "\n\nNext you choose where to save it."


class ExportsPage(Page):
    key = "exports"
    handles = frozenset({"period"})
    title = "Exports"

    def __init__(self, context: PageContext, parent=None) -> None:
        super().__init__(context, parent)
        self.active_dialog: QWidget | None = None
        self.task = None
        self.progress_dialog = None
        self.last_outcome: ExportResult | SubmissionRecord | None = None
        self.preview: ExportPreview | None = None
        self._busy = False
        self._build()
        self._connect_signals()
        self.refresh()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)

        header = PageHeader(self.title, self)
        self.count_label = header.subtitle
        self.save_button = header.add_button(
            "Save workbook…", tooltip="Save the MoJ return for the chosen period as an Excel workbook"
        )
        self.final_button = header.add_button(
            "Final MoJ return…", primary=True,
            tooltip="Save the workbook to send, lock the returns it includes and record the submission",
        )
        mark_editing(self.final_button)
        layout.addLayout(header)

        self.picker = PeriodPicker(self)
        layout.addWidget(self.picker)
        # A half year's final return is the grant monitoring return, signed off by the CFO.
        self.sign_off_row = QWidget(self)
        sign_off_layout = QHBoxLayout(self.sign_off_row)
        sign_off_layout.setContentsMargins(0, 0, 0, 0)
        sign_off_label = QLabel("Signed off by (Chief Finance Officer)", self.sign_off_row)
        self.signed_off_edit = QLineEdit(self.sign_off_row)
        self.signed_off_edit.setAccessibleName("Signed off by (Chief Finance Officer)")
        self.signed_off_edit.setPlaceholderText("Needed for a final six-monthly return")
        self.signed_off_edit.setMaximumWidth(360)
        sign_off_label.setBuddy(self.signed_off_edit)
        needs(Right.SIGN_OFF, self.signed_off_edit)
        sign_off_layout.addWidget(sign_off_label)
        sign_off_layout.addWidget(self.signed_off_edit)
        sign_off_layout.addStretch(1)
        layout.addWidget(self.sign_off_row)
        self.message_label = message_line(self, "Message")
        layout.addWidget(self.message_label)

        self.stack = QStackedWidget(self)
        self.empty_state = EmptyState(
            EMPTY_TITLE,
            "The MoJ return is made from the providers' quarterly returns. Once a year's returns "
            "are entered and verified on the Returns page, choose the period here to see its "
            "totals and problems, save the workbook, record the final return and copy the "
            "Panel report.",
            self,
        )
        self.stack.addWidget(self.empty_state)

        # The preview keeps its natural height; the tabs below take what the screen has left.
        self.body = QWidget(self)
        body_layout = QVBoxLayout(self.body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.setSpacing(10)
        self.preview_panel = PreviewPanel(self.body)
        self.tabs = QTabWidget(self.body)
        self.tabs.setAccessibleName("Report and submissions")
        self.tabs.setDocumentMode(True)
        self.report_panel = ReportPanel(self.tabs)
        self.submissions_panel = SubmissionsPanel(self.tabs)
        self.tabs.addTab(self.report_panel, "Panel report")
        self.tabs.addTab(self.submissions_panel, "Submissions")
        body_layout.addWidget(self.preview_panel)
        body_layout.addWidget(self.tabs, 1)
        self.stack.addWidget(self.body)
        layout.addWidget(self.stack, 1)

    def _connect_signals(self) -> None:
        self.picker.changed.connect(self._on_picker_changed)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.final_button.clicked.connect(self._on_final_clicked)
        self.submissions_panel.compare_requested.connect(self._on_compare_requested)

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        years = years_with_returns(self.workspace)
        has_returns = bool(years)
        self.stack.setCurrentWidget(self.body if has_returns else self.empty_state)
        for widget in (self.picker, self.save_button, self.final_button):
            widget.setVisible(has_returns)
        if has_returns:
            offered = [y.year for y in years]
            followed = year_of(self.context.current_period)
            opening = self.picker.year() is None
            self.picker.set_years(offered, followed if followed in offered else default_year(years))
            if opening and followed in offered:
                # Open on the window's quarter or half too: one preview, not the year's then the part's.
                self.picker.blockSignals(True)
                try:
                    self.picker.select_part(_part_of(self.context.current_period))
                finally:
                    self.picker.blockSignals(False)
        self.count_label.setText(
            "The MoJ return, what was submitted, and the Panel report" if has_returns else ""
        )
        self._refresh_period()
        self._refresh_submissions()

    def _refresh_period(self) -> None:
        period = self.picker.period()
        self.sign_off_row.setVisible(period is not None and period.half is not None)
        if period is None:
            self.preview = None
            self._update_buttons()
            return
        include = self.picker.include_unverified()
        db = self.workspace.db
        # Kept until the data changes: going back to a period (or to the page) reads it once.
        self.preview = cached(
            db, ("export_preview", period, include), lambda: export_preview(db, period, include_unverified=include)
        )
        self.preview_panel.show_preview(self.preview)
        report = year_report(self.workspace.db, period.year, include_unverified=include)
        self.report_panel.show_report(period.year.label, report_text(report), include_unverified=include)
        self._update_buttons()

    def _refresh_submissions(self) -> None:
        submissions = list_submissions(self.workspace.db)
        self.submissions_panel.set_submissions(submissions)
        count = f" ({format_count(len(submissions))})" if submissions else ""
        self.tabs.setTabText(self.tabs.indexOf(self.submissions_panel), f"Submissions{count}")

    def _update_buttons(self) -> None:
        refusal = self.preview.refusal if self.preview is not None else EMPTY_TITLE
        can_export = self.preview is not None and self.preview.can_export and not self._busy
        # A final half year is the six-monthly grant return, which only finance may sign off.
        period = self.picker.period()
        sign_off = self.workspace.person.refusal(Right.SIGN_OFF) if period is not None and period.half else None
        self.save_button.setEnabled(can_export)
        self.final_button.setEnabled(can_export and sign_off is None)
        self.save_button.setToolTip(refusal or "Save the MoJ return for the chosen period as an Excel workbook")
        self.final_button.setToolTip(
            refusal or sign_off or "Save the workbook to send, lock the returns it includes and record the submission"
        )
        self.picker.setEnabled(not self._busy)

    def show_message(self, text: str, *, problem: bool = False) -> None:
        """A line under the period: what was saved where, or (in red) what went wrong."""
        show_message(self.message_label, text, problem=problem)

    # ------------------------------------------------------------------ Page

    def on_data_changed(self, changed: Changed) -> None:
        if changed.touches(RETURNS, SUBMISSIONS, STRANDS, PROVIDERS):
            self.refresh()

    # ------------------------------------------------------------------ saving

    def ask_save_path(self, caption: str, suggested: str) -> str:
        """Where to save (empty if the officer cancelled); a method so tests can answer it."""
        path, _ = QFileDialog.getSaveFileName(self, caption, str(self._folder() / suggested), WORKBOOK_FILTER)
        return path

    def _folder(self) -> Path:
        return start_folder(self.context.settings, FOLDER_KEY)

    def export_to(self, path: str | Path, *, final: bool = False):
        """Save the chosen period's workbook to `path` off the UI thread (what the buttons do
        once the file dialog has answered). Returns the running task, or None if refused."""
        period = self.picker.period()
        if period is None or self._busy:
            return None
        if self.preview is not None and self.preview.refusal:
            self.show_message(self.preview.refusal, problem=True)
            return None
        run = ExportRun(
            db=self.workspace.db, period=period, target=workbook_path(path).expanduser().absolute(),
            include_unverified=self.picker.include_unverified(), final=final,
            signed_off_by=(self.signed_off_edit.text().strip() or None) if final and period.half else None,
        )
        remember_folder(self.context.settings, FOLDER_KEY, run.target.parent)
        self._set_busy(True)
        self.show_message("")
        self.task, self.progress_dialog = run_with_progress(
            self, run.title, run,
            on_success=lambda outcome: self._on_export_succeeded(run, outcome),
            on_error=lambda error: self._on_export_failed(run, error),
            on_cancelled=lambda: self._on_export_cancelled(run),
        )
        return self.task

    def is_busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _on_export_succeeded(self, run: ExportRun, outcome: ExportResult | SubmissionRecord) -> None:
        self._set_busy(False)
        self.last_outcome = outcome
        if isinstance(outcome, SubmissionRecord):
            self.context.publish(FINAL_EXPORT_CHANGED)  # the returns it locked, the new submission
            self.submissions_panel.select(outcome.id)
            self.tabs.setCurrentWidget(self.submissions_panel)
            self.show_message(
                f"Final MoJ return for {run.period.label} saved to {run.target}\n"
                f"Recorded as submission {outcome.id}; {plural(outcome.returns_included, 'return')} "
                f"locked. SHA-256: {outcome.sha256}"
            )
        else:
            self.show_message(
                f"MoJ return for {run.period.label} saved to {outcome.path}\n"
                f"{plural(outcome.returns_counted, 'return')} counted. SHA-256: {outcome.sha256}"
            )

    def _on_export_failed(self, run: ExportRun, error: BaseException) -> None:
        self._set_busy(False)
        what = "final MoJ return was not made" if run.final else "workbook was not saved"
        if isinstance(error, (ServiceError, ValueError)):
            # Refusals (WorkbookWriteError is a ValueError) already say what to do and what was kept.
            self.show_message(f"The {what}. {error}", problem=True)
        else:
            self.show_message(
                f"The {what}: {type(error).__name__}: {error}. Any file already at {run.target} is as it was.",
                problem=True,
            )

    def _on_export_cancelled(self, run: ExportRun) -> None:
        if run.outcome is not None:  # Cancel came too late: the work had finished
            self._on_export_succeeded(run, run.outcome)
            return
        self._set_busy(False)
        kept = " and no return was locked" if run.final else ""
        self.show_message(f"Cancelled: no file was written{kept}.")

    # ------------------------------------------------------------------ dialogs

    def confirm_final(self) -> QMessageBox | None:
        """Ask before the final return: it locks returns and records a submission."""
        preview = self.preview
        if preview is None or not preview.can_export or self._busy:
            return None
        if preview.period.half is not None and not self.signed_off_edit.text().strip():
            self.show_message(
                f"The final monitoring return for {preview.period.label} must be signed off by the Chief "
                "Finance Officer: enter their name under the period first.",
                problem=True,
            )
            self.signed_off_edit.setFocus()
            return None
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Final MoJ return")
        box.setText(f"Make the final MoJ return for {preview.period.label}?")
        box.setInformativeText(final_return_sentences(preview))
        if preview.left_out:
            # "Show Details…" lists them, so the officer can see which before anything is locked.
            box.setDetailedText("Not in this return:\n" + "\n".join(preview.left_out))
        confirm = box.addButton(CONFIRM_FINAL, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(confirm)
        box.finished.connect(lambda _result: self._on_confirm_finished(box, confirm))
        return self.open_dialog(box)

    def _on_confirm_finished(self, box: QMessageBox, confirm: QPushButton) -> None:
        if box.clickedButton() is not confirm or self.preview is None:
            return
        suggested = f"{self.preview.period.file_stem} final.xlsx"
        path = self.ask_save_path("Final MoJ return", suggested)
        if path:
            self.export_to(path, final=True)

    def open_compare(self, submission: SubmissionRecord) -> CompareDialog | None:
        try:
            comparison = compare_with_now(self.workspace.db, submission.id)
        except ServiceError as error:
            self.show_message(f"The comparison could not be made: {error}", problem=True)
            return None
        return self.open_dialog(CompareDialog(comparison, self))

    # ------------------------------------------------------------------ slots

    def show_target(self, go: Go) -> None:
        if go.period is not None:
            self.follow_period(go.period)

    def follow_period(self, period: object) -> None:
        year = year_of(period)
        if year is None or self._busy or year.label not in self.picker.offered_years():
            return
        wanted = period if isinstance(period, (Quarter, HalfYear)) else year
        if _core_period(self.picker.period()) == wanted:
            return
        part = _part_of(wanted)
        # One refresh for the pair, not one for the year and another for the part.
        self.picker.blockSignals(True)
        try:
            self.picker.select_year(year.label)
            self.picker.select_part(part)
        finally:
            self.picker.blockSignals(False)
        self._on_picker_changed(chosen_by_officer=False)

    def _on_picker_changed(self, *, chosen_by_officer: bool = True) -> None:
        if chosen_by_officer:
            self.context.choose_period(_core_period(self.picker.period()))
        self.show_message("")
        self._refresh_period()

    def _on_save_clicked(self) -> None:
        if self.preview is None:
            return
        path = self.ask_save_path("Save MoJ return workbook", f"{self.preview.period.file_stem}.xlsx")
        if path:
            self.export_to(path)

    def _on_final_clicked(self) -> None:
        self.confirm_final()

    def _on_compare_requested(self, submission: SubmissionRecord) -> None:
        self.open_compare(submission)
