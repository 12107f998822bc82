"""What every page is handed, and what the window may ask of a page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QWidget

from desktop_app.core.periods import FinancialYear
from desktop_app.services.changes import Changed
from desktop_app.services.workspace import Workspace
from desktop_app.ui.pages.targets import Go


def year_of(period: object) -> FinancialYear | None:
    """The financial year of a period chosen on some page (a year, half or quarter), or None."""
    if isinstance(period, FinancialYear):
        return period
    year = getattr(period, "year", None)
    return year if isinstance(year, FinancialYear) else None


class AppEvents(QObject):
    """The window's one notice board: a service changed data, each page decides what to do."""

    data_changed = Signal(object)  # a services.changes.Changed


@dataclass
class PageContext:
    workspace: Workspace
    settings: QSettings | None
    events: AppEvents
    # Set by the window: show the page a `Go` names, on what it asks for.
    navigate: Callable[[Go], object] | None = None
    # The one period of the window (a core Quarter, HalfYear or FinancialYear): the current
    # reporting period when the window opens, then the one the officer last chose on any page.
    # Every page with periods follows it when shown, so the choice is kept between pages.
    current_period: object | None = None

    def choose_period(self, period: object | None) -> None:
        """The officer picked `period` on a page: the other pages show it when next shown."""
        if period is not None:
            self.current_period = period

    def publish(self, changed: Changed) -> None:
        self.events.data_changed.emit(changed)

    def go_to(self, go: Go) -> None:
        if self.navigate is not None:
            self.navigate(go)


class Page(QWidget):
    """A page of the main window. Subclasses set `key` and `title` and override what they offer."""

    key = ""
    title = ""
    # What of a `Go` this page shows (its field names): the window refuses a target asking for more.
    handles: frozenset[str] = frozenset()

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setAccessibleName(self.title)
        # What was published while the page was hidden, replayed once when it is shown again.
        self._missed: Changed | None = None
        context.events.data_changed.connect(self._on_data_published)

    @property
    def workspace(self) -> Workspace:
        return self.context.workspace

    def new_record(self) -> bool:
        """Ctrl+N on this page; False when the page has nothing to create."""
        return False

    def focus_search(self) -> bool:
        """Ctrl+F on this page; False when the page has no search box."""
        return False

    def on_data_changed(self, changed: Changed) -> None:
        """Refresh what this page shows if `changed` touches it."""

    def finish_first_look(self) -> bool:
        """Draw what else the window's first look at the file holds for this page, before the
        file is opened in full; True if something was drawn (the window opens the file after
        that paint). Most pages have nothing more to draw."""
        return False

    def _on_data_published(self, changed: Changed) -> None:
        # A page the officer cannot see does not refresh on every save (with many years of
        # returns that cost more than the save): it catches up in `catch_up` when shown.
        if self.isHidden():
            self._missed = changed if self._missed is None else self._missed | changed
        else:
            self.on_data_changed(changed)

    def catch_up(self) -> None:
        """Refresh for whatever changed while the page was hidden (the window calls it on show)."""
        missed, self._missed = self._missed, None
        if missed is not None:
            self.on_data_changed(missed)

    def has_unsaved_changes(self) -> bool:
        """Whether leaving the page now would lose typed work."""
        return False

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        """Call `proceed` once it is safe to leave (a page with unsaved work asks first)."""
        proceed()

    def follow_period(self, period: object) -> None:
        """Show `period` (the one the officer chose on another page) if this page has periods."""

    def show_target(self, go: Go) -> None:
        """Show each field of `go` this page `handles` (another page sent the officer here).

        The window has already followed `go.period`; a page showing a period within its own
        choices (a quarter's filters, say) does the rest here."""

    def open_dialog(self, dialog):
        """Open a record dialog window-modal (no nested event loop); when it closes, what its
        save changed is published to every page. The dialog is `active_dialog` while open."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._on_dialog_finished(dialog))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _on_dialog_finished(self, dialog) -> None:
        if getattr(self, "active_dialog", None) is dialog:
            self.active_dialog = None
        if getattr(dialog, "changed", None) is not None:
            self.context.publish(dialog.changed)

    def save_state(self) -> None:
        """Keep column widths and splitters in the settings (called when the window closes)."""
