""""Draft chasers…" from the completeness matrix: who is owed a reminder, then one .eml per
provider written to a folder (off the UI thread) and the folder opened for the officer to send
them from their own mail program."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from desktop_app.core.periods import Quarter
from desktop_app.services.errors import REFUSALS, ServiceError
from desktop_app.services.returns.chasers import ProviderChaser, chasers_due, draft_chasers
from desktop_app.services.workspace import Workspace
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.table_model import Column, RecordTableModel
from desktop_app.ui.tasks import run_with_progress
from desktop_app.ui.widgets.message_line import message_line, show_message
from desktop_app.ui.widgets.record_table import RecordTable

CHASER_COLUMNS: list[Column[ProviderChaser]] = [
    Column("Provider", lambda c: c.provider_name),
    Column("To", lambda c: c.contact_email or "No e-mail on record: fill in To before sending"),
    Column("Returns owed", lambda c: "; ".join(line.words for line in c.lines),
           tooltip=lambda c: "\n".join(line.words for line in c.lines)),
]


class ChasersDialog(QDialog):
    def __init__(self, workspace: Workspace, quarter: Quarter, parent=None, *, today=None) -> None:
        super().__init__(parent)
        self.workspace, self.quarter, self.today = workspace, quarter, today
        self.written = None
        self.task = self.progress_dialog = None
        self.setWindowTitle(f"Draft chasers — {quarter.label}")
        self.resize(980, 520)
        layout = QVBoxLayout(self)
        heading = QLabel(f"Chase missing and overdue returns up to {quarter.label}", self)
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        self.chasers = chasers_due(workspace.db, quarter, today=today)
        owed = sum(len(c.lines) for c in self.chasers)
        intro = QLabel(
            f"{owed:,} {'return is' if owed == 1 else 'returns are'} missing or overdue from "
            f"{len(self.chasers):,} {'provider' if len(self.chasers) == 1 else 'providers'}. One e-mail each is "
            "saved as an .eml file, naming every strand, quarter and due date, with the provider's return "
            "template attached; open each in your mail program to check and send it. No mail is sent from here.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        model = RecordTableModel(CHASER_COLUMNS, self)
        model.set_rows(self.chasers)
        self.table = RecordTable(model, "Chasers", self)
        self.table.setSortingEnabled(False)
        self.table.proxy.sort(-1)
        self.table.horizontalHeader().resizeSection(0, 260)
        self.table.horizontalHeader().resizeSection(1, 330)
        layout.addWidget(self.table, 1)
        folder_row = QHBoxLayout()
        caption = QLabel("Save in", self)
        self.folder_edit = QLineEdit(str(_default_folder(quarter)), self)
        self.folder_edit.setAccessibleName("Save in")
        caption.setBuddy(self.folder_edit)
        choose = QPushButton("Choose…", self)
        choose.setAutoDefault(False)
        choose.clicked.connect(self._on_choose_clicked)
        folder_row.addWidget(caption)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        layout.addLayout(folder_row)
        self.message = message_line(self)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.write_button = QPushButton(f"Write {len(self.chasers):,} {'chaser' if len(self.chasers) == 1 else 'chasers'}", self)
        self.write_button.setObjectName("primaryButton")
        self.write_button.setDefault(True)
        self.write_button.setEnabled(bool(self.chasers))
        self.write_button.clicked.connect(self.write)
        mark_editing(self.write_button)  # it records each chaser in the audit trail
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.write_button)
        layout.addLayout(buttons)
        if not self.chasers:
            show_message(self.message, f"No return up to {quarter.label} is missing or overdue: nobody to chase.")

    def _on_choose_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the chasers in…", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def write(self) -> None:
        text = self.folder_edit.text().strip()
        if not text:
            show_message(self.message, "Save in: give the folder for the chasers.", problem=True)
            return
        folder, db, quarter, today = Path(text), self.workspace.db, self.quarter, self.today
        self.write_button.setEnabled(False)
        self.task, self.progress_dialog = run_with_progress(
            self, f"Writing chasers for {quarter.label}",
            lambda _progress, _cancelled: draft_chasers(db, quarter, folder, today=today),
            on_success=self._on_written, on_error=self._on_failed,
        )

    def _on_failed(self, error: BaseException) -> None:
        self.task = None
        self.write_button.setEnabled(True)
        words = str(error) if isinstance(error, (ServiceError, *REFUSALS)) else f"No chaser was written: {error}"
        show_message(self.message, words, problem=True)

    def _on_written(self, written) -> None:
        self.task = None
        self.written = written
        self.open_folder(written.folder)
        self.accept()

    def open_folder(self, folder: Path) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            show_message(self.message, f"The folder could not be opened here; it is {folder}.", problem=True)


def _default_folder(quarter: Quarter) -> Path:
    # The officer's Documents, where they will find the files again (not the app's data folder).
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return Path(documents) / f"Chasers {quarter.label.replace('/', '-')}"
