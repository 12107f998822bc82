"""The main window: a shell holding the pages, the demo banner and the status bar.

It only arranges things: what a page shows comes from services, and which database is open is
decided by `desktop_app.app`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, __version__
from desktop_app.core.numbers import format_count
from desktop_app.services.overview import DatabaseOverview
from desktop_app.services.workspace import Workspace

DEMO_BANNER_TEXT = "Demo data — synthetic figures, not real providers or victims"


class MainWindow(QMainWindow):
    def __init__(
        self,
        workspace: Workspace,
        *,
        on_explore_demo: Callable[[], None] | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self._on_explore_demo = on_explore_demo
        self._settings = settings
        self.setWindowTitle(f"{APP_NAME} — {workspace.name}")
        self.setMinimumSize(720, 520)
        self.overview: DatabaseOverview = workspace.overview()
        self._build()
        self._restore_geometry()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        self.demo_banner = QLabel(DEMO_BANNER_TEXT, central)
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_banner.setStyleSheet(
            "#demoBanner { background: #fff4ce; color: #5c4400; padding: 6px; "
            "border-bottom: 1px solid #e0c97a; font-weight: 600; }"
        )
        self.demo_banner.setAccessibleName("Demo data banner")
        self.demo_banner.setVisible(self.overview.is_demo)
        layout.addWidget(self.demo_banner)

        body = QWidget(central)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(48, 40, 48, 40)
        body_layout.setSpacing(16)
        title = QLabel(APP_NAME, body)
        title.setStyleSheet("font-size: 22pt; font-weight: 600;")
        body_layout.addWidget(title)

        self.summary = QLabel(self._summary_text(), body)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName("Database summary")
        body_layout.addWidget(self.summary)

        self.explore_demo_button = QPushButton("Explore the demo data", body)
        self.explore_demo_button.setAccessibleName("Explore the demo data")
        self.explore_demo_button.setVisible(self.overview.is_empty and self._on_explore_demo is not None)
        self.explore_demo_button.clicked.connect(self._on_explore_demo_clicked)
        body_layout.addWidget(self.explore_demo_button, alignment=Qt.AlignmentFlag.AlignLeft)
        body_layout.addStretch(1)
        layout.addWidget(body, 1)
        self.setCentralWidget(central)

        self.statusBar().showMessage(f"Database: {self.workspace.name}")
        self._build_menus()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about_action = QAction("&About", self)
        about_action.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about_action)

    def _summary_text(self) -> str:
        o = self.overview
        if o.is_empty:
            return (
                "This database is empty. Start by adding your funding streams and providers, "
                "or explore the demo data to see the program at work."
            )
        return (
            f"{format_count(o.providers)} providers, {format_count(o.strands)} strands of "
            f"provision, {format_count(o.returns)} quarterly returns and "
            f"{format_count(o.indicators)} Police and Crime Plan indicators."
        )

    # ------------------------------------------------------------------ state

    def _restore_geometry(self) -> None:
        if self._settings is not None:
            geometry = self._settings.value("window/geometry")
            if geometry is not None:
                self.restoreGeometry(geometry)
                return
        self.resize(1200, 800)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._settings is not None:
            self._settings.setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)

    # ------------------------------------------------------------------ slots

    def _on_explore_demo_clicked(self) -> None:
        if self._on_explore_demo is not None:
            self._on_explore_demo()

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\n\nDatabase: {self.workspace.name}",
        )
