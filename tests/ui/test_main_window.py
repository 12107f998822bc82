"""The window opened in-process, as tests and embedding use it."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from desktop_app import APP_NAME
from desktop_app.app import build_main_window
from desktop_app.store.database import open_database
from desktop_app.store.errors import DatabaseInUseError

import pytest


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_window_on_an_empty_database_says_so_and_shows_no_demo_banner(qtbot, db_path, settings):
    window = build_main_window(str(db_path), settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert APP_NAME in window.windowTitle() and str(db_path) in window.windowTitle()
    assert "empty" in window.summary.text()
    assert not window.demo_banner.isVisible()
    assert str(db_path) in window.statusBar().currentMessage()


def test_window_on_the_demo_shows_the_banner_and_the_counts(qtbot, demo_path, settings, tmp_path):
    window = build_main_window(str(demo_path), settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert window.demo_banner.isVisible()
    assert "synthetic" in window.demo_banner.text()
    assert "34 providers" in window.summary.text()
    assert "72 strands" in window.summary.text()
    window.grab().save(str(tmp_path / "main-window.png"))


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
