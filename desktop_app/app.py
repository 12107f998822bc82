"""Wiring: open the database, build the window, run the event loop.

`build_main_window(database_url)` gives a ready window without starting an event loop, for
tests and embedding; `run_gui()` is what `commissioning-desk` with no verb runs. The launcher
is the one place that decides which database is open and moves the officer to another.
"""

from __future__ import annotations

import atexit
import sys
import weakref
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_NAME, ORG_NAME, __version__
from desktop_app.services.errors import REFUSALS
from desktop_app.services.workspace import ensure_demo_database
from desktop_app.ui.password_prompt import open_workspace_asking
from desktop_app.ui.main_window import MainWindow

LAST_DATABASE_KEY = "database/last"
OPEN_ERRORS = REFUSALS
# Windows built and not yet disposed: disposed on quit or at interpreter exit, whichever is first.
_LIVE_WINDOWS: weakref.WeakSet[MainWindow] = weakref.WeakSet()


def _dispose_live_windows() -> None:
    if QApplication.instance() is None:
        _LIVE_WINDOWS.clear()  # the application went first, and its windows with it
        return
    for window in list(_LIVE_WINDOWS):
        dispose_window(window)
    _LIVE_WINDOWS.clear()


def _application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.aboutToQuit.connect(_dispose_live_windows)
        app.setApplicationName(APP_NAME)
        app.setOrganizationName(ORG_NAME)
        app.setApplicationVersion(__version__)
        from desktop_app.ui.style import apply_style

        apply_style(app)
    return app  # type: ignore[return-value]


def dispose_window(window: MainWindow) -> None:
    """Close a window, let go of its database, and delete it now.

    Deleting it before the interpreter exits matters: left to Python's shutdown, the chart
    widgets' C++ objects are torn down in the wrong order and the process crashes on quit.
    """
    from shiboken6 import isValid

    if not isValid(window) or window.disposed:
        return  # disposed already (on quit, then again by the caller)
    window.disposed = True
    _LIVE_WINDOWS.discard(window)
    window.wait_for_opening_backup()
    window.close_without_asking()
    window.workspace.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


class Launcher:
    """Owns the current window; opens, creates and switches databases for it."""

    def __init__(self, settings: QSettings, *, interactive: bool = False) -> None:
        self.settings = settings
        self.window: MainWindow | None = None
        # Whether an officer is in front of the window (run_gui), to be told in a message box;
        # embedded and test windows keep the refusal, which `workspace.db` raises again.
        self.interactive = interactive

    def build(self, target: str, *, create: bool = False) -> MainWindow:
        """Open `target` and make it the current window (closing the previous one)."""
        # A server that wants a password asks for it; `target` (what is remembered) has none.
        workspace = open_workspace_asking(target, create=create, parent=self.window)
        self.settings.setValue(LAST_DATABASE_KEY, str(target))
        window = MainWindow(workspace, settings=self.settings, actions=self)
        _LIVE_WINDOWS.add(window)
        # Just after the first paint: the full opening (painted from a first look), then the
        # copy; each dropped if the window goes first.
        window.after_first_paint(window.finish_opening)
        old, self.window = self.window, window
        if old is not None:
            dispose_window(old)
        return window

    # -- WindowActions

    def open_database(self, path: str, *, create: bool) -> None:
        if create and Path(path).exists() and Path(path).stat().st_size > 0:
            QMessageBox.warning(
                self.window,
                "New database",
                f"{path} already exists. Choose a new file name, or use File › Open… to open it.",
            )
            return
        if self.window is not None and self.window.workspace.path == Path(path).resolve():
            return
        if self.window is not None:
            self.window.confirm_leave_all(lambda: self._switch_to(path, create))
        else:
            self._switch_to(path, create)

    def _switch_to(self, path: str, create: bool = False) -> None:
        try:
            self.build(path, create=create).show()
        except OPEN_ERRORS as error:
            QMessageBox.warning(self.window, APP_NAME, f"{APP_NAME} could not open {path}.\n\n{error}")

    def opening_failed(self, window: MainWindow, error: BaseException) -> None:
        """The full opening, after a first look, refused the file (damage found by SQLite)."""
        if not self.interactive:
            return
        QMessageBox.critical(window, APP_NAME, f"{APP_NAME} could not open {window.workspace.name}.\n\n{error}")
        if window is self.window:
            self.window = None
        dispose_window(window)

    def explore_demo(self) -> None:
        try:
            self.build(str(ensure_demo_database())).show()
        except OPEN_ERRORS as error:
            QMessageBox.warning(self.window, APP_NAME, str(error))


# A window left to Python's shutdown crashes in pyqtgraph's teardown: dispose it before that.
atexit.register(_dispose_live_windows)


def build_main_window(database_url: str | Path, *, settings: QSettings | None = None) -> MainWindow:
    """Open the database at a path or URL and return its main window, not yet shown.

    `dispose_window` lets go of it; a window not disposed is disposed at interpreter exit."""
    _application()
    # The window holds the launcher as its `actions`, which keeps it alive as long as the window.
    return Launcher(settings if settings is not None else QSettings()).build(str(database_url))


def run_gui(target: str | None) -> int:
    """Open the window on `target`, else the last database used, else ask (first launch)."""
    from desktop_app.ui.system_libraries import x11_problem

    problem = x11_problem()
    if problem is not None:
        # Qt would abort with a message that blames the wrong library: name the right ones.
        print(problem, file=sys.stderr)
        return 1
    app = _application()
    from desktop_app.ui.last_resort import install_last_resort

    install_last_resort()
    settings = QSettings()
    launcher = Launcher(settings, interactive=True)
    chosen = target or settings.value(LAST_DATABASE_KEY)
    create = False
    if not target and chosen and "://" not in str(chosen) and not Path(chosen).exists():
        chosen = None  # the last database was moved or deleted: start as on a first launch
    if not chosen:
        from desktop_app.ui.first_launch import ask_how_to_start

        chosen, create = ask_how_to_start()
        if chosen is None:
            return 0
    try:
        launcher.build(str(chosen), create=create).show()
    except OPEN_ERRORS as error:
        QMessageBox.critical(None, APP_NAME, f"{APP_NAME} could not open {chosen}.\n\n{error}")
        return 1
    code = app.exec()
    if launcher.window is not None:
        dispose_window(launcher.window)
    return code
