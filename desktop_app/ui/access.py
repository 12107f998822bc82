"""The window follows the role: an action the person's role may not take is disabled, and its
tooltip says who may ("Only finance can sign off a final six-monthly return.").

Pages mark an action once with the right it needs: `needs(Right.EDIT_MONEY, button)`. A button
already marked as changing the database (`read_only.mark_editing`) needs the officer's right
unless it says otherwise, so a reader's window is read-only without any page knowing. While the
window is open the guard watches the marked widgets and switches each one off again whenever it
is shown or its page enables it, as the read-only guard does. The server refuses the change in
any case (store/server_rights.py); the guard only saves the person a refusal.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget

from desktop_app.core.access import Right
from desktop_app.services.access import CurrentPerson
from desktop_app.ui.read_only import WidgetGuard, changes_database, mark_editing

RIGHT_PROPERTY = "needsRight"
DOING_PROPERTY = "needsRightFor"


def needs(right: Right, *widgets: QWidget, doing: str | None = None) -> None:
    """Say that these widgets' actions need `right`; `doing` words the tooltip for this action."""
    for widget in widgets:
        widget.setProperty(RIGHT_PROPERTY, right.value)
        if doing:
            widget.setProperty(DOING_PROPERTY, doing)
        if isinstance(widget, QAbstractButton):
            mark_editing(widget)


def right_needed(widget: QObject) -> Right | None:
    value = widget.property(RIGHT_PROPERTY) if isinstance(widget, QWidget) else None
    if value:
        return Right(value)
    return Right.EDIT_WORK if changes_database(widget) else None


class AccessGuard(WidgetGuard):
    """Keeps every marked widget the person may not use disabled, with the reason as its tooltip."""

    def __init__(self, parent: QObject, person: CurrentPerson) -> None:
        self.person = person
        super().__init__(parent)

    def refusal(self, widget: QObject) -> str | None:
        right = right_needed(widget)
        if right is None or self.person.may(right):
            return None
        return self.person.refusal(right, widget.property(DOING_PROPERTY) or None)

    def switched_off(self, widget: QWidget, why: str) -> None:
        if isinstance(widget, QLineEdit) and widget.placeholderText() != why:
            # A greyed field says nothing by itself: it says who may fill it in, in full.
            widget.setPlaceholderText(why)
            wanted = widget.fontMetrics().horizontalAdvance(why) + 24
            widget.setMinimumWidth(min(wanted, widget.maximumWidth()))
