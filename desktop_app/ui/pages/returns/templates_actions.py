"""The Returns page's provider templates: "Make templates…", "Import returns…", and dropped files.

Writing a quarter's workbooks, reading filled ones back and committing them are slow (dozens of
files, a database backup), so each runs on the background helper; the officer sees progress,
can cancel the first two, and reads each outcome in the page's message line. Everything runs
for the quarter on screen: a template of another quarter is refused by the preview.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from desktop_app.core.periods import Quarter
from desktop_app.core.wording import format_date, plural
from desktop_app.services.errors import ServiceError
from desktop_app.ui.pages.returns.host import ReturnsHost
from desktop_app.ui.pages.targets import ACCEPTED, ImportFiles
from desktop_app.ui.read_only import mark_editing
from desktop_app.ui.save_folders import FolderDialog, remember_folder, start_folder
from desktop_app.ui.tasks import run_task, run_with_progress

# The template services (workbooks, the import) load only when an officer first uses them: the
# Returns page's first visit should not wait for them.
if TYPE_CHECKING:
    from desktop_app.services.templates import ImportPreview, TemplatesMade
    from desktop_app.ui.pages.returns.import_dialog import ImportDialog

__all__ = ["ImportFiles", "TemplateActions"]


def make_templates(*args, **kwargs) -> TemplatesMade:
    from desktop_app.services.templates import make_templates as make

    return make(*args, **kwargs)


def preview_import(*args, **kwargs) -> ImportPreview:
    from desktop_app.services.templates import preview_import as preview

    return preview(*args, **kwargs)


def commit_import(*args, **kwargs):
    from desktop_app.services.templates import commit_import as commit

    return commit(*args, **kwargs)

WORKBOOK_FILTER = "Filled return templates (*.xlsx);;All files (*)"
TEMPLATES_FOLDER_KEY = "returns/templatesFolder"
IMPORT_FOLDER_KEY = "returns/importFolder"


@dataclass(frozen=True)
class MakeTemplatesRun:
    """Work for the pool: one workbook per provider for `quarter` in `folder`."""

    db: Any
    quarter: Quarter
    folder: Path

    def __call__(self, progress, cancelled) -> TemplatesMade:
        return make_templates(self.db, self.quarter, self.folder, progress=progress, cancelled=cancelled)


@dataclass(frozen=True)
class PreviewRun:
    """Work for the pool: read and check the files; nothing is written."""

    db: Any
    paths: tuple[Path, ...]
    period: Quarter

    def __call__(self, progress, cancelled) -> ImportPreview:
        return preview_import(self.db, self.paths, period=self.period, progress=progress, cancelled=cancelled)


class TemplateActions(QObject):
    """The two header buttons of the Returns page, what they start, and what they say."""

    def __init__(self, host: ReturnsHost) -> None:
        super().__init__(host.widget)
        self.host = host
        self.make_button = host.add_button(
            "Make templates…", self._on_make_button_clicked,
            "Write each provider a workbook to fill in for the quarter shown, into a folder you choose",
        )
        self.import_button = host.add_button(
            "Import returns…", self._on_import_button_clicked,
            "Read filled templates back (choose workbooks or a folder; or drop them on the window), "
            "see what would change, then import them",
        )
        mark_editing(self.import_button)
        self.task = None
        self.progress_dialog = None
        self.dialog: ImportDialog | None = None
        self.made_box: QMessageBox | None = None
        self.last_made: TemplatesMade | None = None
        self._busy = False

    @property
    def buttons(self):
        return (self.make_button, self.import_button)

    def is_busy(self) -> bool:
        return self._busy

    # ------------------------------------------------------------------ choosing

    def _folder(self, key: str) -> Path:
        return start_folder(self.host.settings, key)

    def _remember(self, key: str, folder: Path) -> None:
        remember_folder(self.host.settings, key, folder)

    def ask_templates_folder(self) -> str:
        """The folder to write into (empty if the officer cancelled); a method so tests can answer it."""
        # A new folder name is made on the spot: this quarter's templates often want their own.
        return FolderDialog.ask(
            self.host.widget, f"Make templates for {self.host.quarter().label} in…", self._folder(TEMPLATES_FOLDER_KEY)
        )

    def ask_import_files(self) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(
            self.host.widget, "Import filled return templates", str(self._folder(IMPORT_FOLDER_KEY)), WORKBOOK_FILTER
        )
        return paths

    def ask_import_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self.host.widget, "Import every template in a folder", str(self._folder(IMPORT_FOLDER_KEY)))

    def _refused_now(self) -> bool:
        """Say why nothing can start now (no quarter, or work already running)."""
        if self.host.quarter() is None:
            self.host.say("There are no strands yet, so no quarter to make or import templates for.", problem=True)
            return True
        if self._busy or self.dialog is not None:
            self.host.say("The templates are already being worked on; wait for that to finish.", problem=True)
            return True
        return False

    # ------------------------------------------------------------------ making templates

    def make_templates_in(self, folder: str | Path):
        """Write the quarter's templates into `folder` off the UI thread (what the button does once
        the folder is chosen). Returns the running task, or None if refused."""
        if self._refused_now():
            return None
        run = MakeTemplatesRun(self.host.db(), self.host.quarter(), Path(folder).expanduser().absolute())
        self._remember(TEMPLATES_FOLDER_KEY, run.folder)
        self._start(
            self.host.widget, f"Making the {run.quarter.label} templates", run,
            on_success=self._on_templates_made,
            on_error=lambda error: self._on_failed("No template was made", error),
            on_cancelled=lambda: self._on_cancelled("Cancelled: no template was kept."),
        )
        return self.task

    def _on_templates_made(self, made: TemplatesMade) -> None:
        self._set_busy(False)
        self.last_made = made
        folder = made.paths[0].parent if made.paths else None
        self.host.say(
            f"{plural(len(made.paths), 'template')} for {made.quarter.label} written to {folder} "
            f"({plural(made.strands, 'strand')} of {plural(made.providers, 'provider')})."
        )
        box = QMessageBox(QMessageBox.Icon.Information, "Templates made",
                          f"{plural(len(made.paths), 'template')} for {made.quarter.label} written to {folder}.",
                          QMessageBox.StandardButton.Close, self.host.widget)
        box.setInformativeText("Send each provider their workbook; import the filled ones with “Import returns…”.")
        box.setDetailedText("\n".join(p.name for p in made.paths))
        open_button = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
        open_button.clicked.connect(lambda: self.open_folder(folder))
        box.setDefaultButton(open_button)  # not "Show Details…", which Qt would pick
        box.finished.connect(lambda _r: setattr(self, "made_box", None))
        self.made_box = box
        box.open()

    def open_folder(self, folder: Path | None) -> None:
        if folder is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.host.say(f"The folder could not be opened here; it is {folder}.", problem=True)

    # ------------------------------------------------------------------ importing

    def import_files(self, paths) -> None:
        """Preview `paths` (workbooks, or folders standing for the workbooks in them) for the
        quarter on screen, then show the import preview (what the button does once files are
        chosen, and what a drop does). Unsaved grid edits are saved or discarded first."""
        if self._refused_now():
            return
        paths = tuple(Path(p).expanduser().absolute() for p in paths)
        if not paths:
            return
        first = paths[0]
        self._remember(IMPORT_FOLDER_KEY, first if first.is_dir() else first.parent)
        # The import changes returns the grid may hold typed figures for: settle those first.
        self.host.confirm_leave(lambda: self._preview(paths))

    def import_dropped(self, dropped: ImportFiles) -> None:
        refusal = dropped.refusal()
        if refusal is not None:
            self.host.say(refusal, problem=True)
            return
        self.import_files(dropped.paths)

    def _preview(self, paths: tuple[Path, ...], dialog: ImportDialog | None = None) -> None:
        run = PreviewRun(self.host.db(), paths, self.host.quarter())
        if dialog is not None:
            dialog.set_busy(f"Reading {plural(len(paths), 'file')} again…")
        self._start(
            dialog or self.host.widget, f"Reading the returns for {run.period.label}", run,
            on_success=lambda preview: self._on_previewed(preview, paths, dialog),
            on_error=lambda error: self._on_preview_failed(error, dialog),
            on_cancelled=lambda: self._on_preview_cancelled(dialog),
        )

    def _on_previewed(self, preview: ImportPreview, paths, dialog: ImportDialog | None) -> None:
        self._set_busy(False)
        if dialog is not None:
            dialog.set_preview(preview)
            return
        if not preview.files:
            where = ", ".join(str(p) for p in paths[:2])
            self.host.say(f"No workbook was found in {where}, so nothing was imported. {ACCEPTED}", problem=True)
            return
        self.host.say("")
        from desktop_app.ui.pages.returns.import_dialog import ImportDialog

        dialog = ImportDialog(preview, self.host.quarter(), self.host.today, self.host.widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.remove_requested.connect(lambda left: self._preview(tuple(left), dialog))
        dialog.reread_requested.connect(lambda again: self._preview(tuple(again), dialog))
        dialog.import_requested.connect(lambda received: self._commit(dialog, received))
        dialog.finished.connect(lambda _r: self._on_dialog_finished(dialog))
        self.dialog = dialog
        dialog.open()

    def _on_preview_failed(self, error: BaseException, dialog: ImportDialog | None) -> None:
        self._set_busy(False)
        text = f"The files could not be read: {_words(error)}"
        if dialog is not None:
            dialog.show_problem(text)
        else:
            self.host.say(text, problem=True)

    def _on_preview_cancelled(self, dialog: ImportDialog | None) -> None:
        self._set_busy(False)
        if dialog is not None:
            dialog.set_preview(dialog.preview)  # the batch as it was before
        else:
            self.host.say("Cancelled: nothing was imported.")

    def _commit(self, dialog: ImportDialog, received: dt.date) -> None:
        preview, quarter = dialog.preview, self.host.quarter()
        db = self.host.db()
        dialog.set_busy(f"Importing {plural(len(preview.to_write), 'return')}…")
        self._set_busy(True)
        # No Cancel here: one transaction, so it either finishes or changes nothing.
        self.task = run_task(
            lambda _progress, _cancelled: commit_import(db, preview, received_date=received),
            on_success=lambda changed: self._on_committed(dialog, preview, quarter, received, changed),
            on_error=lambda error: self._on_commit_failed(dialog, error),
        )

    def _on_committed(self, dialog: ImportDialog, preview: ImportPreview, quarter: Quarter, received: dt.date, changed) -> None:
        self._set_busy(False)
        dialog.accept()
        written = preview.to_write
        files = sum(any(s.writes for s in f.strands) for f in preview.files)
        locked = preview.counts().get("locked", 0)
        kept = f" {plural(locked, 'locked return')} left unchanged." if locked else ""
        self.host.say(
            f"Imported {plural(len(written), 'return')} for {quarter.label} from {plural(files, 'file')}, "
            f"submitted and received {format_date(received)}.{kept}"
        )
        if changed:
            self.host.publish(changed)  # the grid and completeness refresh themselves

    def _on_commit_failed(self, dialog: ImportDialog, error: BaseException) -> None:
        self._set_busy(False)
        dialog.show_problem(f"{_words(error)}\nUse “Read the files again” to see the returns as they are now.")

    def _on_dialog_finished(self, dialog: ImportDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    # ------------------------------------------------------------------ running

    def _start(self, parent: QWidget, title: str, work, *, on_success, on_error, on_cancelled) -> None:
        self._set_busy(True)
        self.task, self.progress_dialog = run_with_progress(
            parent, title, work, on_success=on_success, on_error=on_error, on_cancelled=on_cancelled
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in self.buttons:
            button.setEnabled(not busy and self.host.quarter() is not None)

    def _on_failed(self, what: str, error: BaseException) -> None:
        self._set_busy(False)
        self.host.say(f"{what}. {_words(error)}", problem=True)

    def _on_cancelled(self, text: str) -> None:
        self._set_busy(False)
        self.host.say(text)

    # ------------------------------------------------------------------ slots

    def _on_make_button_clicked(self) -> None:
        if self._refused_now():
            return
        folder = self.ask_templates_folder()
        if folder:
            self.make_templates_in(folder)

    def _on_import_button_clicked(self) -> None:
        # Files or a whole folder: one file dialog cannot offer both, so ask which first.
        if self._refused_now():
            return
        menu = QMenu(self.host.widget)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction("Workbooks…", self._on_import_files_chosen)
        menu.addAction("A folder of workbooks…", self._on_import_folder_chosen)
        menu.popup(self.import_button.mapToGlobal(QPoint(0, self.import_button.height())))

    def _on_import_files_chosen(self) -> None:
        paths = self.ask_import_files()
        if paths:
            self.import_files(paths)

    def _on_import_folder_chosen(self) -> None:
        folder = self.ask_import_folder()
        if folder:
            self.import_files([folder])


def _words(error: BaseException) -> str:
    # Refusals already say what is wrong and what was kept; anything else is named plainly.
    if isinstance(error, (ServiceError, ValueError, OSError)):
        return str(error)
    return f"{type(error).__name__}: {error}"

