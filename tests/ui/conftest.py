"""The window over a real database, as an officer opens it on a laptop screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from desktop_app.app import build_main_window

LAPTOP = (1366, 768)


@pytest.fixture
def settings(tmp_path):
    """Settings of this test only: no window state leaks between tests or from the user."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _open(qtbot, path, settings):
    window = build_main_window(str(path), settings=settings)
    qtbot.addWidget(window)
    window.resize(*LAPTOP)
    window.show()
    return window


@pytest.fixture
def window(qtbot, db_path, settings):
    """The window on an empty database."""
    window = _open(qtbot, db_path, settings)
    yield window
    window.close()
    window.workspace.close()


@pytest.fixture
def demo_window(qtbot, demo_path, settings):
    """The window on a fresh copy of the demo database."""
    window = _open(qtbot, demo_path, settings)
    yield window
    window.close()
    window.workspace.close()
