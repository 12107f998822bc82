"""The window opened in-process, as tests and embedding use it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_app import APP_NAME
from desktop_app.app import build_main_window
from desktop_app.store.database import open_database
from desktop_app.store.errors import DatabaseInUseError
from desktop_app.ui.pages.registry import PAGES


def test_window_on_an_empty_database_says_so_and_shows_no_demo_banner(qtbot, db_path, settings):
    window = build_main_window(str(db_path), settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert APP_NAME in window.windowTitle() and str(db_path) in window.windowTitle()
    assert not window.demo_banner.isVisible()
    assert str(db_path) in window.database_label.text()
    # An empty database opens where the year is set up, with an invitation to start.
    page = window.current_page()
    assert page.title == "Strands & funding"
    assert page.stack.currentWidget() is page.empty_state
    assert "Set up the year" in page.empty_state.title_label.text()


def test_window_on_the_demo_shows_the_banner_and_the_counts(qtbot, demo_path, settings, tmp_path):
    window = build_main_window(str(demo_path), settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert window.demo_banner.isVisible()
    assert "synthetic" in window.demo_banner.text()
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [e.title for e in PAGES]
    assert window.show_page("providers").count_label.text() == "34 providers"
    assert window.show_page("strands").count_label.text() == "72 strands"


def test_ctrl_number_moves_between_pages(qtbot, demo_path, settings):
    window = build_main_window(str(demo_path), settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page().title == "Providers"
    assert window.sidebar.currentItem().text() == "Providers"


def test_the_window_holds_the_database_until_it_is_closed(qtbot, db_path, settings):
    window = build_main_window(str(db_path), settings=settings)
    with pytest.raises(DatabaseInUseError):
        open_database(db_path)
    window.close()
    window.workspace.close()
    open_database(db_path).close()


def test_window_geometry_is_remembered(qtbot, db_path, settings):
    window = build_main_window(str(db_path), settings=settings)
    window.show()
    window.resize(780, 700)
    qtbot.waitUntil(lambda: window.width() == 780)
    window.close()
    window.workspace.close()
    again = build_main_window(str(db_path), settings=settings)
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (780, 700)


def test_opening_a_file_in_the_window_keeps_a_backup_copy_beside_it(qtbot, demo_path, settings):
    window = build_main_window(str(demo_path), settings=settings)
    qtbot.addWidget(window)
    window.show()
    backups = demo_path.with_name(f"{demo_path.stem}-backups")
    # Copied off the UI thread: the status bar says so once the copy is there.
    qtbot.waitUntil(lambda: "Backup copy kept" in window.statusBar().currentMessage())
    assert any(backups.glob("*on-open.sqlite"))


def test_each_registry_entry_is_a_sidebar_row_a_go_menu_item_and_a_shortcut_to_its_page(qtbot, demo_path, settings):
    window = build_main_window(str(demo_path), settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    go_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Go")
    actions = go_menu.actions()
    assert len(actions) == len(PAGES) == window.sidebar.count() == window.stack.count()
    # One mnemonic letter each, none shared, and the ampersand of "Strands & funding" shown as one.
    letters = [a.text()[a.text().replace("&&", "").index("&") + 1].lower() for a in actions]
    assert len(set(letters)) == len(letters)
    assert "Strands & funding" in [a.iconText() for a in actions]
    for entry, action in zip(reversed(PAGES), reversed(actions)):
        assert action.shortcut().toString() == entry.shortcut
        qtbot.keyClick(window.sidebar, entry.shortcut[-1], Qt.KeyboardModifier.ControlModifier)
        page = window.current_page()
        assert (page.key, page.title, page.accessibleName()) == (entry.key, entry.title, entry.title)
        assert window.sidebar.currentItem().text() == entry.title


def test_the_go_menu_shows_each_page_title_as_the_sidebar_does(qtbot, db_path, settings):
    window = build_main_window(str(db_path), settings=settings)
    qtbot.addWidget(window)
    go_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Go")
    shown = [action.iconText() for action in go_menu.actions()]  # the text without mnemonics
    sidebar = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert "Strands & funding" in shown
    assert shown == sidebar
