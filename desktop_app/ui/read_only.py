"""A database opened read-only: every button that would change it stays disabled.

Pages and forms mark their saving buttons once with `mark_editing`; they need not know
whether the file is read-only. While a read-only database is open, the window's guard watches
those buttons and switches each one off again whenever it is shown or its page enables it
(the pages' own rules turn buttons on and off as rows are selected). The store refuses any
write to a read-only file in any case; the guard only saves the officer a refusal.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

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


class WidgetGuard(QObject):
    """Watches every widget of the application while installed, and keeps those `refusal`
    names switched off with its words as their tooltip: whenever one is shown, polished or
    enabled again by its page, so no page has to know about the guard."""

    _WATCHED = (QEvent.Type.Show, QEvent.Type.EnabledChange, QEvent.Type.Polish)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        QApplication.instance().installEventFilter(self)

    def remove(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def refusal(self, widget: QObject) -> str | None:
        """Why `widget` must stay off (its tooltip), or None to leave it alone."""
        raise NotImplementedError

    def switched_off(self, widget: QWidget, why: str) -> None:
        """Called after `widget` is switched off (a subclass may say more than the tooltip)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in self._WATCHED and isinstance(watched, QWidget):
            why = self.refusal(watched)
            if why is not None:
                if watched.isEnabled():
                    watched.setEnabled(False)
                watched.setToolTip(why)
                self.switched_off(watched, why)
        return False


class ReadOnlyGuard(WidgetGuard):
    """Keeps every marked button of the application disabled while it is installed."""

    def refusal(self, widget: QObject) -> str | None:
        return READ_ONLY_TIP if changes_database(widget) else None
