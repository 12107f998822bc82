"""Wiring: open the database, build the window, run the event loop.

`build_main_window(database_url)` gives a ready window without starting an event loop, for
tests and embedding; `run_gui()` is what `commissioning-desk` with no verb runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_NAME, ORG_NAME, __version__
from desktop_app.services.errors import ServiceError
from desktop_app.services.workspace import Workspace, open_workspace
from desktop_app.store.errors import StoreError
from desktop_app.ui.main_window import MainWindow

LAST_DATABASE_KEY = "database/last"


def _application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    return app  # type: ignore[return-value]


def build_main_window(database_url: str | Path, *, settings: QSettings | None = None) -> MainWindow:
    """Open the database at a path or URL and return its main window, not yet shown."""
    _application()
    workspace = open_workspace(database_url)
    return _window_for(workspace, settings)


def _window_for(workspace: Workspace, settings: QSettings | None) -> MainWindow:
    window = MainWindow(workspace, settings=settings, on_explore_demo=None)
    window.destroyed.connect(lambda *_: workspace.close())
    return window


class _Launcher:
    """Keeps the current window and moves the officer to another database when asked."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings
        self.window: MainWindow | None = None

    def show(self, target: str) -> None:
        workspace = open_workspace(target)
        self.settings.setValue(LAST_DATABASE_KEY, target)
        window = MainWindow(workspace, settings=self.settings, on_explore_demo=self.explore_demo)
        old, self.window = self.window, window
        if old is not None:
            old.close()
            old.workspace.close()
        window.show()

    def explore_demo(self) -> None:
        from desktop_app.paths import user_data_dir
        from desktop_app.services.demo import build_demo
        from desktop_app.store.database import is_demo, open_database

        demo_path = user_data_dir() / "demo.sqlite"
        try:
            with open_database(demo_path) as db:
                if not is_demo(db):
                    build_demo(db)
            self.show(str(demo_path))
        except (StoreError, ServiceError) as error:
            QMessageBox.warning(self.window, APP_NAME, str(error))


def run_gui(target: str | None) -> int:
    """Open the window on `target`, else the last database used, else the default one."""
    from desktop_app.paths import default_database_path

    app = _application()
    settings = QSettings()
    chosen = target or settings.value(LAST_DATABASE_KEY) or str(default_database_path())
    launcher = _Launcher(settings)
    try:
        launcher.show(str(chosen))
    except (StoreError, ServiceError, OSError) as error:
        QMessageBox.critical(None, APP_NAME, f"{APP_NAME} could not open the database.\n\n{error}")
        return 1
    code = app.exec()
    if launcher.window is not None:
        launcher.window.workspace.close()
    return code
