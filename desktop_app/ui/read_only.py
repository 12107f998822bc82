"""A database opened read-only: every button that would change it stays disabled.

Pages and forms mark their saving buttons once with `mark_editing`; they need not know
whether the file is read-only. While a read-only database is open, the window's guard watches
those buttons and switches each one off again whenever it is shown or its page enables it
(the pages' own rules turn buttons on and off as rows are selected). The store refuses any
write to a read-only file in any case; the guard only saves the officer a refusal.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractButton, QApplication

EDITS_PROPERTY = "changesDatabase"
READ_ONLY_BANNER_TEXT = (
    "Read-only — this file's permissions do not allow changes: you can look, export and make "
    "copies, but not save"
)
READ_ONLY_TIP = "The database is read-only: nothing can be saved to it"


def mark_editing(*buttons: QAbstractButton) -> None:
    """Say that these buttons change the database (so a read-only window disables them)."""
    for button in buttons:
        button.setProperty(EDITS_PROPERTY, True)


def changes_database(widget: QObject) -> bool:
    return isinstance(widget, QAbstractButton) and bool(widget.property(EDITS_PROPERTY))


class ReadOnlyGuard(QObject):
    """Keeps every marked button of the application disabled while it is installed."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        QApplication.instance().installEventFilter(self)

    def remove(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.Show, QEvent.Type.EnabledChange, QEvent.Type.Polish) and changes_database(watched):
            if watched.isEnabled():
                watched.setEnabled(False)
            watched.setToolTip(READ_ONLY_TIP)
        return False
