"""The first launch: explore the demo, start an empty database, or open an existing file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from desktop_app import APP_NAME


class FirstLaunchDialog(QDialog):
    """Three clear ways in; `chosen` holds the database to open, or None if cancelled."""

    def __init__(self, default_database: Path, parent=None) -> None:
        super().__init__(parent)
        self.default_database = default_database
        self.chosen: str | None = None
        self.creates = False  # only the empty database is made by opening it
        self.setWindowTitle(f"Welcome to {APP_NAME}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        heading = QLabel(f"Welcome to {APP_NAME}", self)
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        intro = QLabel(
            "Keep your providers, strands, quarterly returns and Police and Crime Plan "
            "indicators in one database on this computer. How would you like to start?",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.demo_button = self._choice(
            layout,
            "Explore the demo data",
            "A synthetic office: 34 providers, 72 strands and three years of returns. "
            "Nothing you do there touches real data.",
            self._on_demo_clicked,
        )
        self.empty_button = self._choice(
            layout,
            "Create an empty database",
            f"Start your own records in {default_database}.",
            self._on_empty_clicked,
        )
        self.open_button = self._choice(
            layout, "Open an existing database…", "A file a colleague or a backup gave you.", self._on_open_clicked
        )
        self.demo_button.setDefault(True)

    def _choice(self, layout, text: str, explanation: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text)
        button.setMinimumHeight(36)
        button.clicked.connect(slot)
        layout.addWidget(button)
        note = QLabel(explanation, self)
        note.setObjectName("fieldHint")
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(note)
        return button

    def _on_demo_clicked(self) -> None:
        from desktop_app.services.errors import REFUSALS
        from desktop_app.services.workspace import ensure_demo_database

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.chosen = str(ensure_demo_database())
        except REFUSALS as error:
            QMessageBox.warning(self, APP_NAME, str(error))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.accept()

    def _on_empty_clicked(self) -> None:
        self.chosen = str(self.default_database)
        self.creates = True
        self.accept()

    def _on_open_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open database", str(Path.home()), "Commissioning Desk databases (*.sqlite *.db);;All files (*)"
        )
        if path:
            self.chosen = path
            self.accept()


def ask_how_to_start() -> tuple[str | None, bool]:
    """The database to open (None if cancelled), and whether opening it may create it."""
    from desktop_app.paths import default_database_path

    dialog = FirstLaunchDialog(default_database_path())
    dialog.exec()
    return dialog.chosen, dialog.creates
