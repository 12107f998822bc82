"""The window's last resort: an error that escapes a slot becomes a dialog, never a lost traceback.

A known refusal (a full disk, a read-only file) that a page did not catch is shown as it is
worded; anything unforeseen gets one plain sentence and its details go to the log file in
the user's log folder. Qt's own warnings go to that log too, where they can be found later.
"""

from __future__ import annotations

import sys
from types import TracebackType

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_app import APP_NAME
from desktop_app.crash_log import crash_sentence, log_folder, record_crash
from desktop_app.services.errors import REFUSALS


class LastResort:
    """sys.excepthook for the window: shows each error in a message box over the active window."""

    def __init__(self) -> None:
        self.box: QMessageBox | None = None  # the last message shown (tests read it)

    def __call__(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        error.__traceback__ = trace
        if isinstance(error, REFUSALS):
            message, icon = str(error), QMessageBox.Icon.Warning
        else:
            message, icon = crash_sentence(error, record_crash(error, "window")), QMessageBox.Icon.Critical
        self.show(message, icon)

    def show(self, message: str, icon: QMessageBox.Icon) -> None:
        parent: QWidget | None = QApplication.activeWindow()
        box = QMessageBox(icon, APP_NAME, message, QMessageBox.StandardButton.Ok, parent)
        box.setAccessibleName("Problem")
        box.open()  # not exec(): no nested event loop inside whatever failed
        self.box = box


def _on_qt_message(kind: QtMsgType, context, message: str) -> None:
    if kind == QtMsgType.QtDebugMsg or kind == QtMsgType.QtInfoMsg:
        return
    try:
        with open(log_folder() / "qt.log", "a", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(f"{kind.name}: {message}\n")
    except OSError:
        pass


def install_last_resort() -> LastResort:
    """Route escaped exceptions and Qt's warnings away from the terminal the officer never sees."""
    handler = LastResort()
    sys.excepthook = handler
    qInstallMessageHandler(_on_qt_message)
    return handler
