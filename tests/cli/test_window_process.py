"""The window as a real process: it opens, quits cleanly, and renders every page to PNG."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from PySide6.QtGui import QImage

from desktop_app.ui.pages.registry import PAGES
from tests.conftest import REPO_ROOT, run_cli


def test_screenshot_writes_every_page_at_laptop_size_and_exits_cleanly(demo_path, tmp_path):
    result = run_cli("screenshot", "--db", str(demo_path), "--out", str(tmp_path / "shots"),
                     env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(PAGES) >= 7
    for page in (entry.key for entry in PAGES):
        picture = QImage(str(tmp_path / "shots" / f"{page}.png"))
        assert (picture.width(), picture.height()) == (1366, 768), page


def test_the_window_opens_and_quits_without_crashing(demo_path, tmp_path):
    script = textwrap.dedent(
        f"""
        import os, sys
        os.environ["XDG_CONFIG_HOME"] = {str(tmp_path / "config")!r}
        from PySide6.QtCore import QTimer
        from desktop_app.app import _application, run_gui
        app = _application()
        QTimer.singleShot(1500, app.quit)  # the officer closes the window
        sys.exit(run_gui({str(demo_path)!r}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_first_window_fits_a_1366x768_laptop_screen(demo_path, tmp_path):
    # A real screen of a common laptop's size (Qt's offscreen platform with one configured
    # screen): the window's frame, status bar included, must lie wholly on it.
    screens = tmp_path / "screen.json"
    screens.write_text(
        '{"windowFrameMargins": true, "screens": [{"name": "laptop", "x": 0, "y": 0,'
        ' "width": 1366, "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
    )
    script = textwrap.dedent(
        f"""
        import os
        os.environ["XDG_CONFIG_HOME"] = {str(tmp_path / "config")!r}
        from PySide6.QtCore import QSettings
        from desktop_app.app import _application, build_main_window, dispose_window
        app = _application()
        settings = QSettings({str(tmp_path / "settings.ini")!r}, QSettings.Format.IniFormat)
        window = build_main_window({str(demo_path)!r}, settings=settings)
        window.show()
        app.processEvents()
        frame, screen = window.frameGeometry(), window.screen().availableGeometry()
        print(frame.x(), frame.y(), frame.width(), frame.height(), screen.width(), screen.height())
        dispose_window(window)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    x, y, width, height, screen_width, screen_height = map(int, result.stdout.split()[-6:])
    assert (screen_width, screen_height) == (1366, 768)
    assert x >= 0 and y >= 0
    assert x + width <= 1366 and y + height <= 768
    assert width >= 1200 and height >= 680  # still uses the screen, not a postage stamp
