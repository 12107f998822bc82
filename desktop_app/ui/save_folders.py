"""Where file dialogs start: the folder the officer last used, else their Documents folder.

Never the program's own data folder (~/.local/share/Commissioning Desk), where a saved workbook
would be lost. Each kind of file remembers its own folder; any folder used is the fallback for
the others, so the first template folder chosen is also where the first export is offered.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

__all__ = ["FolderDialog", "LAST_FOLDER_KEY", "documents_folder", "remember_folder", "start_folder"]

LAST_FOLDER_KEY = "files/lastFolder"


def documents_folder() -> Path:
    """The officer's Documents folder (My Documents on Windows), or home if there is none."""
    folder = Path(platformdirs.user_documents_dir())
    return folder if folder.is_dir() else Path.home()


def start_folder(settings: QSettings | None, key: str) -> Path:
    """The folder a dialog for `key` should open in: its own last folder, the last one used
    for any file, or Documents."""
    for candidate in (key, LAST_FOLDER_KEY):
        remembered = settings.value(candidate) if settings is not None else None
        if remembered and Path(str(remembered)).is_dir():
            return Path(str(remembered))
    return documents_folder()


def remember_folder(settings: QSettings | None, key: str, folder: Path | str) -> None:
    """Keep `folder` as where the next dialog for `key` (and, failing that, any dialog) starts."""
    if settings is not None:
        settings.setValue(key, str(folder))
        settings.setValue(LAST_FOLDER_KEY, str(folder))


class FolderDialog(QFileDialog):
    """Choose a folder, or type the name of a new one, which is made when the officer accepts.

    Qt's own folder dialog refuses a name that does not exist yet ("Directory not found"); an
    officer making this quarter's templates wants a new folder for them.
    """

    def __init__(self, parent: QWidget | None, caption: str, folder: Path) -> None:
        super().__init__(parent, caption, str(folder))
        # Qt's widget dialog, not the platform's, so `accept` below is the one that runs.
        self.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        self.setOption(QFileDialog.Option.ShowDirsOnly, True)
        self.setFileMode(QFileDialog.FileMode.Directory)
        self.setLabelText(QFileDialog.DialogLabel.Accept, "Choose")

    def accept(self) -> None:
        chosen = self.selectedFiles()
        if chosen:
            folder = Path(chosen[0])
            if not folder.exists() and folder.parent.is_dir():
                try:
                    folder.mkdir()
                except OSError as error:
                    QMessageBox.warning(
                        self, "Folder not made",
                        f"The folder {folder} could not be made ({error.strerror or error}); choose another name.",
                    )
                    return
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, caption: str, folder: Path) -> str:
        """The chosen (perhaps new) folder, or "" if the officer cancelled."""
        dialog = cls(parent, caption, folder)
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return ""
        return dialog.selectedFiles()[0]
