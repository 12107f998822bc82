"""The main window: a shell holding the sidebar, the pages, the demo banner and the status bar.

It only arranges things. Pages are built the first time they are shown (so start-up pays only
for the first page), what they show comes from services, and which database is open is decided
by the launcher in `desktop_app.app`, reached through `WindowActions`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop_app import APP_NAME, __version__
from desktop_app.services.changes import ALL_KINDS, Changed
from desktop_app.services.errors import REFUSALS, ServiceError
from desktop_app.services.reporting_period import current_reporting_period
from desktop_app.services.workspace import Workspace
from desktop_app.ui.access import AccessGuard
from desktop_app.ui.pages.page import AppEvents, Page, PageContext
from desktop_app.ui.pages.registry import LANDING_PAGE, PAGES, build_page, position
from desktop_app.ui.pages.targets import Go, ImportFiles, TargetNotHandled
from desktop_app.ui.read_only import READ_ONLY_BANNER_TEXT, ReadOnlyGuard

DEMO_BANNER_TEXT = "Demo data — synthetic figures, not real providers or victims"
DATABASE_FILTER = "Commissioning Desk databases (*.sqlite *.db);;All files (*)"
PREFERRED_SIZE = (1280, 800)  # what the pages are laid out for; smaller screens get less


class WindowActions(Protocol):
    """What the window asks of whoever opened it (the launcher)."""

    def open_database(self, path: str, *, create: bool) -> None: ...

    def explore_demo(self) -> None: ...

    def opening_failed(self, window: "MainWindow", error: BaseException) -> None: ...


class MainWindow(QMainWindow):
    def __init__(
        self,
        workspace: Workspace,
        *,
        settings: QSettings | None = None,
        actions: WindowActions | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.settings = settings
        self.actions = actions
        self.events = AppEvents(self)
        self.context = PageContext(workspace=workspace, settings=settings, events=self.events, navigate=self.navigate)
        # Every page opens on the quarter whose returns are due now, until the officer picks another
        # (read by the first look when there is one, so the first paint does not open the file).
        first_look = workspace.first is not None and not workspace.opened
        self.context.current_period = workspace.first.period if first_look else current_reporting_period(workspace.db)
        self._pages: dict[str, Page] = {}
        self._backup_task = None
        self._after_first_paint: list = []  # the opening's next steps (`after_first_paint`)
        self.disposed = False  # set by `desktop_app.app.dispose_window`
        self._close_confirmed = False
        # The first page shows a first look at the file until `finish_opening` (even if something
        # opens the file in full before then, the page still has to read it all).
        self._painted_from_first_look = workspace.first is not None and not workspace.opened
        self.overview = workspace.overview()
        self.setWindowTitle(f"{APP_NAME} — {workspace.name}")
        self.setMinimumSize(720, 520)
        self._build()
        self._build_menus()
        self._connect_signals()
        self._restore_state()
        self.setAcceptDrops(True)  # filled return templates, handed to the Returns page

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        self.demo_banner = QLabel(DEMO_BANNER_TEXT, central)
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_banner.setAccessibleName("Demo data banner")
        self.demo_banner.setVisible(self.overview.is_demo)
        outer.addWidget(self.demo_banner)

        self.read_only_banner = QLabel(READ_ONLY_BANNER_TEXT, central)
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setAccessibleName("Read-only banner")
        self.read_only_banner.setVisible(self.workspace.read_only)
        outer.addWidget(self.read_only_banner)
        # Every button that would save stays off while the file cannot be written.
        self.read_only_guard = ReadOnlyGuard(self) if self.workspace.read_only else None

        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)

        self.sidebar = QListWidget(self.splitter)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Pages")
        self.sidebar.setMinimumWidth(180)
        self.sidebar.setMaximumWidth(260)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for entry in PAGES:
            item = QListWidgetItem(entry.title)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            self.sidebar.addItem(item)

        self.stack = QStackedWidget(self.splitter)
        self.stack.setObjectName("pageStack")
        for _entry in PAGES:
            self.stack.addWidget(QWidget(self.stack))  # placeholders, replaced on first show
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 1000])
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.database_label = QLabel(f"Database: {self.workspace.name}", self)
        self.database_label.setAccessibleName("Open database")
        self.statusBar().addPermanentWidget(self.database_label)
        person = self.workspace.person
        self.person_label = QLabel(person.status_text, self)
        self.person_label.setAccessibleName("Connected as")
        self.person_label.setContentsMargins(16, 0, 4, 0)  # apart from the database's name
        self.statusBar().addPermanentWidget(self.person_label)
        # Every action the role may not take stays off, saying who may (team mode).
        self.access_guard = AccessGuard(self, person) if person.role is not None else None

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_database_action = self._action(file_menu, "&New database…", self._on_new_database_triggered)
        self.open_database_action = self._action(
            file_menu, "&Open…", self._on_open_database_triggered, QKeySequence.StandardKey.Open
        )
        self.backup_action = self._action(file_menu, "&Backup now…", self._on_backup_triggered)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = self.menuBar().addMenu("&Edit")
        self.new_record_action = self._action(edit_menu, "&New record", self._on_new_record_triggered, "Ctrl+N")
        self.find_action = self._action(edit_menu, "&Find", self._on_find_triggered, "Ctrl+F")
        self.new_record_action.setEnabled(not self.workspace.read_only)

        go_menu = self.menuBar().addMenu("&Go")
        for entry in PAGES:
            self._action(go_menu, entry.menu_text, lambda _=False, k=entry.key: self.show_page(k), entry.shortcut)

        self.team_menu = None
        if self.workspace.person.on_server:  # people (administrators) and one's own password
            from desktop_app.ui.team_dialog import build_team_menu  # the server's roles: SQLAlchemy

            build_team_menu(self)

        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About", self._on_about_triggered)

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _connect_signals(self) -> None:
        self.sidebar.currentRowChanged.connect(self._on_sidebar_current_row_changed)
        self.events.data_changed.connect(self._on_data_changed)

    # ------------------------------------------------------------------ pages

    def page(self, key: str) -> Page:
        """The page for `key`, built on first use."""
        if key not in self._pages:
            if key != LANDING_PAGE:
                # Pages that list submissions must not list one whose workbook a crash left staged.
                self.workspace.finish_interrupted_exports()
            index = position(key)
            page = build_page(key, self.context)
            placeholder = self.stack.widget(index)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.stack.insertWidget(index, page)
            self._pages[key] = page
        return self._pages[key]

    def show_page(self, key: str) -> Page:
        index = position(key)
        page = self.page(key)
        if self.context.current_period is not None:
            page.follow_period(self.context.current_period)
        self.stack.setCurrentWidget(page)
        page.catch_up()
        if self.sidebar.currentRow() != index:
            self.sidebar.setCurrentRow(index)
        return page

    def navigate(self, go: Go) -> Page:
        """Show the page `go` names on everything it asks for (a quarter clicked on a chart opens
        the page on that quarter); a page that cannot show all of it is refused, not half-shown."""
        page = self.page(go.page)
        if not go.asks_for() <= page.handles:
            raise TargetNotHandled(go, page.title, page.handles)
        self.context.choose_period(go.period)
        page = self.show_page(go.page)
        page.show_target(go)
        return page

    def has_unsaved_changes(self) -> bool:
        return any(page.has_unsaved_changes() for page in self._pages.values())

    def confirm_leave_all(self, proceed) -> None:
        """Ask each page with unsaved work in turn (save, discard or stay), then `proceed`."""
        pending = [page for page in self._pages.values() if page.has_unsaved_changes()]

        def step(index: int) -> None:
            if index == len(pending):
                proceed()
                return
            self.show_page(pending[index].key)
            pending[index].confirm_leave(lambda: step(index + 1))

        step(0)

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    # ------------------------------------------------------------------ state

    def _restore_state(self) -> None:
        start_page = LANDING_PAGE
        if self.settings is not None:
            geometry = self.settings.value("window/geometry")
            if geometry is None or not self.restoreGeometry(geometry):
                self._fit_to_screen()
            splitter = self.settings.value("window/splitter")
            if splitter is not None:
                self.splitter.restoreState(splitter)
            remembered = self.settings.value("window/page")
            if remembered in {entry.key for entry in PAGES}:
                start_page = remembered
        else:
            self._fit_to_screen()
        if self.overview.is_empty and not self.overview.is_demo:
            start_page = "strands"  # an empty database starts where the year is set up
        self.show_page(start_page)

    def _fit_to_screen(self) -> None:
        """A first window of 1280×800, or smaller where the screen is: on a 1366×768 laptop the
        status bar and the bottom of the charts must not fall off the screen."""
        width, height = PREFERRED_SIZE
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            # The frame (title bar, borders) is not known before the window is shown: leave room.
            width = min(width, available.width() - 16)
            height = min(height, available.height() - 48)
            self.resize(width, height)
            frame = self.frameGeometry()
            frame.moveCenter(available.center())
            self.move(frame.topLeft())
        else:
            self.resize(width, height)

    def closeEvent(self, event) -> None:
        if not self._close_confirmed and self.has_unsaved_changes():
            # Typed figures must not vanish with the window: ask, then close for real.
            event.ignore()
            self.confirm_leave_all(self._close_after_confirming)
            return
        if self.settings is not None:
            self.settings.setValue("window/geometry", self.saveGeometry())
            self.settings.setValue("window/splitter", self.splitter.saveState())
            current = self.current_page()
            if current is not None:
                self.settings.setValue("window/page", current.key)
        for page in self._pages.values():
            page.save_state()
        # Closed for real: the opening's timers still queued must find nothing to do.
        self._painted_from_first_look = False
        if self.read_only_guard is not None:
            self.read_only_guard.remove()
        if self.access_guard is not None:
            self.access_guard.remove()
        super().closeEvent(event)

    def after_first_paint(self, step) -> None:
        """Run `step` just after the window's first paint (the full opening, the backup).

        Not on a zero timer from the start: Qt hands queued calls out before the window system's
        first expose, so the officer would wait for them to see anything at all."""
        self._after_first_paint.append(step)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        steps, self._after_first_paint = self._after_first_paint, []
        if steps and self._painted_from_first_look:
            self.workspace.check_ahead()  # SQLite reads the file while the charts are drawn
        for step in steps:
            QTimer.singleShot(0, self, step)

    def finish_opening(self) -> None:
        """The opening's steps after the first paint: open the database in full when the window
        painted from its first look, then take the opening's backup copy.

        The first page may first draw more from the look (the dashboard draws its charts). The
        pages built so far then hear of a change of everything and read it all; a refusal found
        only now (damage SQLite's check sees) goes to the launcher."""
        if self.disposed:
            return
        if self._painted_from_first_look:
            page = self.current_page()
            if page is not None and not self.workspace.opened and page.finish_first_look():
                # The page drew more from the first look (the dashboard's charts): those are put
                # on screen now (a queued repaint would come after the next step), then the file
                # is opened in full.
                self.repaint()
                QTimer.singleShot(0, self, self.finish_opening)
                return
            self._painted_from_first_look = False
            try:
                self.workspace.db
            except REFUSALS as error:
                self.statusBar().showMessage(f"{self.workspace.name} could not be opened: {error}")
                if self.actions is not None and hasattr(self.actions, "opening_failed"):
                    self.actions.opening_failed(self, error)
                return
            self.context.publish(Changed(ALL_KINDS))
            QTimer.singleShot(0, self, self._finish_interrupted_exports)
        QTimer.singleShot(0, self, self.take_opening_backup)

    def _finish_interrupted_exports(self) -> None:
        if not self.disposed and self.workspace.opened:
            self.workspace.finish_interrupted_exports()

    def take_opening_backup(self):
        """A rotating copy of the file, once the window is up (a failure is shown, not fatal).

        Copied on a pool thread: a whole-file copy of a large database must not hold up the
        window's first seconds. Returns the running task."""
        if not self.workspace.opened or not self.isVisible():
            return None  # refused by the full opening, or closed since: there is nothing to copy
        # Imported here: the first paint does not need the thread-pool helper.
        from desktop_app.ui.tasks import run_task

        workspace = self.workspace
        self._backup_task = run_task(
            lambda _progress, _cancelled: workspace.take_opening_backup(),
            on_success=self._on_opening_backup_taken,
            on_error=self._on_opening_backup_failed,
        )
        return self._backup_task

    def wait_for_opening_backup(self, seconds: float = 60) -> None:
        """Let a copy in progress finish (before the process ends, so no half-written copy)."""
        if self._backup_task is not None:
            self._backup_task.done.wait(seconds)

    def _on_opening_backup_taken(self, copy: Path | None) -> None:
        if copy is not None and isValid(self):
            self.statusBar().showMessage(f"Backup copy kept in {copy.parent}", 5000)

    def _on_opening_backup_failed(self, error: BaseException) -> None:
        # A failed copy must never stop the officer's work.
        if isValid(self):
            self.statusBar().showMessage(f"The automatic backup could not be made: {error}", 10000)

    # ------------------------------------------------------------------ dropped files

    def dragEnterEvent(self, event) -> None:
        # Files and text alike, so a drop that is not a template is told what is (not just refused).
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        event.acceptProposedAction()
        self.navigate(Go("returns", files=ImportFiles.from_mime(event.mimeData())))

    # ------------------------------------------------------------------ slots

    def _close_after_confirming(self) -> None:
        self.close_without_asking()

    def close_without_asking(self) -> None:
        """Close even with unsaved work (the caller has already asked, or decided)."""
        self._close_confirmed = True
        self.close()

    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        current = self.current_page()
        key = PAGES[row].key
        if current is None or current.key == key or not current.has_unsaved_changes():
            self.show_page(key)
            return
        # Stay on the page until it says leaving is safe (it may ask to save first).
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(position(current.key))
        self.sidebar.blockSignals(False)
        current.confirm_leave(lambda: self.show_page(key))

    def _on_data_changed(self, _changed) -> None:
        self.overview = self.workspace.overview()

    def _on_new_record_triggered(self) -> None:
        page = self.current_page()
        if page is not None and not page.new_record():
            self.statusBar().showMessage(f"Nothing to create on the {page.title} page.", 4000)

    def _on_find_triggered(self) -> None:
        page = self.current_page()
        if page is not None and not page.focus_search():
            self.statusBar().showMessage(f"The {page.title} page has no search box.", 4000)

    def _on_new_database_triggered(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "New database", str(self._suggested_folder() / "commissioning.sqlite"), DATABASE_FILTER
        )
        if path and self.actions is not None:
            self.actions.open_database(path, create=True)

    def _on_open_database_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open database", str(self._suggested_folder()), DATABASE_FILTER)
        if path and self.actions is not None:
            self.actions.open_database(path, create=False)

    def _on_backup_triggered(self) -> None:
        stem = self.workspace.path.stem if self.workspace.path else "commissioning"
        suggested = self._suggested_folder() / f"{stem}-backup-{dt.date.today():%Y-%m-%d}.sqlite"
        path, _ = QFileDialog.getSaveFileName(self, "Backup now", str(suggested), DATABASE_FILTER)
        if not path:
            return
        from desktop_app.services.maintenance import backup_to

        try:
            written = backup_to(self.workspace.db, Path(path))
        except (ServiceError, OSError) as error:
            QMessageBox.warning(self, "Backup not made", str(error))
            return
        self.statusBar().showMessage(f"Backup written to {written}", 8000)

    def _suggested_folder(self) -> Path:
        return self.workspace.path.parent if self.workspace.path else Path.home()

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br><br>"
            "Victims' services commissioning: providers, strands, quarterly returns, "
            "Police and Crime Plan indicators and the MoJ return.<br><br>"
            f"Database: {self.workspace.name}",
        )
